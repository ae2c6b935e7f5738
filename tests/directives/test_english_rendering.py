"""English mode reads deadlines, lunar dates and holidays in English; stored text is unchanged."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import translation

from directives import calendar
from directives.templatetags.tracker import deadline_label


def test_bases_read_in_english():
    assert calendar.basis_in_english("Trước Tết Nguyên đán Tân Sửu") == (
        "Before Lunar New Year (Tân Sửu)"
    )
    assert calendar.basis_in_english("Trong quý I/2021") == "Within Q1 2021"
    assert calendar.basis_in_english(
        "Khẩn trương (văn bản không nêu ngày) — 31/12/2020, do Văn phòng Tỉnh ủy ấn định"
    ) == ("Urgent (the document gives no date) — 31/12/2020, date set by Văn phòng Tỉnh ủy")
    assert calendar.basis_in_english("5 ngày làm việc kể từ 08/02/2021") == (
        "5 working days from 08/02/2021"
    )
    assert calendar.basis_in_english("Một căn cứ lạ") == "Một căn cứ lạ"  # unknown: as written


def test_every_basis_the_importer_and_demo_write_reads_in_english():
    """Dates the document does not give, set by the office (importer and demo wording)."""
    from directives import demo
    from directives.importers import proposals

    assert calendar.basis_in_english(demo.EARLY_2021) == (
        "From the start of the year (the document gives no date) — 15/01/2021, "
        "date set by Văn phòng Tỉnh ủy"
    )
    assert calendar.basis_in_english(proposals.ONGOING_BASIS) == (
        "Ongoing (the document gives no date)"
    )
    assert calendar.basis_in_english(proposals.URGENT_BASIS) == (
        "Urgent (the document gives no date)"
    )
    assert calendar.basis_in_english("Thường xuyên") == "Ongoing"


def test_lunar_dates_in_english():
    assert calendar.format_lunar_en(dt.date(2021, 2, 9)) == (
        "Day 28 of the 12th lunar month, Canh Tý year"
    )
    assert calendar.format_lunar_en(dt.date(2021, 2, 12)) == "Tết day 1, Tân Sửu year"


def test_deadline_label_in_english_keeps_the_stored_basis_beside_it(assignment):
    assignment.deadline = dt.date(2021, 2, 9)
    assignment.deadline_basis = "Trước Tết Nguyên đán Tân Sửu"
    with translation.override("en"):
        text = deadline_label(assignment)
    assert text.startswith("Before Lunar New Year (Tân Sửu) — 9 Feb 2021 (Day 28 of the 12th")
    assert text.endswith("as written: Trước Tết Nguyên đán Tân Sửu")
    with translation.override("vi"):
        assert deadline_label(assignment).startswith("Trước Tết Nguyên đán Tân Sửu — 09/02/2021")
    assert assignment.deadline_basis == "Trước Tết Nguyên đán Tân Sửu"


def test_calendar_in_english_names_holidays_and_lunar_months_in_english(client, staff_user):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("calendar_month"), {"month": "02/2021"}).content.decode()
    assert "Lunar New Year" in html
    assert "12th lunar month, Canh Tý year" in html
    assert "tháng Chạp" not in html and "Tết Nguyên Đán" not in html


def test_english_dashboard_reads_milestones_and_items_in_english(client, demo):
    """The as-of chips and the decision items read the stored bases in English (issue 21)."""
    from directives.models import Document

    client.login(username="lanhdao", password="demo12345")
    client.cookies["django_language"] = "en"
    html = client.get(reverse("dashboard"), {"doc": Document.objects.get().pk}).content.decode()
    chips = html[html.index('id="h-milestones"') : html.index("</nav>", html.index("h-milestones"))]
    assert "Urgent (the document gives no date)" in chips
    assert "Khẩn trương" not in chips and "Trước Tết" not in chips
    assert "Before Lunar New Year" in chips
