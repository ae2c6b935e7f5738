"""A leader's morning: open the dashboard, narrow it, decide, look back to Tết, take the report."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from directives import actions
from directives.models import Action, Actor, Assignment, Document
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def decisions_waiting(demo_live):
    """A pending extension request and a fresh completion report, both on directive 1."""
    namcan = Assignment.objects.get(directive__number="1", lead_unit__name="Huyện ủy Năm Căn")
    actions.request_extension(
        namcan,
        user=None,
        new_deadline=timezone.localdate() + dt.timedelta(days=30),
        reason="Chờ kiện toàn Ban Thường vụ Huyện ủy",
        trusted=True,
    )
    ngochien = Assignment.objects.get(directive__number="1", lead_unit__name="Huyện ủy Ngọc Hiển")
    actions.transition(
        ngochien,
        Action.REPORT_DONE,
        user=None,
        note="Đã ban hành kế hoạch",
        acting_as=Actor.LEAD,
    )
    return demo_live


def count(page, key: str):
    return page.locator(f"#count-{key} .count")


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_leader_filters_decides_looks_back_and_downloads(page, decisions_waiting, tmp_path):
    live = decisions_waiting
    sign_in(page, live, "lanhdao")
    page.wait_for_url(f"{live.url}/dashboard/")  # the overview of every document
    page.get_by_role("link", name=re.compile(r"^Kết luận của đồng chí Bí thư")).click()
    page.wait_for_url(re.compile(r"/dashboard/\?doc=\d+"))
    expect(page.get_by_role("heading", name="Tổng quan thực hiện nhiệm vụ")).to_be_visible()
    expect(count(page, "total")).to_have_text("25")
    # Six: the election task was reported done on time and only waits for the leader.
    expect(count(page, "overdue_unfinished")).to_have_text("6")
    assert serious_violations(page) == []
    screenshot(page, "dashboard-1280")

    # Anything below must happen without a page load: this marker would vanish.
    page.evaluate("window.noReload = true")

    page.get_by_label("Nhiệm vụ", exact=True).select_option(
        label="1. Kế hoạch nghiên cứu, học tập, quán triệt Nghị quyết Đại hội"
    )
    page.wait_for_url(re.compile(r"directive=\d+"))
    expect(count(page, "total")).to_have_text("14")
    expect(count(page, "overdue_unfinished")).to_have_text("3")
    expect(count(page, "not_yet_due")).to_have_text("0")

    page.get_by_role("button", name=re.compile(r"^Đồng ý gia hạn đến")).click()
    expect(count(page, "overdue_unfinished")).to_have_text("2")
    expect(count(page, "not_yet_due")).to_have_text("1")
    expect(page.locator("#decision-result")).to_contain_text("Đã đồng ý gia hạn")
    expect(page.locator("#decision-result")).to_be_focused()

    awaiting = page.get_by_role("region", name=re.compile(r"^Chờ xác nhận hoàn thành"))
    # Confirming takes the leader's evaluation (issue 17).
    awaiting.get_by_label("Đánh giá").select_option("4")
    awaiting.get_by_role("button", name="Xác nhận hoàn thành", exact=True).click()
    # Reported at 60 %: the second step states the percent, and nothing is written before it.
    expect(
        page.get_by_text("Tiến độ đơn vị báo cáo là 60 %. Vẫn xác nhận hoàn thành?")
    ).to_be_visible()
    expect(count(page, "overdue_unfinished")).to_have_text("2")
    page.get_by_role("button", name="Vẫn xác nhận hoàn thành (60 %)").click()
    expect(count(page, "overdue_unfinished")).to_have_text("1")
    expect(count(page, "done_late")).to_have_text("1")
    expect(page.locator("#decision-result")).to_contain_text("Đã xác nhận hoàn thành")
    expect(page.get_by_text("Không có việc nào chờ xác nhận.")).to_be_visible()
    assert page.evaluate("window.noReload") is True
    assert "directive=" in page.url  # the filter held through the decisions

    page.get_by_role("link", name="09/02/2021 Trước Tết Nguyên đán Tân Sửu").click()
    page.wait_for_url(re.compile(r"on=2021-02-09"))
    expect(page.get_by_text("Số liệu tại ngày 09/02/2021")).to_be_visible()
    # That day, before today's decisions: three overdue, eleven done on time.
    expect(count(page, "overdue_unfinished")).to_have_text("3")
    expect(count(page, "done_on_time")).to_have_text("11")
    expect(count(page, "done_late")).to_have_text("0")
    assert page.evaluate("window.noReload") is True
    assert serious_violations(page) == []
    screenshot(page, "dashboard-tet-1280")

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải Excel").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "bao-cao-nhiem-vu-2021-02-09.xlsx"
    book = load_workbook(path)
    summary = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(min_row=5, values_only=True)}
    assert summary["Chưa hoàn thành quá hạn"] == 3
    assert summary["Đã hoàn thành đúng hạn"] == 11
    assert summary["Tổng số"] == 14
    assert len([r for r in book["Báo cáo"].iter_rows(min_row=6, values_only=True) if r[0]]) == 14


def test_dashboard_on_a_phone_and_its_views_for_people(page, demo_live):
    sign_in(page, demo_live, "lanhdao")
    page.set_viewport_size({"width": 360, "height": 800})
    document = Document.objects.get()
    page.goto(f"{demo_live.url}/dashboard/?doc={document.pk}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "dashboard-360")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Ủy ban nhân dân tỉnh").click()
    expect(page.get_by_role("link", name="Ủy ban nhân dân tỉnh")).to_have_attribute(
        "aria-expanded", "true"
    )
    expect(
        page.get_by_role("rowheader", name="Sở Lao động - Thương binh và Xã hội")
    ).to_be_visible()
    assert "expand=" in page.url

    page.get_by_role("link", name="7", exact=True).first.click()
    page.wait_for_url(re.compile(r"/dashboard/assignments/\?"))
    expect(page.get_by_role("heading", name="Danh sách phân công")).to_be_visible()
    assert page.locator("#assignment-table tbody tr.group-row").count() == 7
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "dashboard-list-360")
    assert serious_violations(page) == []

    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "dashboard-list-1280")
    page.goto(f"{demo_live.url}/dashboard/print/")
    screenshot(page, "dashboard-print-1280")
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "dashboard-print-360")


def test_inspector_reads_the_dashboard_without_decision_buttons(page, demo_live):
    sign_in(page, demo_live, "kiemtra")
    page.goto(f"{demo_live.url}/dashboard/")
    expect(count(page, "total")).to_have_text("25")
    assert page.get_by_role("button", name="Xác nhận hoàn thành").count() == 0
    assert serious_violations(page) == []


def test_print_view_fits_25_rows_on_three_a4_landscape_pages_to_sign(page, demo_live, tmp_path):
    """What the leader's office prints: Chromium's own print, measured as a PDF."""
    from pypdf import PdfReader

    sign_in(page, demo_live, "lanhdao")
    page.goto(f"{demo_live.url}/dashboard/print/")
    path = tmp_path / "print.pdf"
    page.pdf(path=str(path), prefer_css_page_size=True)
    pages = PdfReader(path).pages
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages}
    assert sizes == {(842, 595)}  # A4 landscape
    assert 1 <= len(pages) <= 3
    first, last = pages[0].extract_text(), pages[-1].extract_text()
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in first and "TỈNH ỦY CÀ MAU" in first
    assert f"Trang 1/{len(pages)}" in first
    assert "(Ký, ghi rõ họ tên)" in last and "Nơi nhận:" in last
