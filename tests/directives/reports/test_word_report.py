"""The Word report: the form follows the issuing body; the numbers and rows are the dashboard's."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document as read_docx
from docx.shared import Pt

from directives.models import Document, Unit, UnitKind
from directives.reports.forms import PARTY, STATE, form_of, letterhead

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def word(response):
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"].startswith('attachment; filename="bao-cao-nhiem-vu-')
    assert response["Content-Disposition"].endswith('.docx"')
    return read_docx(io.BytesIO(response.content))


def header_texts(document) -> tuple[list[str], list[str]]:
    left, right = document.tables[0].rows[0].cells
    return [p.text for p in left.paragraphs], [p.text for p in right.paragraphs]


def body_texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_party_document_gets_the_party_header(leader, conclusion):
    document = word(leader.get(reverse("report_docx"), {"doc": conclusion.pk}))
    left, right = header_texts(document)
    assert left == ["TỈNH ỦY CÀ MAU", "*", "Số        -BC/TU"]
    assert right[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert right[-1].startswith("Cà Mau, ngày ")
    assert "CỘNG HÒA" not in " ".join(left + right)
    signature = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs]
    assert signature[:3] == ["T/M BAN THƯỜNG VỤ", "(chức vụ)", "(Ký, ghi rõ họ tên)"]
    receivers = [p.text for p in document.tables[-1].rows[0].cells[0].paragraphs]
    assert receivers[0] == "Nơi nhận:"
    assert "- Ban Thường vụ Tỉnh ủy Cà Mau (để báo cáo);" in receivers


def test_report_is_a4_in_times_new_roman_with_the_prescribed_margins(leader, conclusion):
    document = word(leader.get(reverse("report_docx"), {"doc": conclusion.pk}))
    section = document.sections[0]

    def mm(length):
        return round(length.mm)  # Word keeps twips: 210 mm is 210.01

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.left_margin), mm(section.right_margin)) == (30, 15)
    assert mm(section.top_margin) == mm(section.bottom_margin) == 20
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))
    # The page number is in the header of every page but the first.
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml


def test_report_says_the_numbers_in_words(leader, conclusion):
    texts = body_texts(word(leader.get(reverse("report_docx"), {"doc": conclusion.pk})))
    assert texts[0] == "BÁO CÁO"
    # The demo conclusion has no number: its subject (which dates it) names it.
    assert texts[1] == (
        "Tình hình thực hiện Kết luận của đồng chí Bí thư Tỉnh ủy tại Hội nghị cán bộ "
        "ngày 17/11/2020"
    )
    assert texts[2].startswith("(Số liệu tính đến hết ngày ")
    story = " ".join(texts)
    assert "có 25 phân công nhiệm vụ" in story
    assert "18 phân công đã hoàn thành (17 đúng hạn, 1 quá hạn)" in story
    assert "6 phân công đã quá hạn nhưng chưa hoàn thành" in story
    assert "đạt 75 %" in story
    assert "thấp nhất là nhiệm vụ 2. Quy chế làm việc" in story
    assert "quá hạn chưa hoàn thành nhất: Huyện ủy Năm Căn (2)" in story
    assert "1 báo cáo hoàn thành chờ xác nhận" in story


def test_report_table_lists_every_row_under_its_directive(leader, conclusion):
    table = word(leader.get(reverse("report_docx"), {"doc": conclusion.pk})).tables[1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == [
        "STT",
        "Nội dung",
        "Đơn vị chủ trì",
        "Thời hạn",
        "Kết quả thực hiện",
        "Đánh giá",
    ]
    bands = [row[0] for row in rows[1:] if len(set(row)) == 1]
    assert [band.split(" — ")[0] for band in bands] == [
        f"{d.number}. {d.title}"
        for d in conclusion.directives.filter(parent=None).order_by("position")
    ]
    assert bands[0].endswith("— 14 phân công, tỷ lệ hoàn thành 78,6 %")
    lines = [row for row in rows[1:] if len(set(row)) > 1]
    assert [row[0] for row in lines] == [str(n) for n in range(1, 26)]
    tet = next(row for row in lines if row[1].startswith("Thăm, tặng quà Tết Nguyên đán"))
    assert tet[2] == "Sở Lao động - Thương binh và Xã hội"
    assert tet[3] == "09/02/2021\n(Trước Tết Nguyên đán Tân Sửu)"
    assert tet[5].startswith("Chưa hoàn thành quá hạn\nQuá hạn ")


def test_report_honours_the_filters_and_the_as_of_date(leader, conclusion):
    directive = conclusion.directives.get(number="1")
    document = word(
        leader.get(
            reverse("report_docx"),
            {"doc": conclusion.pk, "on": "2021-02-09", "directive": directive.pk},
        )
    )
    texts = body_texts(document)
    assert texts[2] == "(Số liệu tính đến hết ngày 09/02/2021)"
    assert texts[3] == "Nhiệm vụ 1"
    assert "có 14 phân công nhiệm vụ" in " ".join(texts)
    assert len(document.tables[1].rows) == 1 + 1 + 14


def test_state_document_gets_the_national_header(leader, state_document):
    document = word(leader.get(reverse("report_docx"), {"doc": state_document.pk}))
    left, right = header_texts(document)
    assert left == ["ỦY BAN NHÂN DÂN TỈNH CÀ MAU", "———", "Số:        /BC-UBND"]
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert "ĐẢNG CỘNG SẢN" not in " ".join(left + right)
    signature = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs]
    assert signature[0] == "TM. ỦY BAN NHÂN DÂN"
    assert body_texts(document)[1] == (
        "Tình hình thực hiện Văn bản số 412/KH-UBND ngày 05/01/2021: "
        "Kế hoạch triển khai chuyển đổi số năm 2021"
    )


def test_report_is_in_english_when_the_interface_is(leader, conclusion):
    leader.cookies["django_language"] = "en"
    document = word(leader.get(reverse("report_docx"), {"doc": conclusion.pk}))
    left, right = header_texts(document)
    assert right[0] == "COMMUNIST PARTY OF VIETNAM"
    texts = body_texts(document)
    assert texts[0] == "REPORT"
    assert "75 %" in " ".join(texts)
    assert [c.text for c in document.tables[1].rows[0].cells][1] == "Content"


def deadline_cells(document) -> list[str]:
    return [row.cells[3].text for row in document.tables[1].rows[1:] if row.cells[0].text.isdigit()]


def test_english_report_reads_deadline_bases_in_english(leader, conclusion):
    """Issue 21: the stored basis is Vietnamese as written; the English report reads it in
    English, like the pages, Excel, CSV and the print view."""
    vietnamese = " ".join(
        deadline_cells(word(leader.get(reverse("report_docx"), {"doc": conclusion.pk})))
    )
    assert "Khẩn trương (văn bản không nêu ngày)" in vietnamese
    leader.cookies["django_language"] = "en"
    english = " ".join(
        deadline_cells(word(leader.get(reverse("report_docx"), {"doc": conclusion.pk})))
    )
    assert "Urgent (the document gives no date)" in english
    for word_vi in ("Khẩn trương", "Trước Tết", "văn bản không nêu ngày", "do "):
        assert word_vi not in english


@pytest.mark.parametrize(
    ("issuer", "kind", "form"),
    [
        ("Ban Thường vụ Tỉnh ủy Cà Mau", UnitKind.PROVINCE, PARTY),
        ("Huyện ủy Năm Căn", UnitKind.DISTRICT, PARTY),
        ("Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh", UnitKind.PARTY_COMMITTEE, PARTY),
        ("Ban Tuyên giáo Tỉnh uỷ", UnitKind.PARTY_BOARD, PARTY),  # the other spelling of "ủy"
        ("Ủy ban nhân dân tỉnh Cà Mau", UnitKind.COMMITTEE, STATE),
        ("Sở Lao động - Thương binh và Xã hội", UnitKind.DEPARTMENT, STATE),
        ("", UnitKind.PARTY_BOARD, PARTY),  # no issuer written: the unit's kind decides
        ("", UnitKind.COMMITTEE, STATE),
    ],
)
def test_form_follows_the_issuing_body(db, issuer, kind, form):
    unit = Unit.objects.create(name="Đơn vị", short_name="ĐV", kind=kind)
    document = Document(subject="x", issuer=issuer, issuing_unit=unit, issue_date="2021-01-01")
    assert form_of(document) == form


def test_board_of_a_party_committee_stands_under_it(db):
    document = Document(
        subject="x",
        issuer="Ban Tuyên giáo Tỉnh ủy Cà Mau",
        number="15-KH/BTGTU",
        issue_date="2021-01-01",
    )
    with translation.override("vi"):
        head = letterhead(document)
    assert (head.upper, head.issuer) == ("TỈNH ỦY CÀ MAU", "BAN TUYÊN GIÁO")
    assert head.number == "Số        -BC/BTGTU"  # the symbol of its own numbers


def test_word_report_reads_a_fixed_number_of_queries_whatever_the_rows(admin_client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import AssignmentFactory, DirectiveFactory, UnitFactory

    directive = DirectiveFactory()
    units = [UnitFactory() for _ in range(3)]

    def add(n):
        for i in range(n):
            AssignmentFactory(directive=directive, lead_unit=units[i % 2], coordinating=units[2:])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(reverse("report_docx"), {"doc": directive.document_id})
        assert response.status_code == 200
        return len(captured)

    add(20)
    few = queries()
    add(180)
    assert queries() == few


def test_word_report_refuses_a_future_as_of_date(leader, conclusion):
    response = leader.get(reverse("report_docx"), {"doc": conclusion.pk, "on": "2999-01-01"})
    assert response.status_code == 400


def test_document_without_a_number_is_named_by_its_subject_and_date(db):
    from directives.leaders.exports import document_line

    with translation.override("vi"):
        assert document_line(
            Document(subject="Kết luận Hội nghị", issue_date=dt.date(2021, 1, 5))
        ) == ("Kết luận Hội nghị, ngày 05/01/2021")
