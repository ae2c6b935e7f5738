"""What the "who has not reported" pages, the matrix and the exports read.

Every query starts from `permissions.visible_submissions(user)`: a district sees its own row, the
receiving office and leaders above see every unit. Status is derived as of `today`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.paginator import Paginator
from django.utils.translation import get_language, ngettext

from directives.models import ReportingObligation, ReportStatus, ReportSubmission, Unit
from directives.models.reporting import days_late_of, local_date, status_of
from directives.periodic import periods as P
from directives.periodic.permissions import visible_submissions

# CSS class of each status (colour plus a word: never colour alone).
STATUS_CLASS = {
    ReportStatus.NOT_YET: "rs-notyet",
    ReportStatus.NOT_SUBMITTED: "rs-missing",
    ReportStatus.ON_TIME: "rs-ontime",
    ReportStatus.LATE: "rs-late",
    ReportStatus.RETURNED: "rs-returned",
    ReportStatus.ACCEPTED: "rs-accepted",
}
STATUS_ORDER = list(ReportStatus.values)
UNITS_PER_PAGE = 100


@lru_cache(maxsize=64)
def _status_label(status: str, language: str | None) -> str:
    """A status's label in `language` (the active one), read once per process, not per cell."""
    return str(ReportStatus(status).label)


@dataclass
class Row:
    submission: ReportSubmission | Cell
    status: str
    days_late: int

    @property
    def status_label(self) -> str:
        return _status_label(self.status, get_language())

    @property
    def css(self) -> str:
        return STATUS_CLASS[self.status]

    @property
    def overdue(self) -> bool:
        return self.status in (ReportStatus.NOT_SUBMITTED, ReportStatus.RETURNED) and (
            self.days_late > 0
        )

    # A matrix cell's words, worked out here: as template tags (a date filter, a plural block)
    # they were most of the time of a national page's 1,200 cells.
    @property
    def submitted_text(self) -> str:
        submitted_on = self.submission.submitted_on
        return f"{submitted_on:%d/%m/%Y}" if submitted_on else ""

    @property
    def late_text(self) -> str:
        if not self.overdue:
            return ""
        return ngettext("+%(n)s ngày", "+%(n)s ngày", self.days_late) % {"n": self.days_late}


@dataclass
class PeriodTable:
    obligation: ReportingObligation
    period: P.Period
    rows: list[Row]
    counts: dict[str, int] = field(default_factory=dict)
    cutoff: dt.date | None = None
    due: dt.date | None = None
    page: object = None
    total: int = 0

    @property
    def count_list(self) -> list[tuple[str, str, int, str]]:
        return [
            (s, ReportStatus(s).label, self.counts.get(s, 0), STATUS_CLASS[s])
            for s in STATUS_ORDER
            if self.counts.get(s, 0)
        ]


def periods_with_slots(user, obligation: ReportingObligation) -> list[P.Period]:
    keys = (
        visible_submissions(user)
        .filter(obligation=obligation)
        .order_by("period_start")
        .values_list("period_key", "period_start", "period_end")
        .distinct()
    )
    result = []
    for key, start, end in keys:
        period = (
            P.Period(start, end, P.ONCE, "ONCE")
            if key == "ONCE"
            else P.period_from_key(obligation.frequency, key)
        )
        if period not in result:
            result.append(period)
    return result


def default_period(periods: list[P.Period], today: dt.date) -> P.Period | None:
    """The latest period that has started (or the first one, when none has)."""
    started = [p for p in periods if p.start <= today]
    return (started or periods or [None])[-1 if started else 0]


