"""Dates as people read them: template filters for dates, lunar dates and deadlines."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.template import Context, Template

from directives.models import Assignment
from directives.templatetags import tracker


def render(source: str, **context) -> str:
    return Template("{% load tracker %}" + source).render(Context(context))


def test_vndate_weekday_reads_vietnamese_weekday():
    assert render("{{ d|vndate_weekday }}", d=dt.date(2021, 2, 12)) == "Thứ Sáu, 12/02/2021"


def test_vndate_weekday_of_datetime_uses_local_date():
    # 17:30 UTC on 11/02 is already Friday 12/02 in Hà Nội.
    moment = dt.datetime(2021, 2, 11, 17, 30, tzinfo=ZoneInfo("UTC"))
    assert render("{{ d|vndate_weekday }}", d=moment) == "Thứ Sáu, 12/02/2021"


def test_vndate_lunar_puts_lunar_date_beside_solar():
    assert render("{{ d|vndate_lunar }}", d=dt.date(2021, 2, 12)) == (
        "12/02/2021 — Mùng 1 Tết Tân Sửu"
    )


def test_lunar_14_december_2020_is_first_of_month_11_canh_ty():
    assert render("{{ d|lunar }}", d=dt.date(2020, 12, 14)) == "Mùng 1 tháng 11 năm Canh Tý"


def test_date_filters_are_empty_for_none():
    assert render("{{ d|vndate_weekday }}|{{ d|lunar }}|{{ d|vndate_lunar }}", d=None) == "||"


def test_lunar_outside_supported_years_is_empty():
    assert render("{{ d|lunar }}|{{ d|vndate_lunar }}", d=dt.date(2200, 1, 1)) == "|01/01/2200"


def test_vndatetime_in_local_time():
    moment = dt.datetime(2021, 2, 8, 1, 0, tzinfo=ZoneInfo("UTC"))
    assert tracker.vndatetime(moment) == "Thứ Hai, 08/02/2021 08:00"


def test_deadline_label_adds_lunar_date_for_tet_deadline():
    assignment = Assignment(
        deadline=dt.date(2021, 2, 9), deadline_basis="Trước Tết Nguyên đán Tân Sửu"
    )
    assert tracker.deadline_label(assignment) == (
        "Trước Tết Nguyên đán Tân Sửu — 09/02/2021 (Ngày 28 tháng Chạp năm Canh Tý)"
    )


def test_deadline_label_without_lunar_when_it_does_not_help():
    assignment = Assignment(deadline=dt.date(2021, 3, 31), deadline_basis="Trong quý I/2021")
    assert tracker.deadline_label(assignment) == "Trong quý I/2021 — 31/03/2021"


def test_deadline_label_without_deadline():
    assert tracker.deadline_label(Assignment(deadline=None, deadline_basis="")) == "Không hạn"
    assert tracker.deadline_label(Assignment(deadline=None, deadline_basis="Thường xuyên")) == (
        "Thường xuyên"
    )
