"""Browser test of periodic reports: a district submits its late quarterly report, the provincial
office returns it with a reason; the units × periods matrix at 1280 and 360 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_staff import assert_accessible

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_submit_then_return_a_periodic_report(page, demo_live):
    from directives.models import ReportSubmission

    slot = ReportSubmission.objects.get(period_key="2020-Q4", unit__name="Huyện ủy Năm Căn")
    url = f"{demo_live.url}/periodic/submissions/{slot.pk}/"

    sign_in(page, demo_live, "namcan")
    page.goto(url)
    expect(page.locator("#submission-status")).to_have_text("Chưa nộp")
    page.get_by_label("Nội dung báo cáo").fill("Huyện ủy Năm Căn đã tổ chức quán triệt (thử).")
    page.get_by_label("Số hội nghị đã tổ chức (hội nghị)").fill("2")
    page.get_by_label("Tệp báo cáo", exact=False).set_input_files(
        files=[{"name": "Báo cáo quý IV.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("#submission-status")).to_have_text("Nộp muộn")
    expect(page.get_by_role("link", name="Báo cáo quý IV.pdf")).to_be_visible()
    page.get_by_role("button", name="Đăng xuất").click()

    sign_in(page, demo_live, "vanphong")
    page.goto(url)
    page.get_by_role("radio", name="Trả lại").check()
    page.get_by_role("button", name="Ghi nhận").click()
    # A return without a reason is refused, and says so.
    expect(page.get_by_text("Cần nêu lý do trả lại báo cáo.")).to_be_visible()
    page.get_by_role("radio", name="Trả lại").check()
    page.get_by_label("Lý do trả lại / ghi chú").fill("Thiếu số đảng viên được quán triệt.")
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator("#submission-status")).to_have_text("Bị trả lại")
    expect(page.get_by_text("Thiếu số đảng viên được quán triệt.").first).to_be_visible()
    slot.refresh_from_db()
    assert slot.state == "returned"


def test_matrix_on_a_desk_and_a_phone(page, demo_live):
    from directives.models import ReportingObligation

    obligation = ReportingObligation.objects.get(directive__number="1")
    sign_in(page, demo_live, "vanphong")
    page.goto(f"{demo_live.url}/periodic/{obligation.pk}/matrix/?year=2020")
    expect(page.get_by_role("row", name="Huyện ủy Năm Căn")).to_contain_text("Chưa nộp")
    assert_accessible(page)
    screenshot(page, "periodic-matrix-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "periodic-matrix-360")
    page.goto(f"{demo_live.url}/periodic/{obligation.pk}/?period=2020-Q4")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "periodic-period-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(page)
    screenshot(page, "periodic-period-1280")