def period_table(
    user,
    obligation: ReportingObligation,
    period: P.Period,
    today: dt.date,
    status: str = "",
    *,
    page: int | None = 1,
) -> PeriodTable:
    """Every unit's slot of one period: counts over all of them (from light rows), full rows for
    one page of UNITS_PER_PAGE (`page` None: all of them, for the compiled report)."""
    slots = visible_submissions(user).filter(obligation=obligation, period_key=period.key)
    light = list(
        slots.order_by("unit__path").values_list(
            "pk", "state", "submitted_at", "due_date", "period_start", "cutoff_date"
        )
    )
    statuses = {
        pk: status_of(state, local_date(at), due, start, today)
        for pk, state, at, due, start, _cutoff in light
    }
    counts = Counter(statuses.values())
    ids = [row[0] for row in light if not status or statuses[row[0]] == status]
    page_obj = None
    if page is not None:
        page_obj = Paginator(ids, UNITS_PER_PAGE).get_page(page)
        ids = list(page_obj.object_list)
    objects = slots.select_related("unit", "submitted_by", "decided_by").in_bulk(ids)
    rows = [
        Row(objects[pk], statuses[pk], objects[pk].days_late(today)) for pk in ids if pk in objects
    ]
    table = PeriodTable(obligation, period, rows, dict(counts))
    table.page = page_obj
    table.total = len(light)
    if light:
        table.cutoff, table.due = light[0][5], light[0][3]
    return table


@dataclass
class Cell:
    """What a matrix cell needs of a slot, read without building model instances."""

    pk: int
    submitted_on: dt.date | None
    due_date: dt.date

    def late(self) -> bool:
        return self.submitted_on is not None and self.submitted_on > self.due_date


@dataclass
class Matrix:
    obligation: ReportingObligation
    year: int
    periods: list[P.Period]
    rows: list[tuple[Unit, list[tuple[str, Row | None]]]]  # each cell: its column's label
    page: object = None
    totals: dict[str, int] = field(default_factory=dict)


def matrix(
    user,
    obligation: ReportingObligation,
    year: int,
    today: dt.date,
    *,
    page: int | None = 1,
) -> Matrix:
    """Units × periods of `year`: one query for the page's units, one for their slots.

    `page` None: every unit (the Excel export)."""
    periods = (
        P.periods_of_year(obligation.frequency, year)
        if obligation.frequency != P.ONCE
        else periods_with_slots(user, obligation)
    )
    slots = visible_submissions(user).filter(
        obligation=obligation, period_key__in=[p.key for p in periods]
    )
    unit_ids = slots.values("unit_id")
    units = Unit.objects.filter(pk__in=unit_ids).order_by("path")
    page_obj = None
    if page is not None:
        page_obj = Paginator(units, UNITS_PER_PAGE).get_page(page)
        units = list(page_obj.object_list)
    else:
        units = list(units)
    cells = {
        (unit_id, key): (pk, state, local_date(at), due, start)
        for pk, unit_id, key, state, at, due, start in slots.filter(
            unit_id__in=[u.pk for u in units]
        ).values_list(
            "pk", "unit_id", "period_key", "state", "submitted_at", "due_date", "period_start"
        )
    }
    totals: Counter = Counter()
    rows = []
    # Each column's label once, not once per cell (a page holds 100 units × 12 months).
    labels = [(period, str(period.label)) for period in periods]
    for unit in units:
        line = []
        for period, label in labels:
            found = cells.get((unit.pk, period.key))
            if found is None:
                line.append((label, None))
                continue
            pk, state, submitted_on, due, start = found
            status = status_of(state, submitted_on, due, start, today)
            row = Row(
                Cell(pk, submitted_on, due), status, days_late_of(state, submitted_on, due, today)
            )
            totals[row.status] += 1
            line.append((label, row))
        rows.append((unit, line))
    return Matrix(obligation, year, periods, rows, page_obj, dict(totals))


def unsubmitted_count(user, document, today: dt.date) -> int:
    """Slots of `document`'s obligations that `user` sees, due by `today` and not submitted (or
    returned): "báo cáo định kỳ chưa nộp"."""
    query = visible_submissions(user).unsubmitted_due(today)
    if document is not None:
        query = query.filter(obligation__document=document)
    return query.count()
