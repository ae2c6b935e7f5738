"""The leaders' dashboard: numbers per directive and per unit, the lists that need attention, and
the weekly history, all for one `Report` (filters, scope and as-of date).

Each section is one aggregate or one limited query; Python only adds up the grouped rows (per
directive, per unit of the tree), never the assignments themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import cached_property

from directives.models import ReportGroup, Status, Unit
from directives.reporting import (
    LIST_LIMIT,
    Counts,
    ListKind,
    Report,
    grouped_counts,
    list_condition,
)

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


def _rank(row: Row):
    """Most overdue-unfinished first, then the lowest rate; nothing fallen due goes last."""
    rate = row.counts.rate
    return (-row.counts.overdue, rate if rate is not None else 101, row.label)


class Dashboard:
    """The sections of the dashboard, each computed once when first used."""

    def __init__(self, report: Report, *, narrowed: bool = False):
        self.report = report
        self.on = report.on
        # `narrowed`: also apply the list parameters (group, list, lead unit, basis), as the
        # exports of a list page do.
        self.qs = report.listed() if narrowed else report.assignments()

    # --- per directive ------------------------------------------------------------------
    @cached_property
    def directive_rows(self) -> list[Row]:
        per_directive: dict[int, Counts] = {}
        for row in grouped_counts(self.qs, self.on, "directive_id", "directive__parent_id"):
            key = row["directive__parent_id"] or row["directive_id"]
            per_directive.setdefault(key, Counts()).add_row(row)
        directives = self.report.directives
        if self.report.directive is not None:
            directives = [self.report.directive]
        return [
            _with_cells(
                self.report,
                Row(
                    label=f"{d.number}. {d.title}",
                    counts=per_directive.get(d.pk, Counts()),
                    query={"directive": d.pk},
                    key=d.pk,
                ),
            )
            for d in directives
        ]

    @cached_property
    def totals(self) -> Counts:
        total = Counts()
        for row in self.directive_rows:
            total.add(row.counts)
        return total

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
        for row in grouped_counts(self.qs, self.on, "lead_unit_id"):
            direct.setdefault(row["lead_unit_id"], Counts()).add_row(row)
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
    def _items(self, kind: str, *order: str) -> list:
        return list(
            self.qs.filter(list_condition(kind, self.on))
            .select_related("directive", "lead_unit")
            .order_by(*order, "pk")[:LIST_LIMIT]
        )

    @cached_property
    def overdue(self) -> list:
        return self._items(ListKind.OVERDUE, "asof_deadline")

    @cached_property
    def due(self) -> list:
        return self._items(ListKind.DUE, "asof_deadline")

    @cached_property
    def awaiting(self) -> list:
        return self._items(ListKind.AWAITING, "asof_last_update")

    @cached_property
    def stale(self) -> list:
        return self._items(ListKind.STALE, "asof_since")

    @cached_property
    def suspended(self) -> list:
        return self._items(ListKind.SUSPENDED, "asof_since")

    @cached_property
    def extensions(self) -> list:
        return list(
            self.report.pending_extensions().select_related(
                "assignment__directive", "assignment__lead_unit", "requested_by"
            )[:LIST_LIMIT]
        )

    def list_url(self, kind: str) -> str:
        return _link(self.report, list=kind)

    @cached_property
    def list_urls(self) -> dict[str, str]:
        return {kind: self.list_url(kind) for kind, _label in ListKind.choices()}

    # --- milestones ---------------------------------------------------------------------
    @cached_property
    def milestones(self) -> list[dict]:
        """Named deadlines ("Trước Tết Nguyên đán Tân Sửu") with their open items."""
        open_ = ~Q(asof_status=Status.DONE)
        named = self.qs.exclude(asof_basis="").exclude(asof_basis__isnull=True)
        groups = (
            named.values("asof_basis", "asof_deadline")
            .annotate(
                total=Count("pk"),
                open=Count("pk", filter=open_),
                overdue=Count("pk", filter=Q(report_group_value=ReportGroup.OVERDUE_UNFINISHED)),
            )
            .order_by("asof_deadline", "asof_basis")
        )
        items = (
            named.filter(open_)
            .select_related("directive", "lead_unit")
            .order_by("asof_deadline", "asof_basis", "pk")[: LIST_LIMIT * 5]
        )
        by_key: dict[tuple, list] = {}
        for item in items:
            by_key.setdefault((item.asof_basis, item.asof_deadline), []).append(item)
        return [
            {
                **group,
                "items": by_key.get((group["asof_basis"], group["asof_deadline"]), []),
                "url": _link(self.report, list=ListKind.OPEN, basis=group["asof_basis"]),
                "url_all": _link(self.report, basis=group["asof_basis"]),
            }
            for group in groups
        ]

    # --- weekly history -----------------------------------------------------------------
    @cached_property
    def weekly(self) -> list[tuple[dt.date, int, int]]:
        """(week's last day, completed so far, fallen due so far) over the document's life.

        Deadlines and completion dates are those recorded on the as-of date.
        """
        document = self.report.document
        if document is None or self.on < document.issue_date:
            return []
        completed = dict(
            self.qs.filter(asof_completed_on__isnull=False)
            .values_list("asof_completed_on")
            .annotate(n=Count("pk"))
            .order_by()
        )
        due = dict(
            self.qs.filter(asof_deadline__isnull=False)
            .values_list("asof_deadline")
            .annotate(n=Count("pk"))
            .order_by()
        )
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
