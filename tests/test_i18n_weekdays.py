"""Weekday names follow the reader's language, like the dates beside them."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import translation

from directives.templatetags.tracker import vndate_weekday


def test_weekday_dates_are_vietnamese_by_default_and_english_when_chosen():
    day = dt.date(2021, 2, 12)
    with translation.override("vi"):
        assert vndate_weekday(day) == "Thứ Sáu, 12/02/2021"
    with translation.override("en"):
        assert vndate_weekday(day) == "Friday, 12 Feb 2021"


def test_calendar_month_in_english_names_the_weekdays_in_english(client, staff_user):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("calendar_month"), {"month": "2021-02"}).content.decode()
    assert "<span>Monday</span>" in html and "Thứ Hai" not in html
    assert "Friday, 12 Feb 2021" in html
