"""The iCalendar feed (RFC 5545) of a user's deadlines and the events admins keep.

Calendar apps subscribe to it at a secret address (see models.CalendarFeed). Deadlines and events
are whole days (``DTSTART;VALUE=DATE``), which calendar apps show on that date wherever they are;
the calendar declares Asia/Ho_Chi_Minh as its time zone (``X-WR-TIMEZONE`` and a ``VTIMEZONE``),
and the only timestamps, ``DTSTAMP`` and ``LAST-MODIFIED``, are in UTC as the RFC requires.
Each deadline carries its basis in the description, beside the solar and lunar dates.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import calendar
from directives.models import Assignment, Event, Standing, Status

TIME_ZONE = "Asia/Ho_Chi_Minh"
_ONE_DAY = dt.timedelta(days=1)


def _uid_domain() -> str:
    # UIDs must stay the same from one fetch to the next and differ between installations.
    return urlsplit(settings.TRACKER_BASE_URL).hostname or "theo-doi-nhiem-vu"


def _lunar(day: dt.date) -> str:
    try:
        return calendar.format_lunar(day)
    except ValueError:
        return ""


def _deadline_event(assignment: Assignment, *, today: dt.date, stamp: dt.datetime, domain: str):
    directive = assignment.directive
    unit = assignment.lead_unit
    standing = Standing(assignment.standing(on=today))
    summary = _("Hạn: %(number)s. %(title)s — %(unit)s") % {
        "number": directive.number,
        "title": directive.title,
        "unit": unit.short_name or unit.name,
    }
    if assignment.status == Status.DONE:
        summary = f"✓ {summary}"
    lines = [
        _("Căn cứ thời hạn: %(basis)s")
        % {"basis": assignment.deadline_basis or _("(không ghi căn cứ)")},
        _("Thời hạn: %(date)s — âm lịch: %(lunar)s")
        % {
            "date": calendar.format_date_vi(assignment.deadline),
            "lunar": _lunar(assignment.deadline),
        },
        _("Đơn vị chủ trì: %(unit)s") % {"unit": unit.name},
        _("Trạng thái: %(status)s — %(standing)s, tiến độ %(percent)d%%")
        % {
            "status": assignment.get_status_display(),
            "standing": standing.label,
            "percent": assignment.percent,
        },
        _("Văn bản: %(document)s") % {"document": directive.document},
    ]
    if assignment.expected_result:
        lines.append(_("Kết quả đầu ra: %(result)s") % {"result": assignment.expected_result})
    event = icalendar.Event()
    event.add("uid", f"assignment-{assignment.pk}-deadline@{domain}")
    event.add("dtstamp", stamp)
    event.add("dtstart", assignment.deadline)
    event.add("dtend", assignment.deadline + _ONE_DAY)
    event.add("summary", summary)
    event.add("description", "\n".join(lines))
    event.add("categories", [_("Thời hạn")])
    event.add("transp", "TRANSPARENT")
    event.add("sequence", assignment.version)
    modified = assignment.last_update_at or assignment.created_at
    if modified:
        event.add("last-modified", modified.astimezone(dt.timezone.utc))
    # The event opens the assignment itself, not the site's front page.
    event.add("url", settings.TRACKER_BASE_URL + reverse("assignment_detail", args=[assignment.pk]))
    return event


def _milestone(item: Event, *, stamp: dt.datetime, domain: str):
    last = item.end_date or item.date
    when = f"{item.date:%d/%m/%Y}" if last == item.date else f"{item.date:%d/%m} – {last:%d/%m/%Y}"
    lines = [
        _("Sự kiện: %(when)s") % {"when": when},
        _("Âm lịch: %(lunar)s") % {"lunar": _lunar(item.date)},
    ]
    if item.description:
        lines.append(item.description)
    event = icalendar.Event()
    event.add("uid", f"event-{item.pk}@{domain}")
    event.add("dtstamp", stamp)
    event.add("dtstart", item.date)
    event.add("dtend", last + _ONE_DAY)
    event.add("summary", item.name)
    event.add("description", "\n".join(lines))
    event.add("categories", [_("Sự kiện")])
    event.add("transp", "TRANSPARENT")
    return event


def build_feed(user, *, now: dt.datetime | None = None) -> bytes:
    """The iCalendar text of `user`'s scope: deadlines they may see, and every event."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    stamp = now.astimezone(dt.timezone.utc).replace(microsecond=0)
    domain = _uid_domain()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Theo doi nhiem vu//Lich thoi han//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("Theo dõi nhiệm vụ — %(user)s") % {"user": user.get_username()})
    cal.add("x-wr-timezone", TIME_ZONE)
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    cal.add_component(icalendar.Timezone.from_tzid(TIME_ZONE))
    assignments = (
        Assignment.objects.visible_to(user)
        .filter(deadline__isnull=False)
        .select_related("directive__document", "lead_unit")
        .order_by("deadline", "pk")
    )
    for assignment in assignments:
        cal.add_component(_deadline_event(assignment, today=today, stamp=stamp, domain=domain))
    # Periodic reports (issue 18): due dates from a year back to a year ahead.
    from directives.periodic.calendar import feed_events

    year = dt.timedelta(days=366)
    for event in feed_events(
        user, start=today - year, end=today + year, stamp=stamp, domain=domain
    ):
        cal.add_component(event)
    for item in Event.objects.order_by("date", "pk"):
        cal.add_component(_milestone(item, stamp=stamp, domain=domain))
    return cal.to_ical()
