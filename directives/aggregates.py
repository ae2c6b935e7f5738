"""Maintained assignment counts (`AssignmentTally`, `DocumentTally`): exact, recounted, read.

Why: a leader's dashboard counts assignments by reporting group for a whole province. Counting the
assignment rows costs time in proportion to the data; reading the tally rows of one unit costs the
same at ten thousand assignments and at a million.

How they stay exact: an assignment's tally key is (status, current deadline, late — done after
the deadline, or awaiting sign-off and reported after it) and it is counted for its lead unit and
every unit above it (the ids are the segments of the lead unit's materialised path), and once
more for its document (`DocumentTally`). Every ORM write that can change a key —
`Assignment.save()`/`delete()`, the queryset's `update()`, `delete()`,
`bulk_create()`/`bulk_update()`, moving a unit, moving a directive to another document — applies
the difference here, inside the write's own transaction, so a rolled-back write leaves no trace.
Writes that bypass the ORM (the load generator's COPY, `loaddata`) call `rebuild()` afterwards.
`python manage.py check_aggregates` recounts from scratch and lists any difference.

Only top-level assignments are counted (issue 17): a sub-assignment (`parent` set) is a part of
its parent's work, which the assigning body counts once, so children never move these rows
however many there are. What an intermediate unit assigned is counted from its children's rows
(`permissions.counted_filter`), bounded by the document like every dashboard count.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When

from directives.models import (
    Assignment,
    AssignmentTally,
    Directive,
    DocumentTally,
    Status,
    Unit,
)
from directives.models.assignment import awaiting_on_time, due_soon_days, headline_rate

# The fields of Assignment that decide its tally key.
TALLY_FIELDS = frozenset(
    {
        "status",
        "deadline",
        "completed_on",
        "reported_done_on",
        "lead_unit",
        "lead_unit_id",
        "directive",
        "directive_id",
        "parent",
        "parent_id",
    }
)

Key = tuple[str, "dt.date | None", bool]  # status, deadline, late (done late / reported late)
# The two tallies: per unit (its whole subtree) and per document.
UNIT, DOCUMENT = "unit", "document"
Row = tuple[str, int, str, "dt.date | None", bool]  # UNIT or DOCUMENT, its id, then the Key


def key_for(
    status: str,
    deadline: dt.date | None,
    completed_on: dt.date | None,
    reported_done_on: dt.date | None = None,
) -> Key:
    """The tally key of an assignment with these values.

    "Late" means done after the deadline, or — awaiting sign-off — reported after it (or on an
    unknown day): such work stays overdue while it waits, the rest is not overdue (standing_for).
    """
    if deadline is None:
        return (status, deadline, False)
    if status == Status.DONE:
        late = completed_on is not None and completed_on > deadline
    elif status == Status.AWAITING_SIGNOFF:
        late = not awaiting_on_time(status, deadline, reported_done_on)
    else:
        late = False
    return (status, deadline, bool(late))


def units_of_path(path: str) -> list[int]:
    """The ids of a unit and of every unit above it, read from its materialised path."""
    return [int(part) for part in path.split("/") if part]


@dataclass(frozen=True)
class State:
    """What the tallies know of one assignment: its key, where it sits in the unit tree and
    its document."""

    key: Key
    lead_unit_id: int
    path: str
    directive_id: int
    document_id: int


def state_of(pk: int | None) -> State | None:
    """The stored state of assignment `pk`, row-locked until the transaction ends."""
    if pk is None:
        return None
    row = (
        Assignment.objects.select_for_update(of=("self",))
        .filter(pk=pk)
        .order_by()
        .values_list(
            "status",
            "deadline",
            "completed_on",
            "reported_done_on",
            "lead_unit_id",
            "lead_unit__path",
            "directive_id",
            "directive__document_id",
            "parent_id",
        )
        .first()
    )
    if row is None or row[-1] is not None:  # absent, or a sub-assignment (never counted)
        return None
    status, deadline, completed_on, reported_done_on, *place, _parent = row
    return State(key_for(status, deadline, completed_on, reported_done_on), *place)


def state_from_instance(instance: Assignment, before: State | None) -> State | None:
    if instance.parent_id is not None:
        return None  # sub-assignments are not counted (module docstring)
    if before is not None and before.lead_unit_id == instance.lead_unit_id:
        path = before.path
    else:
        path = Unit.objects.values_list("path", flat=True).get(pk=instance.lead_unit_id)
    if before is not None and before.directive_id == instance.directive_id:
        document_id = before.document_id
    else:
        document_id = Directive.objects.values_list("document_id", flat=True).get(
            pk=instance.directive_id
        )
    key = key_for(
        instance.status, instance.deadline, instance.completed_on, instance.reported_done_on
    )
    return State(key, instance.lead_unit_id, path, instance.directive_id, document_id)


def _spread(deltas: Counter, path: str, document_id: int, key: Key, n: int) -> None:
    for unit_id in units_of_path(path):
        deltas[(UNIT, unit_id, *key)] += n
    deltas[(DOCUMENT, document_id, *key)] += n


def assignment_changed(before: State | None, after: State | None) -> None:
    """Move one assignment's count from its old key to its new one (either may be None)."""
    if before == after:
        return
    deltas: Counter = Counter()
    if before is not None:
        _spread(deltas, before.path, before.document_id, before.key, -1)
    if after is not None:
        _spread(deltas, after.path, after.document_id, after.key, +1)
    apply(deltas)


