"""Reports for meetings: the Excel workbook, the CSV file and the print view."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from directives import actions
from directives.models import Assignment, Directive

HEADINGS = [
    "STT",
    "Nội dung nhiệm vụ",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời hạn",
    "Căn cứ thời hạn",
    "Tình hình thực hiện",
    "Kết quả",
    "Ngày hoàn thành",
    "Ghi chú",
]
FIRST_ROW = 6  # title block (3 rows), a blank row, the header row


@pytest.fixture
def demo(demo_once, db):
    """Each test sees the seeded demo; whatever it writes is rolled back after it."""


@pytest.fixture
def leader(client, demo):
    client.login(username="lanhdao", password="demo12345")
    return client


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="bao-cao-nhiem-vu-')
    return load_workbook(io.BytesIO(response.content))


def data_rows(sheet):
    return [row for row in sheet.iter_rows(min_row=FIRST_ROW, values_only=True) if row[0]]


def summary(book) -> dict[str, object]:
    sheet = book["Tổng hợp"]
    return {row[0]: row[1] for row in sheet.iter_rows(min_row=5, max_row=12, values_only=True)}


def test_excel_report_is_laid_out_for_a_meeting(leader):
    book = workbook(leader.get(reverse("report_xlsx")))
    assert book.sheetnames == ["Báo cáo", "Tổng hợp"]
    sheet = book["Báo cáo"]
    assert sheet["A1"].value == "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"
    # The demo conclusion has no number: its subject (which dates it) says which it is.
    assert sheet["A2"].value == (
        "Kết luận của đồng chí Bí thư Tỉnh ủy tại Hội nghị cán bộ ngày 17/11/2020"
    )
    assert "Văn bản số" not in sheet["A2"].value
    assert sheet["A3"].value.startswith("Số liệu tính đến hết ngày ")
    assert [cell.value for cell in sheet[5]] == HEADINGS
    assert sheet.freeze_panes == f"A{FIRST_ROW}"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["C"].width
    assert sheet.column_dimensions["G"].width > sheet.column_dimensions["H"].width
    assert sheet.page_setup.orientation == "landscape"
    rows = data_rows(sheet)
    assert len(rows) == 25
    assert [row[0] for row in rows] == list(range(1, 26))


def test_excel_prints_one_a4_page_wide_with_headers_and_page_numbers(leader):
    book = workbook(leader.get(reverse("report_xlsx")))
    for sheet in book:
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (sheet.page_setup.fitToWidth or 1) == 1  # 1 is the default, left out
        assert "Trang &P/&N" in sheet.oddFooter.center.text
        assert sheet.page_margins.left > sheet.page_margins.right  # room to bind
    assert book["Báo cáo"].page_setup.fitToHeight == 0  # as many pages tall as it takes
    assert (book["Tổng hợp"].page_setup.fitToHeight or 1) == 1
    assert book["Báo cáo"].print_title_rows == "$5:$5"


def test_excel_rows_are_as_tall_as_their_wrapped_text(leader):
    sheet = workbook(leader.get(reverse("report_xlsx")))["Báo cáo"]
    heights = {
        row[1].value: sheet.row_dimensions[row[0].row].height
        for row in sheet.iter_rows(min_row=FIRST_ROW)
        if row[0].value
    }
    # Every line has a computed height; the longest texts get the tallest rows.
    assert all(height and height >= 2 * 12.5 for height in heights.values())
    assert len(set(heights.values())) > 1


def test_excel_dates_are_real_dates_and_text_is_intact(leader):
    sheet = workbook(leader.get(reverse("report_xlsx")))["Báo cáo"]
    tet = next(r for r in data_rows(sheet) if "Thăm, tặng quà Tết Nguyên đán" in r[1])
    assert tet[1] == (
        "5. Chăm lo an sinh xã hội dịp Tết Dương lịch 2021 và Tết Nguyên đán Tân Sửu\n"
        "Thăm, tặng quà Tết Nguyên đán Tân Sửu"
    )
    assert tet[2] == "Sở Lao động - Thương binh và Xã hội"
    assert "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh" in tet[3]
    assert tet[4] == dt.datetime(2021, 2, 9)
    assert tet[5] == "Trước Tết Nguyên đán Tân Sửu"
    assert tet[6].startswith("Đang thực hiện, 60 %\nĐã chi 60% quà Tết (dữ liệu mẫu). (28/01/2021)")
    assert tet[7] == "Chưa hoàn thành quá hạn"
    assert tet[8] is None
    assert tet[9].startswith("Quá hạn ")
    row = next(
        i
        for i, r in enumerate(sheet.iter_rows(min_row=FIRST_ROW), FIRST_ROW)
        if r[1].value == tet[1]
    )
    assert sheet.cell(row=row, column=5).number_format == "DD/MM/YYYY"
    done = next(r for r in data_rows(sheet) if r[7] == "Đã hoàn thành quá hạn")
    assert done[8] == dt.datetime(2021, 1, 6)


def test_excel_summary_sheet_counts_match_the_dashboard(leader):
    book = workbook(leader.get(reverse("report_xlsx")))
    counts = summary(book)
    assert counts["Đã hoàn thành đúng hạn"] == 17
    assert counts["Đã hoàn thành quá hạn"] == 1
    # The election task, reported on time and awaiting sign-off, is not yet due.
    assert counts["Chưa hoàn thành quá hạn"] == 6
    assert counts["Tổng số"] == 25
    assert counts["Tỷ lệ hoàn thành (đã hoàn thành ÷ đã đến hạn), %"] == 75.0
    directives = [row for row in book["Tổng hợp"].iter_rows(min_row=15, values_only=True)]
    assert [row[1] for row in directives] == [14, 3, 2, 3, 3]


def test_excel_honours_the_as_of_date_and_filters(leader):
    directive = Directive.objects.get(number="1")
    book = workbook(
        leader.get(reverse("report_xlsx"), {"on": "2021-02-09", "directive": directive.pk})
    )
    sheet = book["Báo cáo"]
    assert sheet["A3"].value.startswith("Số liệu tính đến hết ngày 09/02/2021. Nhiệm vụ 1")
    assert len(data_rows(sheet)) == 14
    assert summary(book)["Chưa hoàn thành quá hạn"] == 3


def test_excel_of_a_list_has_only_that_lists_rows(leader):
    book = workbook(leader.get(reverse("report_xlsx"), {"group": "overdue_unfinished"}))
    rows = data_rows(book["Báo cáo"])
    assert {row[7] for row in rows} == {"Chưa hoàn thành quá hạn"}
    assert len(rows) == 6
    assert summary(book)["Tổng số"] == 6


FORMULAS = ['=HYPERLINK("http://x.example","bấm")', "+84 912 345 678", "-1+2", "@SUM(A1)"]


@pytest.fixture
def formula_texts(demo):
    # Its only one, and still in progress: done work takes no more progress.
    item = Assignment.objects.get(lead_unit__name="Huyện ủy Ngọc Hiển")
    Assignment.objects.filter(pk=item.pk).update(expected_result=FORMULAS[0])
    item.lead_unit.__class__.objects.filter(pk=item.lead_unit_id).update(name=FORMULAS[1])
    actions.record_progress(item, user=None, note=FORMULAS[2], percent=95, trusted=True)
    return item


def test_excel_writes_user_text_that_looks_like_a_formula_as_text(leader, formula_texts):
    sheet = workbook(leader.get(reverse("report_xlsx")))["Báo cáo"]
    row = next(r for r in sheet.iter_rows(min_row=FIRST_ROW) if r[2].value == FORMULAS[1])
    assert row[1].value.endswith("\n" + FORMULAS[0])
    assert all(cell.data_type == "s" for cell in row[1:4])
    assert row[2].value == FORMULAS[1]
    assert row[6].value.startswith("Đang thực hiện, 95 %\n-1+2")
    formulas = [c for r in sheet.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []


# XlsxWriter would copy a string like this into the sheet's XML as rich text, unescaped.
MARKUP = (
    '<r><t>a</t></r></is></c><c r="Z1"><f>HYPERLINK("http://x.example","bấm")</f></c>'
    '<c r="Z2" t="inlineStr"><is><r><t>b</t></r>'
)


def test_excel_writes_user_text_that_looks_like_sheet_markup_as_text(leader, demo):
    item = Assignment.objects.get(lead_unit__name="Đảng đoàn HĐND tỉnh")
    item.lead_unit.__class__.objects.filter(pk=item.lead_unit_id).update(name=MARKUP)
    sheet = workbook(leader.get(reverse("report_xlsx")))["Báo cáo"]
    row = next(r for r in sheet.iter_rows(min_row=FIRST_ROW) if r[2].value == MARKUP)
    assert row[2].data_type == "s"
    assert [c for r in sheet.iter_rows() for c in r if c.data_type == "f"] == []
    assert sheet["Z1"].value is None


def test_exports_read_a_fixed_number_of_queries_whatever_the_rows(admin_client, db):
    """Coordinating units are named per chunk of rows, never per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AssignmentFactory, DirectiveFactory, UnitFactory

    directive = DirectiveFactory()
    units = [UnitFactory() for _ in range(4)]

    def add(n):
        for i in range(n):
            AssignmentFactory(
                directive=directive,
                lead_unit=units[i % 2],
                coordinating=units[2:] if i % 3 else units[3:],
            )

    def queries(name):
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(reverse(name), {"doc": directive.document_id})
            b"".join(response.streaming_content) if response.streaming else response.content
        return len(captured)

    add(30)
    few = {name: queries(name) for name in ("report_xlsx", "report_csv")}
    add(270)
    rows = data_rows(
        workbook(admin_client.get(reverse("report_xlsx"), {"doc": directive.document_id}))[
            "Báo cáo"
        ]
    )
    assert len(rows) == 300
    assert {name: queries(name) for name in ("report_xlsx", "report_csv")} == few


