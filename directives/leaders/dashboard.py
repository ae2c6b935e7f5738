"""The leaders' dashboard: numbers per directive and per unit, the lists that need attention, and
the weekly history, all for one `Report` (filters, scope and as-of date).

The assignments a dashboard counts are read once, as of its date, in one query: a dashboard
shows one document, so that is bounded by the document's size (about a hundred rows; the largest
national conclusions some thousands), never by how many assignments the database holds. Their
reporting group and list memberships come from SQL (`as_of`, `list_condition`) with the same rules
as the list pages; every section below only adds those rows up or picks the first few.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import BooleanField, ExpressionWrapper
from django.urls import reverse
from django.utils.functional import cached_property

from directives.leaders.reporting import (
    LIST_COUNTS,
    LIST_LIMIT,
    Counts,
    ListKind,
    Report,
    list_condition,
    pending_extensions_on,
)
from directives.models import ReportGroup, Status, Unit

# The order groups are shown and stacked in: done first, then what is still open.
GROUP_ORDER = [
    ReportGroup.DONE_ON_TIME,
    ReportGroup.DONE_LATE,
    ReportGroup.OVERDUE_UNFINISHED,
    ReportGroup.NOT_YET_DUE,
    ReportGroup.NO_DEADLINE,
]


@dataclass
class Cell:
    group: str
    label: str
    count: int
    url: str


@dataclass
class Row:
    """One line of the directive or unit table: counts by group, each linked to its list."""

    label: str
    counts: Counts
    query: dict
    key: int | None = None
    unit: Unit | None = None
    depth: int = 0
    direct: bool = False
    expandable: bool = False
    expanded: bool = False
    toggle_url: str = ""
    cells: list[Cell] = field(default_factory=list)
    total_url: str = ""


def _link(report: Report, **changes) -> str:
    return reverse("dashboard_assignments") + "?" + report.query(**changes)


def _with_cells(report: Report, row: Row) -> Row:
    row.cells = [
        Cell(
            group,
            ReportGroup(group).label,
            row.counts[group],
            _link(report, **row.query, group=group),
        )
        for group in GROUP_ORDER
    ]
    row.total_url = _link(report, **row.query)
    return row


def _ancestor_ids(unit_path: str) -> list[int]:
    """A unit's path is the chain of its ancestors' ids ("000001/000007/")."""
    return [int(part) for part in unit_path.split("/") if part]


def _last_if_none(value):
    """Sort key putting missing values last, as PostgreSQL orders NULLs ascending."""
    return (value is None, value)


def _rank(row: Row):
    """Most overdue-unfinished first, then the lowest rate; nothing fallen due goes last."""
    rate = row.counts.rate
    return (-row.counts.overdue, rate if rate is not None else 101, row.label)


def top_directive_id(directive_id: int, parent_id: int | None) -> int:
    """The directive an assignment is counted under: its directive's parent, if it has one."""
    return parent_id or directive_id


def directive_counts(
    report: Report, per_directive: dict[int, Counts]
) -> list[tuple[int, str, Counts]]:
    """(id, label, counts) of each directive the report shows (the chosen one, or every
    top-level directive of the document), from counts keyed by `top_directive_id`."""
    directives = report.directives
    if report.directive is not None:
        directives = [report.directive]
    return [(d.pk, f"{d.number}. {d.title}", per_directive.get(d.pk, Counts())) for d in directives]


def total_of(counts: Iterable[Counts]) -> Counts:
    """The document's totals: the shown directives' counts added up."""
    total = Counts()
    for each in counts:
        total.add(each)
    return total


