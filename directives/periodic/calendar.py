"""Due dates of periodic reports on the calendar page and in the iCalendar feed.

One item per obligation, period and due date among the slots the user sees (a district sees its
own report; the receiving office one line for all units, with how many have not reported), so
the calendar does not grow with the number of units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import icalendar
from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from directives.models import ReportingObligation, SubmissionState
from directives.periodic import periods as P
from directives.periodic.permissions import visible_submissions

_ONE_DAY = dt.timedelta(days=1)


@dataclass
class DueItem:
    obligation: ReportingObligation
    period: P.Period
    due: dt.date
    total: int
    missing: int

    @property
    def url(self) -> str:
        return (
            reverse("periodic_obligation", args=[self.obligation.pk]) + f"?period={self.period.key}"
        )


def due_items(user, start: dt.date, end: dt.date) -> list[DueItem]:
    """The report due dates in [start, end] the user sees, one per obligation and period."""
    rows = (
        visible_submissions(user)
        .filter(due_date__range=(start, end))
        .values("obligation_id", "period_key", "period_start", "period_end", "due_date")
        .annotate(
            total=Count("pk"),
            missing=Count(
                "pk",
                filter=Q(state__in=[SubmissionState.OPEN, SubmissionState.RETURNED]),
            ),
        )
        .order_by("due_date", "obligation_id", "period_key")
    )
    rows = list(rows[:500])
    obligations = ReportingObligation.objects.in_bulk({r["obligation_id"] for r in rows})
    items = []
    for row in rows:
        obligation = obligations[row["obligation_id"]]
        key = row["period_key"]
        period = (
            P.Period(row["period_start"], row["period_end"], P.ONCE, "ONCE")
            if key == "ONCE"
            else P.period_from_key(obligation.frequency, key)
        )
        items.append(DueItem(obligation, period, row["due_date"], row["total"], row["missing"]))
    return items


def feed_events(user, *, start: dt.date, end: dt.date, stamp: dt.datetime, domain: str):
    """iCalendar events for the feed: whole-day events on each due date."""
    for item in due_items(user, start, end):
        event = icalendar.Event()
        event.add(
            "uid",
            f"periodic-{item.obligation.pk}-{item.period.key}-{item.due.isoformat()}@{domain}",
        )
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + _ONE_DAY)
        event.add(
            "summary",
            _("Hạn báo cáo: %(title)s — %(period)s")
            % {"title": item.obligation.title, "period": item.period.label},
        )
        event.add(
            "description",
            "\n".join(
                [
                    _("Quy tắc hạn gửi: %(rule)s") % {"rule": item.obligation.due_rule},
                    _("Chưa nộp: %(missing)d/%(total)d đơn vị")
                    % {"missing": item.missing, "total": item.total},
                ]
            ),
        )
        event.add("categories", [_("Báo cáo định kỳ")])
        event.add("transp", "TRANSPARENT")
        event.add("url", f"{settings.TRACKER_BASE_URL}{item.url}")
        yield event
