"""An admin pastes a conclusion, reviews the proposals and confirms — at 1280 px and 360 px."""

from __future__ import annotations

from pathlib import Path

import pytest

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