def grouped(queryset, sign: int) -> Counter:
    """Deltas counting every assignment of `queryset` (+1 or -1) under all its units."""
    rows = (
        Assignment.objects.filter(pk__in=queryset.values("pk"), parent__isnull=True)
        .order_by()
        .values_list(
            "lead_unit__path",
            "directive__document_id",
            "status",
            "deadline",
            "completed_on",
            "reported_done_on",
        )
        .annotate(n=Count("pk"))
    )
    deltas: Counter = Counter()
    for path, document_id, status, deadline, completed_on, reported_done_on, n in rows:
        key = key_for(status, deadline, completed_on, reported_done_on)
        _spread(deltas, path, document_id, key, sign * n)
    return deltas


def new_objects(objs: Iterable[Assignment]) -> Counter:
    """Deltas for assignments just inserted by bulk_create."""
    objs = list(objs)
    counted = {o.lead_unit_id for o in objs if o.parent_id is None}
    paths = dict(Unit.objects.filter(pk__in=counted).values_list("pk", "path"))
    directives = {o.directive_id for o in objs if o.parent_id is None}
    documents = dict(Directive.objects.filter(pk__in=directives).values_list("pk", "document_id"))
    deltas: Counter = Counter()
    for o in objs:
        if o.parent_id is not None:
            continue
        key = key_for(o.status, o.deadline, o.completed_on, o.reported_done_on)
        _spread(deltas, paths[o.lead_unit_id], documents[o.directive_id], key, 1)
    return deltas


def unit_moved(unit: Unit, old_path: str, new_path: str) -> None:
    """A unit (with its subtree, already re-rooted) moved: its assignments leave the units that
    were above it and join the units now above it."""
    old_above = set(units_of_path(old_path)) - {unit.pk}
    new_above = set(units_of_path(new_path)) - {unit.pk}
    if old_above == new_above:
        return
    leave, join = old_above - new_above, new_above - old_above
    _move(
        Assignment.objects.filter(lead_unit__path__startswith=new_path),
        leave=[(UNIT, unit_id) for unit_id in leave],
        join=[(UNIT, unit_id) for unit_id in join],
    )


def directive_moved(directive_id: int, old_document_id: int, new_document_id: int) -> None:
    """A directive (with every assignment of it) moved to another document."""
    if old_document_id == new_document_id:
        return
    _move(
        Assignment.objects.filter(directive_id=directive_id),
        leave=[(DOCUMENT, old_document_id)],
        join=[(DOCUMENT, new_document_id)],
    )


def _move(assignments, *, leave: list[tuple[str, int]], join: list[tuple[str, int]]) -> None:
    """Move the counts of the top-level `assignments` from the tally owners `leave` to
    `join` ((UNIT or DOCUMENT, id) pairs), key by key."""
    rows = (
        assignments.filter(parent__isnull=True)
        .order_by()
        .values_list("status", "deadline", "completed_on", "reported_done_on")
        .annotate(n=Count("pk"))
    )
    deltas: Counter = Counter()
    for status, deadline, completed_on, reported_done_on, n in rows:
        key = key_for(status, deadline, completed_on, reported_done_on)
        for owner in leave:
            deltas[(*owner, *key)] -= n
        for owner in join:
            deltas[(*owner, *key)] += n
    apply(deltas)


TABLES = {UNIT: (AssignmentTally, "unit_id"), DOCUMENT: (DocumentTally, "document_id")}