def test_csv_has_a_bom_the_same_rows_and_defused_formulas(leader, formula_texts):
    response = leader.get(reverse("report_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == HEADINGS
    assert len(rows) == 26
    unit = next(r for r in rows if r[2] == "'" + FORMULAS[1])
    assert unit[1] == (
        "1. Kế hoạch nghiên cứu, học tập, quán triệt Nghị quyết Đại hội\n" + FORMULAS[0]
    )
    assert unit[6].startswith("Đang thực hiện, 95 %\n-1+2")
    tet = next(r for r in rows if "Tết Nguyên đán" in r[1] and r[4] == "09/02/2021")
    assert tet[5] == "Trước Tết Nguyên đán Tân Sửu"


def test_csv_cell_starting_with_a_formula_sign_is_prefixed():
    from directives.leaders.exports import _csv_safe

    assert [_csv_safe(text) for text in [*FORMULAS, "Bình thường"]] == [
        *["'" + text for text in FORMULAS],
        "Bình thường",
    ]


def test_print_view_is_a4_landscape_with_the_summary_and_rows(leader):
    response = leader.get(reverse("report_print"), {"on": "2021-02-09"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="print-report print-report-vi"' in html
    assert "Số liệu tính đến hết ngày 09/02/2021" in html
    assert html.count("<tr>") == 2 + 1 + 25  # two header rows, one summary row, 25 rows
    assert html.count('<tr class="band">') == 5  # each directive said once, above its rows
    # The same form as the Word report: the Party's header, and a block to sign.
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in html and "TỈNH ỦY CÀ MAU" in html
    assert "Cà Mau, ngày     tháng     năm " in html
    assert "T/M BAN THƯỜNG VỤ" in html and "(Ký, ghi rõ họ tên)" in html
    assert "Văn bản số —" not in html
    assert response.context["board"].totals.overdue == 5
    from pathlib import Path

    css = (Path(__file__).resolve().parents[3] / "static" / "css" / "app.css").read_text()
    assert "@page report { size: A4 landscape;" in css
    assert '@bottom-center { content: "Trang " counter(page) "/" counter(pages);' in css
    assert "<script>" not in html


def test_exports_count_only_the_unit_leaders_subtree(client, demo):
    from directives.models import Role, Unit
    from tests.factories import member

    client.force_login(member(Unit.objects.get(name="Huyện ủy Năm Căn"), Role.LEADER))
    book = workbook(client.get(reverse("report_xlsx")))
    rows = data_rows(book["Báo cáo"])
    assert {row[2] for row in rows} == {"Huyện ủy Năm Căn"}
    assert "Phạm vi: Huyện ủy Năm Căn" in book["Báo cáo"]["A3"].value
    body = b"".join(client.get(reverse("report_csv")).streaming_content)
    assert len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) == 3


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"on": "2021-02-09"},
        {"group": "overdue_unfinished"},
        {"list": "open", "on": "2021-01-15"},
        {"standing": "overdue"},
    ],
)
def test_excel_summary_adds_up_to_the_narrowed_dashboard(leader, params):
    """The summary is counted while the rows stream; it must say what the dashboard says."""
    from django.http import QueryDict

    from directives.leaders.dashboard import GROUP_ORDER, Dashboard
    from directives.leaders.reporting import build_report
    from directives.leaders.views import _with_defaults

    sheet = workbook(leader.get(reverse("report_xlsx"), params))["Tổng hợp"]
    query = QueryDict(mutable=True)
    query.update(params)
    user = leader.get(reverse("dashboard")).wsgi_request.user
    board = Dashboard(build_report(user, _with_defaults(query)), narrowed=True)
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    by_label = {row[0]: row[1] for row in rows[:8]}
    totals = board.totals
    assert by_label["Tổng số"] == totals.total
    assert [by_label[str(label)] for label in (c.label for c in board.headline_cells)] == [
        totals[g] for g in GROUP_ORDER
    ]
    rate = by_label["Tỷ lệ hoàn thành (đã hoàn thành ÷ đã đến hạn), %"]
    # The figure the page shows: one decimal at most (72, 66.7).
    shown = totals.rate.quantize(Decimal("0.1"), ROUND_HALF_UP) if totals.rate is not None else None
    assert rate == (float(shown) if shown is not None else "—")
    expected = [
        [row.label, row.counts.total, *[row.counts[g] for g in GROUP_ORDER]]
        for row in board.directive_rows
    ]
    assert [list(row[:7]) for row in rows[10:]] == expected


def test_english_exports_read_the_deadline_basis_in_english(leader, settings):
    """Issue 21: the stored basis stays Vietnamese as written; in English the Excel workbook,
    the CSV and the print view read it in English, as the pages do."""
    leader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = data_rows(workbook(leader.get(reverse("report_xlsx"))).worksheets[0])
    bases = {row[5] for row in rows}
    assert any(b and b.startswith("Urgent (the document gives no date)") for b in bases), bases
    assert not any(b and b.startswith("Khẩn trương") for b in bases)
    csv_text = b"".join(leader.get(reverse("report_csv")).streaming_content).decode("utf-8-sig")
    assert "Urgent (the document gives no date)" in csv_text and "Khẩn trương" not in csv_text
    printed = leader.get(reverse("report_print")).content.decode()
    assert "Urgent (the document gives no date)" in printed
    assert "Khẩn trương (văn bản không nêu ngày)" not in printed
    # In Vietnamese, as written.
    leader.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    rows = data_rows(workbook(leader.get(reverse("report_xlsx")))["Báo cáo"])
    assert any(row[5] and row[5].startswith("Khẩn trương") for row in rows)