class Dashboard:
    """The sections of the dashboard, each computed once when first used."""

    def __init__(self, report: Report, *, narrowed: bool = False):
        self.report = report
        self.on = report.on
        # `narrowed`: also apply the list parameters (group, list, lead unit, basis), as the
        # exports of a list page do.
        self.qs = report.listed() if narrowed else report.assignments()

    @cached_property
    def rows(self) -> list:
        """The counted assignments as of the date, with a flag per list: the one big query."""
        return list(self.rows_queryset())

    def rows_queryset(self):
        flags = {
            f"in_{kind}": ExpressionWrapper(list_condition(kind, self.on), BooleanField())
            for kind in LIST_COUNTS
        }
        return (
            self.qs.annotate(**flags)
            .select_related("directive", "lead_unit")
            .defer(
                "search_title",
                "search_text",
                "directive__text",
                "directive__search_title",
                "directive__search_text",
            )
            .order_by("pk")
        )

    def _pick(self, kind: str, key) -> list:
        """The first LIST_LIMIT rows of one list, in its order (pk breaks ties)."""
        if kind == ListKind.OVERDUE:
            chosen = [
                a for a in self.rows if a.report_group_value == ReportGroup.OVERDUE_UNFINISHED
            ]
        else:
            chosen = [a for a in self.rows if getattr(a, f"in_{kind}")]
        chosen.sort(key=lambda a: (_last_if_none(key(a)), a.pk))
        return chosen[:LIST_LIMIT]

    # --- per directive ------------------------------------------------------------------
    @cached_property
    def directive_rows(self) -> list[Row]:
        per_directive: dict[int, Counts] = {}
        for a in self.rows:
            key = top_directive_id(a.directive_id, a.directive.parent_id)
            per_directive.setdefault(key, Counts()).add_assignment(a)
        return [
            _with_cells(
                self.report,
                Row(label=label, counts=counts, query={"directive": pk}, key=pk),
            )
            for pk, label, counts in directive_counts(self.report, per_directive)
        ]

    @cached_property
    def totals(self) -> Counts:
        return total_of(row.counts for row in self.directive_rows)

    @cached_property
    def headline_cells(self) -> list[Cell]:
        return [
            Cell(
                group, ReportGroup(group).label, self.totals[group], _link(self.report, group=group)
            )
            for group in GROUP_ORDER
        ]

    # --- per unit (the tree rolled up) --------------------------------------------------
    @cached_property
    def unit_rows(self) -> list[Row]:
        direct: dict[int, Counts] = {}
        for a in self.rows:
            direct.setdefault(a.lead_unit_id, Counts()).add_assignment(a)
        units = self.report.units_by_id
        subtree: dict[int, Counts] = {}
        for unit_id, counts in direct.items():
            unit = units.get(unit_id)
            for ancestor in _ancestor_ids(unit.path) if unit else [unit_id]:
                subtree.setdefault(ancestor, Counts()).add(counts)
        children: dict[int | None, list[Unit]] = {}
        for unit in units.values():
            parent = unit.parent_id if unit.parent_id in units else None
            children.setdefault(parent, []).append(unit)

        def has_work(unit: Unit) -> bool:
            return subtree.get(unit.pk, Counts()).total > 0

        # Start at the chosen unit, or the user's scope, or the top of the tree; step down
        # while one branch holds everything (the province itself leads nothing).
        top = self.report.unit or self.report.scope
        while True:
            kids = [u for u in children.get(top.pk if top else None, []) if has_work(u)]
            own = direct.get(top.pk, Counts()).total if top else 0
            if len(kids) == 1 and own == 0:
                top = kids[0]
                continue
            break

        expand = set(self.report.expand)
        rows: list[Row] = []

        def direct_row(unit: Unit, depth: int) -> Row:
            return _with_cells(
                self.report,
                Row(
                    label=unit.name,
                    counts=direct[unit.pk],
                    query={"lead": unit.pk, "unit": None},
                    key=unit.pk,
                    unit=unit,
                    depth=depth,
                    direct=True,
                ),
            )

        def walk(parent: Unit | None, depth: int) -> None:
            level = []
            for unit in children.get(parent.pk if parent else None, []):
                if not has_work(unit):
                    continue
                expandable = any(has_work(child) for child in children.get(unit.pk, []))
                expanded = expandable and unit.pk in expand
                toggled = [pk for pk in self.report.expand if pk != unit.pk]
                if not expanded:
                    toggled.append(unit.pk)
                row = Row(
                    label=unit.name,
                    counts=subtree[unit.pk],
                    query={"unit": unit.pk},
                    key=unit.pk,
                    unit=unit,
                    depth=depth,
                    expandable=expandable,
                    expanded=expanded,
                    toggle_url=reverse("dashboard") + "?" + self.report.query(expand=toggled),
                )
                level.append(_with_cells(self.report, row))
            for row in sorted(level, key=_rank):
                rows.append(row)
                if row.expanded:
                    if direct.get(row.unit.pk, Counts()).total:
                        rows.append(direct_row(row.unit, depth + 1))
                    walk(row.unit, depth + 1)

        if top is not None and direct.get(top.pk, Counts()).total:
            rows.append(direct_row(top, 0))
        walk(top, 0)
        return rows

    @cached_property
    def top_unit_rows(self) -> list[Row]:
        return [row for row in self.unit_rows if row.depth == 0]

    # --- lists --------------------------------------------------------------------------
    @cached_property
    def overdue(self) -> list:
        return self._pick(ListKind.OVERDUE, lambda a: a.asof_deadline)

    @cached_property
    def due(self) -> list:
        return self._pick(ListKind.DUE, lambda a: a.asof_deadline)

    @cached_property
    def awaiting(self) -> list:
        return self._pick(ListKind.AWAITING, lambda a: a.asof_last_update)

    @cached_property
    def _shown_above(self) -> set[int]:
        """The items the overdue and due panels already show: no later panel repeats them."""
        return {a.pk for a in (*self.overdue, *self.due)}

    @cached_property
    def _stale_all(self) -> list:
        return self._pick(ListKind.STALE, lambda a: a.asof_since)

    @cached_property
    def stale(self) -> list:
        """Not updated for a while, less those the panels before it list (overdue, due,
        milestones): each item that needs attention appears once (issue 21)."""
        listed = self._shown_above | {a.pk for m in self.milestones for a in m["items"]}
        return [a for a in self._stale_all if a.pk not in listed]

    @cached_property
    def stale_shown_above(self) -> int:
        return len(self._stale_all) - len(self.stale)

    @cached_property
    def suspended(self) -> list:
        return self._pick(ListKind.SUSPENDED, lambda a: a.asof_since)

    @cached_property
    def extensions(self) -> list:
        """Extension requests open on the date, oldest first (one query on the flagged rows)."""
        flagged = [a.pk for a in self.rows if a.in_extension]
        if not flagged:
            return []
        return list(
            pending_extensions_on(self.on)
            .filter(assignment_id__in=flagged)
            .select_related("assignment__directive", "assignment__lead_unit", "requested_by")
            .order_by("requested_at", "pk")[:LIST_LIMIT]
        )

    @cached_property
    def _open_explanations(self):
        from directives.models import ExplanationRequest

        return ExplanationRequest.objects.open_on(self.on).filter(
            assignment_id__in=[a.pk for a in self.rows]
        )

    @cached_property
    def explanations(self) -> list:
        """Requests for explanation unanswered on the date, the longest late first (issue 17)."""
        return list(
            self._open_explanations.select_related(
                "assignment__directive", "assignment__lead_unit"
            ).order_by("reply_by", "pk")[:LIST_LIMIT]
        )

    @cached_property
    def explanations_total(self) -> int:
        if len(self.explanations) < LIST_LIMIT:
            return len(self.explanations)
        return self._open_explanations.count()

    def list_url(self, kind: str) -> str:
        return _link(self.report, list=kind)

    @cached_property
    def list_urls(self) -> dict[str, str]:
        return {kind: self.list_url(kind) for kind, _label in ListKind.choices()}

    # --- milestones ---------------------------------------------------------------------
    @cached_property
    def milestones(self) -> list[dict]:
        """Named deadlines ("Trước Tết Nguyên đán Tân Sửu") with their open items."""
        groups: dict[tuple, dict] = {}
        open_items = []
        for a in self.rows:
            if not a.asof_basis:
                continue
            key = (a.asof_basis, a.asof_deadline)
            group = groups.setdefault(
                key,
                {
                    "asof_basis": a.asof_basis,
                    "asof_deadline": a.asof_deadline,
                    "total": 0,
                    "open": 0,
                    "overdue": 0,
                    "items": [],
                },
            )
            group["total"] += 1
            if a.asof_status != Status.DONE:
                group["open"] += 1
                open_items.append(a)
            if a.report_group_value == ReportGroup.OVERDUE_UNFINISHED:
                group["overdue"] += 1
        open_items.sort(key=lambda a: (_last_if_none(a.asof_deadline), a.asof_basis, a.pk))
        shown = self._shown_above
        for a in open_items[: LIST_LIMIT * 5]:
            if a.pk not in shown:  # listed once, in the overdue or due panel above
                groups[(a.asof_basis, a.asof_deadline)]["items"].append(a)
        ordered = sorted(
            groups.values(), key=lambda g: (_last_if_none(g["asof_deadline"]), g["asof_basis"])
        )
        for group in ordered:
            group["url"] = _link(self.report, list=ListKind.OPEN, basis=group["asof_basis"])
            group["url_all"] = _link(self.report, basis=group["asof_basis"])
        return ordered

    # --- weekly history -----------------------------------------------------------------
    @cached_property
    def weekly(self) -> list[tuple[dt.date, int, int]]:
        """(week's last day, completed so far, fallen due so far) over the document's life.

        Deadlines and completion dates are those recorded on the as-of date.
        """
        document = self.report.document
        if document is None or self.on < document.issue_date:
            return []
        completed = Counter(a.asof_completed_on for a in self.rows if a.asof_completed_on)
        due = Counter(a.asof_deadline for a in self.rows if a.asof_deadline)
        if not completed and not due:
            return []
        start = document.issue_date
        last = max([*completed, *due, start])
        end = min(self.on, last + dt.timedelta(days=7))
        weeks = max((end - start).days // 7, 1)
        step = 7 * max(1, -(-weeks // 52))  # at most about a year of points
        days = [start]
        day = start + dt.timedelta(days=step - 1)
        while day < end:
            days.append(day)
            day += dt.timedelta(days=step)
        days.append(end)
        series = []
        for day in days:
            done = sum(n for d, n in completed.items() if d <= day)
            fallen = sum(n for d, n in due.items() if d <= day)
            series.append((day, done, fallen))
        return series