def apply(deltas: Counter) -> None:
    """Add `deltas` ({(UNIT or DOCUMENT, id, status, deadline, late): n}) to the tallies' rows,
    in at most three queries per tally.

    Rows are found by key and updated with `count = count + n`, so concurrent writers add up
    instead of overwriting each other; keys not yet present are inserted. (Two writers inserting
    the same new key at once leave two rows for it; every reader sums, so counts stay exact.)
    """
    for table, (model, column) in TABLES.items():
        rows = {row[1:]: n for row, n in deltas.items() if n and row[0] == table}
        if rows:
            _apply(model, column, rows)


def _apply(model, column: str, deltas: dict[tuple, int]) -> None:
    deadlines = {row[2] for row in deltas}
    dated = {d for d in deadlines if d is not None}
    deadline_filter = Q(deadline__in=dated) if dated else Q(pk__in=[])
    if None in deadlines:
        deadline_filter |= Q(deadline__isnull=True)
    existing: dict[tuple, int] = {}
    candidates = (
        model.objects.filter(
            deadline_filter,
            **{f"{column}__in": {row[0] for row in deltas}},
            status__in={row[1] for row in deltas},
        )
        .order_by("pk")
        .values_list("pk", column, "status", "deadline", "late")
    )
    for pk, *row in candidates:
        existing.setdefault(tuple(row), pk)
    updates = {existing[row]: n for row, n in deltas.items() if row in existing}
    if updates:
        model.objects.filter(pk__in=updates).update(
            count=F("count")
            + Case(
                *[When(pk=pk, then=Value(n)) for pk, n in updates.items()],
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    model.objects.bulk_create(
        model(**{column: row[0]}, status=row[1], deadline=row[2], late=row[3], count=n)
        for row, n in deltas.items()
        if row not in existing
    )


# ----------------------------------------------------------------------------------------------
# Recounting from scratch

# key_for's "late", in SQL (migration 0008 recounts with the same rule).
_LATE_SQL = (
    "CASE WHEN a.deadline IS NULL THEN FALSE "
    "WHEN a.status = 'done' AND a.completed_on > a.deadline THEN TRUE "
    "WHEN a.status = 'awaiting_signoff' "
    "AND (a.reported_done_on IS NULL OR a.reported_done_on > a.deadline) THEN TRUE "
    "ELSE FALSE END"
)


def _counting_sql(table: str) -> str:
    """A fresh count of the UNIT or DOCUMENT tally: (id, status, deadline, late, n) rows."""
    a, d = Assignment._meta.db_table, Directive._meta.db_table
    if table == UNIT:
        owner, join = "p.ancestor_id", "JOIN tally_ancestor p ON p.unit_id = a.lead_unit_id"
    else:
        owner, join = "d.document_id", f"JOIN {d} d ON d.id = a.directive_id"
    return (
        f"SELECT {owner}, a.status, a.deadline, {_LATE_SQL}, COUNT(*) "  # noqa: S608
        f"FROM {a} a {join} "
        "WHERE a.parent_id IS NULL "
        f"GROUP BY {owner}, a.status, a.deadline, {_LATE_SQL}"
    )


class _Ancestors:
    """A temporary table of (unit, unit or any unit above it) pairs, for counting in SQL."""

    def __enter__(self):
        pairs = [
            (unit_id, ancestor)
            for unit_id, path in Unit.objects.values_list("pk", "path")
            for ancestor in units_of_path(path)
        ]
        self.cursor = connection.cursor()
        self.cursor.execute("DROP TABLE IF EXISTS tally_ancestor")
        self.cursor.execute(
            "CREATE TEMPORARY TABLE tally_ancestor (unit_id bigint, ancestor_id bigint)"
        )
        self.cursor.executemany(
            "INSERT INTO tally_ancestor (unit_id, ancestor_id) VALUES (%s, %s)", pairs
        )
        return self.cursor

    def __exit__(self, *exc):
        self.cursor.execute("DROP TABLE IF EXISTS tally_ancestor")
        self.cursor.close()


def _normalise(table: str, row) -> Row:
    owner, status, deadline, late = row
    if isinstance(deadline, str):  # SQLite hands raw dates back as text
        deadline = dt.date.fromisoformat(deadline)
    return (table, int(owner), status, deadline, bool(late))


def recount() -> dict[Row, int]:
    """Count every assignment afresh, for both tallies: {(UNIT or DOCUMENT, id, status,
    deadline, late): n}, no zero entries."""
    counted: dict[Row, int] = {}
    with transaction.atomic(), _Ancestors() as cursor:
        for table in TABLES:
            cursor.execute(_counting_sql(table))
            counted.update((_normalise(table, row[:4]), row[4]) for row in cursor.fetchall())
    return counted


def stored() -> dict[Row, int]:
    """What the tallies hold, summed per key, without zero entries."""
    held: dict[Row, int] = {}
    for table, (model, column) in TABLES.items():
        rows = (
            model.objects.order_by()
            .values_list(column, "status", "deadline", "late")
            .annotate(n=Sum("count"))
        )
        held.update(((table, o, s, d, bool(late)), n) for o, s, d, late, n in rows if n)
    return held


def differences() -> list[tuple[Row, int, int]]:
    """Every key whose stored count differs from a fresh count: (key, stored, counted)."""
    with transaction.atomic():
        counted = recount()
        held = stored()
    keys = sorted(
        held.keys() | counted.keys(), key=lambda r: (r[0], r[1], r[2], r[3] or dt.date.max, r[4])
    )
    return [
        (row, held.get(row, 0), counted.get(row, 0))
        for row in keys
        if held.get(row, 0) != counted.get(row, 0)
    ]


def rebuild() -> int:
    """Replace both tallies by a fresh count, in SQL; returns the number of rows written."""
    written = 0
    with transaction.atomic(), _Ancestors() as cursor:
        for table, (model, column) in TABLES.items():
            name = model._meta.db_table
            cursor.execute(f"DELETE FROM {name}")  # noqa: S608
            # Ordered by owner so one unit's (document's) rows sit together on disk.
            cursor.execute(
                f"INSERT INTO {name} ({column}, status, deadline, late, count) "  # noqa: S608
                + _counting_sql(table)
                + " ORDER BY 1, 2, 3"
            )
            written += cursor.rowcount
    return written


# ----------------------------------------------------------------------------------------------
# Reading


# Awaiting sign-off reported on time is not yet due (or without a deadline) whatever the date.
_WAITING = Q(status=Status.AWAITING_SIGNOFF, late=False)
# Not done and not waiting on time: what falls overdue once its deadline passes.
OPEN = ~Q(status=Status.DONE) & ~_WAITING


def group_sums(on: dt.date) -> dict[str, Sum]:
    """The reporting groups as of `on` (and the total), as sums over tally rows: the SQL twin of
    `standing_for` + `group_for` on the key (status, deadline, late)."""
    return {
        "total": Sum("count"),
        "done_on_time": Sum("count", filter=Q(status=Status.DONE, late=False)),
        "done_late": Sum("count", filter=Q(status=Status.DONE, late=True)),
        "overdue_unfinished": Sum("count", filter=OPEN & Q(deadline__lt=on)),
        "not_yet_due": Sum(
            "count",
            filter=(OPEN & Q(deadline__gte=on)) | (_WAITING & Q(deadline__isnull=False)),
        ),
        "no_deadline": Sum("count", filter=~Q(status=Status.DONE) & Q(deadline__isnull=True)),
    }


def groups_by(tally: QuerySet, column: str, *, on: dt.date) -> dict[int, dict[str, int]]:
    """{owner: {"total" and each reporting group: n}} for the rows of `tally` (a queryset of
    AssignmentTally or DocumentTally, already filtered) grouped by `column` (its owner): one
    query, as many rows as owners."""
    rows = tally.order_by().values(column).annotate(**group_sums(on))
    return {
        row.pop(column): {name: value or 0 for name, value in row.items()}
        for row in rows
        if row["total"]
    }


def report_counts(unit: Unit, *, on: dt.date) -> dict[str, object]:
    """Counts for the assignments led within `unit`'s subtree, judged on the date `on`.

    Keys: the reporting groups (done_on_time, done_late, overdue_unfinished, not_yet_due,
    no_deadline), due_soon (part of not_yet_due), total, one `status_<value>` per workflow status
    and `rate` (the headline rate, or None). The workflow is the current one: `on` may be any
    date, but a past date gives today's statuses judged against that date, not history.
    """
    soon = on + dt.timedelta(days=due_soon_days())
    sums = {
        **group_sums(on),
        "due_soon": Sum("count", filter=OPEN & Q(deadline__gte=on, deadline__lte=soon)),
        **{f"status_{s}": Sum("count", filter=Q(status=s)) for s in Status.values},
    }
    counts: dict[str, object] = {
        name: value or 0
        for name, value in AssignmentTally.objects.filter(unit=unit).aggregate(**sums).items()
    }
    counts["rate"] = headline_rate(
        counts["done_on_time"] + counts["done_late"], counts["overdue_unfinished"]
    )
    return counts
