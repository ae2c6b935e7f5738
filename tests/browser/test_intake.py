"""An admin pastes a conclusion, reviews the proposals and confirms — at 1280 px and 360 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from directives.models import Assignment, Document
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "directives" / "importers" / "corpus"


def _sign_in_admin(page, live_server) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill("demo12345")
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def _serious(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_admin_pastes_reviews_and_confirms_a_conclusion(page, demo_live):
    _sign_in_admin(page, demo_live)
    page.goto(f"{demo_live.url}/admin/directives/document/")
    page.get_by_role("link", name="Nhập văn bản").click()
    page.wait_for_url("**/admin/directives/document/import/")
    assert _serious(page) == []
    screenshot(page, "intake-source-1280")
    text = (CORPUS / "06-chi-thi-nhieu-doan.txt").read_text(encoding="utf-8")
    page.get_by_label("Dán toàn văn").fill(text)
    page.get_by_role("button", name="Phân tích văn bản").click()
    page.get_by_role("heading", name="Kiểm tra và xác nhận").wait_for()
    page.wait_for_load_state()
    assert page.get_by_label("Số/ký hiệu").input_value() == "07/2021/CT-UBND"
    assert _serious(page) == []
    screenshot(page, "intake-review-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "intake-review-360")
    from tests.browser.conftest import SCREENSHOTS

    page.locator("section.intake-directive").first.screenshot(
        path=str(SCREENSHOTS / "intake-directive-360.png")
    )
    page.locator("fieldset.intake-unknown").first.screenshot(
        path=str(SCREENSHOTS / "intake-unknown-360.png")
    )
    page.set_viewport_size({"width": 1280, "height": 900})

    # Four names the demo tree lacks: create two, map one, ignore the coordinating one.
    unknown = page.locator("fieldset.intake-unknown")
    assert unknown.count() == 4
    unknown.nth(0).get_by_label("Tạo đơn vị mới").check()
    unknown.nth(1).get_by_label("Bỏ qua").check()
    unknown.nth(2).get_by_label("Bỏ qua").check()
    unknown.nth(3).get_by_label("Là đơn vị đã có").check()
    unknown.nth(3).get_by_label("Chọn đơn vị").select_option(label="Sở Kế hoạch và Đầu tư")
    page.get_by_role("button", name="Tạo văn bản và phân công").click()
    page.wait_for_url("**/admin/directives/document/*/change/")
    assert page.get_by_text("Đã tạo văn bản").is_visible()
    document = Document.objects.get(number="07/2021/CT-UBND")
    assert document.directives.count() == 3
    assert Assignment.objects.filter(directive__document=document).count() == 4


def test_review_page_shows_errors_next_to_fields_at_360(page, demo_live):
    _sign_in_admin(page, demo_live)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{demo_live.url}/admin/directives/document/import/")
    screenshot(page, "intake-source-360")
    text = (CORPUS / "01-ubnd-phong-chong-dich.txt").read_text(encoding="utf-8")
    page.get_by_label("Dán toàn văn").fill(text)
    page.get_by_role("button", name="Phân tích văn bản").click()
    page.get_by_label("Thời hạn").first.fill("sau khi xong")
    page.get_by_role("button", name="Tạo văn bản và phân công").click()
    page.get_by_text("Không xác định được thời hạn từ “sau khi xong”").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "intake-error-360")
    assert Document.objects.filter(number="45/TB-UBND").count() == 0


def test_district_review_by_keyboard_only(page, demo_live):
    """A district conclusion with names the demo tree lacks: the keyboard alone decides each
    unknown name, adds a coordinating unit through the autocomplete and confirms."""
    _sign_in_admin(page, demo_live)
    page.goto(f"{demo_live.url}/admin/directives/document/import/")
    text = (CORPUS / "09-huyen-uy-nam-can-thong-bao-ket-luan.txt").read_text(encoding="utf-8")
    page.get_by_label("Dán toàn văn").fill(text)
    page.get_by_label("Dán toàn văn").press("Tab")  # to the file input
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Phân tích văn bản"
    page.get_by_role("heading", name="Kiểm tra và xác nhận").wait_for()
    # The heading is parsed before the rows below it: wait for the whole page, since a
    # locator's count does not wait (under load the rows were not there yet).
    page.wait_for_load_state()
    expect(page.locator(".intake-doubt").first).to_be_visible()
    assert page.get_by_text("cần đơn vị cấp huyện").first.is_visible()
    assert _serious(page) == []
    screenshot(page, "intake-district-review-1280")
    # Each unknown name: focus its first choice, arrow down to "Tạo đơn vị mới" (under the
    # district, with the district's name, as proposed).
    unknown = page.locator("fieldset.intake-unknown")
    for i in range(unknown.count()):
        unknown.nth(i).get_by_label("Là đơn vị đã có").focus()
        page.keyboard.press("ArrowDown")
    assert unknown.nth(0).get_by_label("Tạo đơn vị mới").is_checked()
    # The autocomplete: type part of a name, Enter adds it.
    page.locator(".intake-assignment .select2-search__field").first.focus()
    page.keyboard.type("Dân vận")
    page.locator(".select2-results__option--highlighted").wait_for()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Tạo văn bản và phân công").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/directives/document/*/change/")
    document = Document.objects.get(number="45-TB/HU")
    first = Assignment.objects.filter(directive__document=document).order_by("pk").first()
    assert first.lead_unit.name == "UBND huyện Năm Căn"
    assert "Ban Dân vận Tỉnh ủy" in [u.name for u in first.coordinating_units.all()]
    created = document.directives.get(number="2").assignments.get().lead_unit
    assert (created.name, created.parent.name) == (
        "Ban Tuyên giáo Huyện ủy Năm Căn",
        "Huyện ủy Năm Căn",
    )
