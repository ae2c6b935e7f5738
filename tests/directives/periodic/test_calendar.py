"""Report due dates on /calendar/ and in the iCalendar feed."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.urls import reverse

from directives.feeds import build_feed


def test_due_date_on_the_calendar_month(client, slot_of, tree, people, obligation):
    slot_of(tree["districts"][0])
    client.force_login(people["office_staff"])
    text = client.get(reverse("calendar_month"), {"month": "12/2020"}).content.decode()
    assert "Hạn báo cáo" in text and obligation.title in text
    assert "3/3 đơn vị chưa nộp" in text


def test_district_sees_only_its_own_report(client, slot_of, tree, people, obligation):
    slot_of(tree["districts"][0])
    client.force_login(people["district_staff"])
    text = client.get(reverse("calendar_month"), {"month": "12/2020"}).content.decode()
    assert "1/1 đơn vị chưa nộp" in text


def test_due_date_in_the_feed(slot_of, tree, people, obligation):
    slot_of(tree["districts"][0])
    feed = icalendar.Calendar.from_ical(
        build_feed(people["district_staff"], now=dt.datetime(2020, 12, 1, tzinfo=dt.UTC))
    )
    reports = [e for e in feed.walk("VEVENT") if str(e["summary"]).startswith("Hạn báo cáo")]
    assert {e.decoded("dtstart") for e in reports} >= {dt.date(2020, 12, 15)}
