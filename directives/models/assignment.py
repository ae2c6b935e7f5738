"""Assignments (phân công): a directive given to one lead unit, and the rules of its status.

The rules of domain.md §3 live here and nowhere else:
- the workflow (stored) and the one map of allowed transitions, with who may make each;
- the standing against the deadline (derived for a given date, never stored);
- the reporting groups and the headline rate.
"Today" is always passed in, so any date can be asked about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.text import search_key

from .searchable import SearchColumnsMixin, SearchColumnsQuerySet


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    AWAITING_SIGNOFF = "awaiting_signoff", _("Chờ xác nhận")
    DONE = "done", _("Đã hoàn thành")
    SUSPENDED = "suspended", _("Tạm hoãn")


class Actor(models.TextChoices):
    """Who is acting on an assignment, as the permission policy classifies a user."""

    LEAD = "lead", _("Cán bộ đơn vị chủ trì")
    ASSIGNER = "assigner", _("Lãnh đạo cơ quan giao nhiệm vụ")


class Action(models.TextChoices):
    START = "start", _("Bắt đầu thực hiện")
    REPORT_DONE = "report_done", _("Báo cáo hoàn thành")
    CONFIRM = "confirm", _("Xác nhận hoàn thành")
    REFUSE = "refuse", _("Từ chối xác nhận (thực hiện lại)")
    SUSPEND = "suspend", _("Tạm hoãn")
    RESUME = "resume", _("Tiếp tục thực hiện")
    UNDO_CONFIRM = "undo_confirm", _("Hủy xác nhận hoàn thành")
    REOPEN = "reopen", _("Mở lại nhiệm vụ")


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    actor: str


# The one map of allowed workflow transitions (domain.md §3).
TRANSITIONS: dict[str, Transition] = {
    Action.START: Transition(frozenset({Status.NOT_STARTED}), Status.IN_PROGRESS, Actor.LEAD),
    Action.REPORT_DONE: Transition(
        frozenset({Status.NOT_STARTED, Status.IN_PROGRESS}), Status.AWAITING_SIGNOFF, Actor.LEAD
    ),
    Action.CONFIRM: Transition(frozenset({Status.AWAITING_SIGNOFF}), Status.DONE, Actor.ASSIGNER),
    Action.REFUSE: Transition(
        frozenset({Status.AWAITING_SIGNOFF}), Status.IN_PROGRESS, Actor.ASSIGNER
    ),
    Action.SUSPEND: Transition(
        frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.AWAITING_SIGNOFF}),
        Status.SUSPENDED,
        Actor.ASSIGNER,
    ),
    Action.RESUME: Transition(frozenset({Status.SUSPENDED}), Status.IN_PROGRESS, Actor.ASSIGNER),
    # Only the leader who confirmed, within TRACKER_SIGNOFF_UNDO_HOURS (checked in actions).
    Action.UNDO_CONFIRM: Transition(
        frozenset({Status.DONE}), Status.AWAITING_SIGNOFF, Actor.ASSIGNER
    ),
    # With a reason; from then on the assignment counts as not done (history keeps the past).
    Action.REOPEN: Transition(frozenset({Status.DONE}), Status.IN_PROGRESS, Actor.ASSIGNER),
}


class TransitionError(Exception):
    """A workflow action that the rules do not allow; the message is for the user."""


# Only work under way takes progress reports (issue 13): once the lead unit has reported
# completion the numbers wait for the leader, done work is closed, and suspended work is paused.
# There is no "ghi chú bổ sung" after completion: the timeline stays closed until a leader
# reopens the assignment.
TAKES_PROGRESS = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS})

PROGRESS_CLOSED_MESSAGES = {
    Status.AWAITING_SIGNOFF: _(
        "Nhiệm vụ đang chờ xác nhận hoàn thành: không nhận thêm báo cáo tiến độ."
    ),
    Status.DONE: _("Nhiệm vụ đã hoàn thành: không nhận thêm báo cáo tiến độ."),
    Status.SUSPENDED: _("Nhiệm vụ đang tạm hoãn: không nhận thêm báo cáo tiến độ."),
}


class ProgressClosed(TransitionError):
    """A progress report on work that takes none now (see TAKES_PROGRESS); nothing is written."""

    def __init__(self, status: str):
        super().__init__(
            PROGRESS_CLOSED_MESSAGES.get(status, _("Nhiệm vụ không nhận báo cáo tiến độ lúc này."))
        )
        self.status = status


class Standing(models.TextChoices):
    """Standing against the deadline, derived for a given date (domain.md §3)."""

    WITHIN = "within", _("Trong hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    NO_DEADLINE = "no_deadline", _("Không hạn")
    DONE_ON_TIME = "done_on_time", _("Hoàn thành đúng hạn")
    DONE_LATE = "done_late", _("Hoàn thành quá hạn")
    # Reported done on or before the deadline (or without one), not yet signed off: the clock
    # stopped when the unit reported, so waiting for the leader is never the unit's delay.
    AWAITING = "awaiting", _("Chờ xác nhận (báo cáo đúng hạn)")


class ReportGroup(models.TextChoices):
    """The Government Office's reporting groups."""

    DONE_ON_TIME = "done_on_time", _("Đã hoàn thành đúng hạn")
    DONE_LATE = "done_late", _("Đã hoàn thành quá hạn")
    OVERDUE_UNFINISHED = "overdue_unfinished", _("Chưa hoàn thành quá hạn")
    NOT_YET_DUE = "not_yet_due", _("Chưa đến hạn")
    NO_DEADLINE = "no_deadline", _("Không hạn")


STANDING_TO_GROUP: dict[str, str] = {
    Standing.DONE_ON_TIME: ReportGroup.DONE_ON_TIME,
    Standing.DONE_LATE: ReportGroup.DONE_LATE,
    Standing.OVERDUE: ReportGroup.OVERDUE_UNFINISHED,
    Standing.WITHIN: ReportGroup.NOT_YET_DUE,
    Standing.DUE_SOON: ReportGroup.NOT_YET_DUE,
    Standing.NO_DEADLINE: ReportGroup.NO_DEADLINE,
    # With a deadline; one without a deadline stays "không hạn" (see group_for).
    Standing.AWAITING: ReportGroup.NOT_YET_DUE,
}


def group_for(standing: str, deadline: dt.date | None) -> ReportGroup:
    """The reporting group of a standing. Awaiting sign-off on time stays outside the headline
    rate's denominator until the leader decides: not yet due, or no deadline without one."""
    if standing == Standing.AWAITING and deadline is None:
        return ReportGroup.NO_DEADLINE
    return ReportGroup(STANDING_TO_GROUP[standing])


def awaiting_on_time(status: str, deadline: dt.date | None, reported_on: dt.date | None) -> bool:
    """Awaiting sign-off and reported done on or before the deadline (or without one).

    An awaiting assignment whose report date is unknown keeps the ordinary rules.
    """
    return (
        status == Status.AWAITING_SIGNOFF
        and reported_on is not None
        and (deadline is None or reported_on <= deadline)
    )


def due_soon_days() -> int:
    return settings.TRACKER_DUE_SOON_DAYS


def standing_for(
    *,
    status: str,
    deadline: dt.date | None,
    completed_on: dt.date | None,
    on: dt.date,
    reported_on: dt.date | None = None,
) -> Standing:
    """Standing of an assignment with these values on the date `on`.

    A done assignment is judged by its completion date against its current deadline; one done
    without a deadline cannot be late, so it counts as on time (our choice). One awaiting
    sign-off is judged by `reported_on`, the day its lead unit reported it done: on time, it is
    `AWAITING` whatever the date; reported late, it is overdue like any unfinished work.
    """
    if awaiting_on_time(status, deadline, reported_on):
        return Standing.AWAITING
    if status == Status.DONE:
        if deadline is None or (completed_on is not None and completed_on <= deadline):
            return Standing.DONE_ON_TIME
        return Standing.DONE_LATE
    if deadline is None:
        return Standing.NO_DEADLINE
    if deadline < on:
        return Standing.OVERDUE
    if (deadline - on).days <= due_soon_days():
        return Standing.DUE_SOON
    return Standing.WITHIN


def headline_rate(completed: int, overdue_unfinished: int) -> Decimal | None:
    """Completed ÷ (completed + overdue-unfinished), in percent with two decimals, rounded half
    up (90.625 → 90.63; the README states this rule).

    Assignments not yet due are outside the denominator; None when nothing has fallen due.
    """
    denominator = completed + overdue_unfinished
    if denominator == 0:
        return None
    rate = Decimal(completed) * 100 / Decimal(denominator)
    return rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def end_of_day(on: dt.date) -> dt.datetime:
    """The first instant after the day `on` in the project's time zone (records before it count)."""
    return timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))


# The first key of standing_order and of its index: open assignments with a deadline (0), open
# without one (1), done with a deadline (2), done without one (3). Putting "no deadline" in the
# key, not in NULLS LAST, lets SQLite (whose ASC puts NULLs first) use the index as well.
STANDING_GROUP = Case(
    When(deadline__isnull=True, status=Status.DONE, then=Value(3)),
    When(status=Status.DONE, then=Value(2)),
    When(deadline__isnull=True, then=Value(1)),
    default=Value(0),
    output_field=models.IntegerField(),
)


class AssignmentQuerySet(SearchColumnsQuerySet):
    # Bulk writes keep the maintained counts (directives.aggregates) exact, like save() does.
    def update(self, **kwargs):
        from directives import aggregates
        from directives.freshness import data_changed

        # Queryset writes send no signals: every page's version is renewed after the write (at
        # once in autocommit, once more at commit inside a transaction), never only before it,
        # when a page read in between would be kept under the new version.
        if not aggregates.TALLY_FIELDS.intersection(kwargs):
            rows = super().update(**kwargs)
            data_changed()
            return rows
        with transaction.atomic():
            # Lock the rows through a plain query: FOR UPDATE refuses DISTINCT and aggregates.
            rows = Assignment.objects.filter(pk__in=self.values("pk")).select_for_update()
            pks = list(rows.values_list("pk", flat=True))
            deltas = aggregates.grouped(Assignment.objects.filter(pk__in=pks), -1)
            rows = super().update(**kwargs)
            deltas.update(aggregates.grouped(Assignment.objects.filter(pk__in=pks), +1))
            aggregates.apply(deltas)
            data_changed()
        return rows

    def delete(self):
        from directives import aggregates
        from directives.freshness import data_changed

        with transaction.atomic():
            deltas = aggregates.grouped(self, -1)
            result = super().delete()
            aggregates.apply(deltas)
            data_changed()  # after the write, as in update()
        return result

    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        from directives import aggregates

        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            raise ValueError("bulk_create with conflicts would leave the assignment tally wrong.")
        from directives.freshness import data_changed

        with transaction.atomic():
            created = super().bulk_create(objs, *args, **kwargs)
            aggregates.apply(aggregates.new_objects(created))
            data_changed()  # after the write, as in update()
        return created

    def visible_to(
        self, user, *, narrowed: bool = False, within: Q | None = None
    ) -> AssignmentQuerySet:
        """Only what `user` may see; every view starts here (see directives.permissions).

        `narrowed`: the caller also filters to few rows by an index (one document), so the rule
        is checked on those rows rather than by collecting every visible id. `within`: the caller
        reads a wide range with no LIMIT (a month): its condition, applied to the visible ids as
        they are collected.
        """
        from directives.permissions import visible_assignments_filter

        # No DISTINCT: the filter joins nothing that repeats a row (see permissions), and DISTINCT
        # would make the database read and sort every visible row before any LIMIT.
        return self.filter(visible_assignments_filter(user, narrowed=narrowed, within=within))

    def overdue(self, *, on: dt.date) -> AssignmentQuerySet:
        return (
            self.exclude(status=Status.DONE)
            .exclude(awaiting_on_time_q("status", "deadline", "reported_done_on"))
            .filter(deadline__lt=on)
        )

    def due_soon(self, *, on: dt.date) -> AssignmentQuerySet:
        return (
            self.exclude(status=Status.DONE)
            .exclude(awaiting_on_time_q("status", "deadline", "reported_done_on"))
            .filter(deadline__gte=on, deadline__lte=on + dt.timedelta(days=due_soon_days()))
        )

    def with_standing(self, *, on: dt.date) -> AssignmentQuerySet:
        """Annotate `standing` and `report_group` in SQL, the same rule as `standing_for`."""
        return self._annotate_standing(
            on=on,
            status="status",
            deadline="deadline",
            completed_on="completed_on",
            reported_on="reported_done_on",
        )

    def _annotate_standing(
        self, *, on: dt.date, status: str, deadline: str, completed_on: str, reported_on: str
    ) -> AssignmentQuerySet:
        """`standing_value` and `report_group_value` from the named status/deadline/completion/
        report-date columns: the stored ones (`with_standing`) or those recorded on a date
        (`as_of`).

        Both come from one list of rules; the group is not computed from the standing, so SQL
        does not repeat the standing's expression once per group.
        """
        soon = on + dt.timedelta(days=due_soon_days())
        done = Q(**{status: Status.DONE})
        no_deadline = Q(**{f"{deadline}__isnull": True})
        awaiting = awaiting_on_time_q(status, deadline, reported_on)
        rules = [
            (awaiting, Standing.AWAITING),
            (
                done & (no_deadline | Q(**{f"{completed_on}__lte": F(deadline)})),
                Standing.DONE_ON_TIME,
            ),
            (done, Standing.DONE_LATE),
            (no_deadline, Standing.NO_DEADLINE),
            (Q(**{f"{deadline}__lt": on}), Standing.OVERDUE),
            (Q(**{f"{deadline}__lte": soon}), Standing.DUE_SOON),
        ]
        standing = Case(
            *[When(condition, then=Value(value.value)) for condition, value in rules],
            default=Value(Standing.WITHIN.value),
            output_field=models.CharField(),
        )
        group = Case(
            When(awaiting & no_deadline, then=Value(ReportGroup.NO_DEADLINE.value)),
            *[
                When(condition, then=Value(STANDING_TO_GROUP[value]))
                for condition, value in rules
                if value != Standing.DUE_SOON  # within or due soon: both not yet due
            ],
            default=Value(ReportGroup.NOT_YET_DUE.value),
            output_field=models.CharField(),
        )
        return self.annotate(standing_value=standing, report_group_value=group)

    def standing_order(self, *, on: dt.date) -> AssignmentQuerySet:
        """Overdue first, then due soon, then the rest by deadline (no deadline last).

        (Awaiting sign-off reported on time keeps its place by deadline, among the open work.)

        For assignments not done the rank grows with the deadline (overdue < due soon < within
        < none), so ordering by (STANDING_GROUP, deadline, pk) is the same order — and that one
        an index can give (`assignment_standing_order`), so a page of 25 needs no sort of every
        visible row. `standing_rank` stays annotated for templates.
        """
        rank = Case(
            When(standing_value=Standing.OVERDUE, then=Value(0)),
            When(standing_value=Standing.DUE_SOON, then=Value(1)),
            When(
                standing_value__in=[Standing.WITHIN, Standing.NO_DEADLINE, Standing.AWAITING],
                then=Value(2),
            ),
            default=Value(3),
            output_field=models.IntegerField(),
        )
        return (
            self.with_standing(on=on)
            .annotate(standing_rank=rank)
            .order_by(STANDING_GROUP, "deadline", "pk")
        )

    def as_of(
        self, on: dt.date, *, from_history: bool = False, from_stored: bool = False
    ) -> AssignmentQuerySet:
        """The picture recorded at the end of the day `on`, computed from the history in SQL.

        Annotates, as they stood then: `asof_status`, `asof_redo`, `asof_percent`,
        `asof_deadline`, `asof_basis`, `asof_extensions`, `asof_reported_on` (the day the lead
        unit reported done, for work awaiting sign-off or done then), `asof_completed_on`,
        `asof_last_update` (latest update of the lead unit's), `asof_since` (that, or when the
        assignment was first recorded), `asof_note` and `asof_note_at` (the lead's latest update,
        sign-offs aside); coordinating units' own reports count in none of them; then
        `standing_value` and `report_group_value` by the same rules as `with_standing`.
        Assignments not yet recorded on that day are left out.

        Each value is one correlated subquery, because SQL repeats an annotation wherever it is
        used (the group alone uses status and deadline six times).

        Today (or later) nothing has been recorded after the day, so the stored columns — which
        every write keeps equal to the history's latest values, in its own transaction — are
        that picture: `as_of` reads them instead of the history (`_as_of_stored`), and a
        dashboard of today costs what `with_standing` costs (at 1,000,000 assignments a province
        leader's overview spent 40 of its 45 s in these subqueries). The last update, the note
        and `asof_since` stay subqueries: they are the lead unit's own reports, which the stored
        "last update" (any write) is not; they cost only where a page shows or sorts by them.
        `from_history=True` reads the history whatever the day (tests compare both);
        `from_stored=True` judges today's values on the day `on`, whatever the day (what did not
        move since that day looked then as it does now: the overview's past from the tallies).
        """
        stored = (on >= timezone.localdate() or from_stored) and not from_history
        qs = self._as_of_stored(on) if stored else self._as_of_history(on)
        return qs.annotate(
            # The completion counts from the day the unit reported it (apply_transition).
            asof_completed_on=Case(
                When(asof_status=Status.DONE, then=F("asof_reported_on")),
                default=None,
                output_field=models.DateField(),
            ),
        )._annotate_standing(
            on=on,
            status="asof_status",
            deadline="asof_deadline",
            completed_on="asof_completed_on",
            reported_on="asof_reported_on",
        )

    def _as_of_stored(self, on: dt.date) -> AssignmentQuerySet:
        """`as_of`'s values for today or later, from the stored columns (see `as_of`)."""
        from .progress import DeadlineChange, ProgressUpdate

        lead_rows = ProgressUpdate.objects.filter(assignment=OuterRef("pk"), coordinating=False)
        latest = lead_rows.order_by("-created_at", "-pk")
        reports = latest.exclude(status_after=Status.DONE)
        first_recorded = (
            DeadlineChange.objects.filter(assignment=OuterRef("pk"))
            .order_by("changed_at", "pk")
            .values("changed_at")[:1]
        )
        # The day reported done: the confirmation's completion day once done, the report's
        # while awaiting sign-off (the history's rows carry the same dates).
        reported = Case(
            When(status=Status.DONE, then=Coalesce(F("completed_on"), F("reported_done_on"))),
            When(
                status=Status.AWAITING_SIGNOFF,
                then=Coalesce(F("reported_done_on"), F("completed_on")),
            ),
            default=None,
            output_field=models.DateField(),
        )
        return self.annotate(
            asof_status=F("status"),
            asof_percent=F("percent"),
            asof_deadline=F("deadline"),
            asof_basis=F("deadline_basis"),
            asof_extensions=F("extension_count"),
            asof_redo=F("redo"),
            asof_last_update=Subquery(latest.values("created_at")[:1]),
            asof_note=Subquery(reports.values("note")[:1]),
            asof_note_at=Subquery(reports.values("created_at")[:1]),
            asof_reported_on=reported,
        ).annotate(
            asof_since=Coalesce(
                F("asof_last_update"),
                Subquery(first_recorded),
                F("created_at"),
                output_field=models.DateTimeField(),
            ),
        )

    def _as_of_history(self, on: dt.date) -> AssignmentQuerySet:
        """`as_of`'s values for a past day, from the recorded history (see `as_of`)."""
        from .progress import DeadlineChange, ProgressUpdate

        end = end_of_day(on)
        updates = ProgressUpdate.objects.filter(assignment=OuterRef("pk"))
        # The percent, "last updated" and latest note are the lead unit's: a coordinating
        # unit's report of its own part never stands for the assignment (issue 13).
        lead_rows = updates.filter(coordinating=False)
        before = lead_rows.filter(created_at__lt=end).order_by("-created_at", "-pk")
        reports = before.exclude(status_after=Status.DONE)
        moves = updates.exclude(status_after="")
        changes = DeadlineChange.objects.filter(assignment=OuterRef("pk"))
        # The row that led to "awaiting" or "done" carries the reported date (done_on): the
        # report itself, the confirmation, or an undone confirmation. Done is not final (undo,
        # reopen), so the stored dates cannot stand for a past date.
        reported_then = (
            before.filter(
                status_after__in=[Status.AWAITING_SIGNOFF, Status.DONE], done_on__isnull=False
            )
            .order_by("-created_at", "-pk")
            .values("done_on")[:1]
        )
        refusals = moves.filter(
            created_at__lt=end,
            status_before=Status.AWAITING_SIGNOFF,
            status_after=Status.IN_PROGRESS,
        )
        extensions = (
            changes.filter(changed_at__lt=end, kind=DeadlineChange.Kind.EXTENSION)
            .order_by()
            .values("assignment")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        first_recorded = changes.order_by("changed_at", "pk").values("changed_at")[:1]
        # "No deadline" is a value of the history, so it travels as a sentinel date through
        # Coalesce, which otherwise could not tell it from "no history at all".
        no_date = Value(NO_DATE, output_field=models.DateField())
        deadline_then = value_then(
            changes,
            "changed_at",
            end,
            then=Coalesce("new_deadline", no_date),
            before=Coalesce("old_deadline", no_date),
            output_field=models.DateField(),
        )
        return (
            self.filter(
                Q(created_at__lt=end)
                | Exists(changes.filter(changed_at__lt=end))
                | Exists(updates.filter(created_at__lt=end))
            )
            .annotate(
                # The last workflow move by then, else the state before the first later move,
                # else (no moves recorded at all) the stored status.
                asof_status=Coalesce(
                    value_then(
                        moves,
                        "created_at",
                        end,
                        then=F("status_after"),
                        before=F("status_before"),
                        output_field=models.CharField(),
                    ),
                    F("status"),
                    output_field=models.CharField(),
                ),
                asof_percent=Coalesce(
                    value_then(
                        lead_rows,
                        "created_at",
                        end,
                        then=F("percent"),
                        before=Value(0),
                        output_field=models.PositiveSmallIntegerField(),
                    ),
                    F("percent"),
                    output_field=models.PositiveSmallIntegerField(),
                ),
                asof_deadline=NullIf(Coalesce(deadline_then, F("deadline"), no_date), no_date),
                # The basis in force before the first recorded change is not known: blank.
                asof_basis=Coalesce(
                    value_then(
                        changes,
                        "changed_at",
                        end,
                        then=F("new_basis"),
                        before=Value(""),
                        output_field=models.CharField(),
                    ),
                    F("deadline_basis"),
                    output_field=models.CharField(),
                ),
                asof_extensions=Coalesce(
                    Subquery(extensions), Value(0), output_field=models.IntegerField()
                ),
                asof_last_update=Subquery(before.values("created_at")[:1]),
                # The unit's latest report; a sign-off note says less than what was done.
                asof_note=Subquery(reports.values("note")[:1]),
                asof_note_at=Subquery(reports.values("created_at")[:1]),
            )
            .annotate(
                asof_since=Coalesce(
                    F("asof_last_update"),
                    Subquery(first_recorded),
                    F("created_at"),
                    output_field=models.DateTimeField(),
                ),
                asof_redo=Case(
                    When(Q(Exists(refusals)) & ~Q(asof_status=Status.DONE), then=Value(True)),
                    default=Value(False),
                    output_field=models.BooleanField(),
                ),
                # From the history; rows without it (no recorded move) fall back to the stored
                # dates, which are then the ones of the stored status.
                asof_reported_on=Case(
                    When(
                        asof_status__in=[Status.AWAITING_SIGNOFF, Status.DONE],
                        then=Coalesce(
                            Subquery(reported_then, output_field=models.DateField()),
                            F("reported_done_on"),
                            F("completed_on"),
                            output_field=models.DateField(),
                        ),
                    ),
                    default=None,
                    output_field=models.DateField(),
                ),
            )
        )


def awaiting_on_time_q(status: str, deadline: str, reported_on: str) -> Q:
    """`awaiting_on_time` as a filter over the named columns (stored or as-of annotations)."""
    return Q(**{status: Status.AWAITING_SIGNOFF, f"{reported_on}__isnull": False}) & (
        Q(**{f"{deadline}__isnull": True}) | Q(**{f"{reported_on}__lte": F(deadline)})
    )


# Stands for "no deadline" inside the as-of subqueries (see AssignmentQuerySet.as_of).
NO_DATE = dt.date(9999, 12, 31)


def value_then(rows, time_field: str, end: dt.datetime, *, then, before, output_field):
    """One correlated subquery over a history: the value it held just before `end`.

    That is `then` of the latest row before `end`; failing that, `before` of the first row at
    or after it (the value before that first change); NULL when there are no rows at all.
    """
    earlier = Q(**{f"{time_field}__lt": end})
    then = F(then) if isinstance(then, str) else then
    before = F(before) if isinstance(before, str) else before
    return Subquery(
        rows.annotate(
            value_then=Case(When(earlier, then=then), default=before, output_field=output_field),
            is_earlier=Case(When(earlier, then=Value(1)), default=Value(0)),
            earlier_at=Case(When(earlier, then=F(time_field)), default=None),
            earlier_pk=Case(When(earlier, then=F("pk")), default=None),
        )
        .order_by(
            "-is_earlier",
            F("earlier_at").desc(nulls_last=True),
            F("earlier_pk").desc(nulls_last=True),
            time_field,
            "pk",
        )
        .values("value_then")[:1],
        output_field=output_field,
    )


class Assignment(SearchColumnsMixin, models.Model):
    """A directive (or part) given to one lead unit, with coordinating units and a deadline."""

    directive = models.ForeignKey(
        "directives.Directive",
        verbose_name=_("nhiệm vụ"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    lead_unit = models.ForeignKey(
        "directives.Unit",
        verbose_name=_("đơn vị chủ trì"),
        on_delete=models.PROTECT,
        related_name="led_assignments",
    )
    coordinating_units = models.ManyToManyField(
        "directives.Unit",
        verbose_name=_("đơn vị phối hợp"),
        blank=True,
        related_name="coordinated_assignments",
    )
    # Sub-assignments (giao tiếp cho cấp dưới, issue 17): a lead unit hands parts of its work
    # down; `assigned_by_unit` is the unit that did so and signs the part off. Top-level
    # assignments have neither (their assigner is the document's issuing body). `depth` is the
    # number of steps below the top-level assignment (0 for it), kept so a chain is read by level.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("nhiệm vụ cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    assigned_by_unit = models.ForeignKey(
        "directives.Unit",
        verbose_name=_("đơn vị giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_children",
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ được giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_assignments",
    )
    depth = models.PositiveSmallIntegerField(_("cấp giao"), default=0, editable=False)
    contact_person = models.CharField(_("đầu mối"), max_length=200, blank=True)
    expected_result = models.TextField(_("sản phẩm, kết quả đầu ra"), blank=True)
    # Indexed first in assignment_deadline_directive (Meta), which serves every range of dates.
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    deadline_basis = models.CharField(_("căn cứ thời hạn"), max_length=300, blank=True)
    original_deadline = models.DateField(_("thời hạn ban đầu"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("số lần gia hạn"), default=0)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    redo = models.BooleanField(
        _("thực hiện lại"), default=False, help_text=_("Xác nhận hoàn thành đã bị từ chối.")
    )
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    reported_done_on = models.DateField(_("ngày báo cáo hoàn thành"), null=True, blank=True)
    # Optimistic concurrency: every write bumps it; a form carrying an older one is refused.
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    last_update_at = models.DateTimeField(_("cập nhật gần nhất"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    # Folded copies for search (directives.search): the expected result as the title, and
    # everything the assignment itself says (the lead unit's name is matched through Unit).
    search_title = models.TextField(editable=False, blank=True)
    search_text = models.TextField(editable=False, blank=True)

    objects = AssignmentQuerySet.as_manager()

    SEARCH_SOURCES = frozenset({"expected_result", "contact_person", "deadline_basis"})

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["directive__document", "directive__position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100),
                name="assignment_percent_0_100",
                violation_error_message=_("Tiến độ phải từ 0 đến 100%%."),
            ),
            models.CheckConstraint(
                condition=(Q(status=Status.DONE) & Q(completed_on__isnull=False))
                | (~Q(status=Status.DONE) & Q(completed_on__isnull=True)),
                name="assignment_completed_on_iff_done",
                violation_error_message=_(
                    "Ngày hoàn thành chỉ có (và phải có) khi nhiệm vụ đã hoàn thành."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["lead_unit", "status", "deadline"]),
            # standing_order's keys: a LIMITed list walks this index instead of sorting.
            models.Index(STANDING_GROUP, "deadline", "id", name="assignment_standing_order"),
            # Search's newest-first runs walk this index and stop after a page, instead of
            # sorting every assignment a common word matches (142,753 at a million).
            models.Index(fields=["created_at", "id"], name="assignment_created_order"),
            # A leader's search lists the directives of what their units lead from the index
            # alone (permissions.visible_ids), and those of what they coordinate by the second.
            models.Index(fields=["lead_unit", "directive"], name="assignment_lead_directive"),
            models.Index(fields=["id", "directive"], name="assignment_id_directive"),
            # A month of deadlines, each day's first few by directive and its total, read from
            # the index alone (the calendar); any range of deadlines uses its first column.
            models.Index(
                fields=["deadline", "directive", "id"], name="assignment_deadline_directive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.directive.number}. {self.directive.title} — {self.lead_unit}"

    def save(self, *args, **kwargs) -> None:
        """Save, and move the assignment in the maintained counts in the same transaction."""
        from directives import aggregates

        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not aggregates.TALLY_FIELDS.intersection(update_fields):
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            before = aggregates.state_of(self.pk)
            super().save(*args, **kwargs)
            aggregates.assignment_changed(before, aggregates.state_from_instance(self, before))

    def delete(self, *args, **kwargs):
        from directives import aggregates

        with transaction.atomic():
            before = aggregates.state_of(self.pk)
            result = super().delete(*args, **kwargs)
            aggregates.assignment_changed(before, None)
        return result

    def search_columns(self) -> dict[str, str]:
        return {
            "search_title": search_key(self.expected_result),
            "search_text": search_key(
                self.expected_result, self.contact_person, self.deadline_basis
            ),
        }

    def standing(self, *, on: dt.date) -> Standing:
        return standing_for(
            status=self.status,
            deadline=self.deadline,
            completed_on=self.completed_on,
            reported_on=self.reported_done_on,
            on=on,
        )

    def report_group(self, *, on: dt.date) -> ReportGroup:
        return group_for(self.standing(on=on), self.deadline)

    def waiting_days(self, *, on: dt.date) -> int | None:
        """Days the leader has kept a completion report waiting (None unless awaiting)."""
        if self.status != Status.AWAITING_SIGNOFF or self.reported_done_on is None:
            return None
        return max((on - self.reported_done_on).days, 0)

    def days_left(self, *, on: dt.date) -> int | None:
        """Days until the deadline (negative when overdue); None without a deadline."""
        return None if self.deadline is None else (self.deadline - on).days

    @property
    def takes_progress(self) -> bool:
        """Whether progress may be reported now (the one rule: TAKES_PROGRESS)."""
        return self.status in TAKES_PROGRESS

    @property
    def progress_closed_message(self) -> str:
        """Why no progress is taken now, for the user; empty when it is."""
        return "" if self.takes_progress else str(ProgressClosed(self.status))

    def allowed_actions(self, actor: str | None) -> list[str]:
        return [
            action
            for action, rule in TRANSITIONS.items()
            if rule.actor == actor and self.status in rule.sources
        ]

    def apply_transition(self, action: str, *, actor: str | None, on: dt.date) -> tuple[str, str]:
        """Move the workflow by `action` as `actor`, or raise TransitionError.

        Sets the fields in memory only; `directives.actions` saves them with the history record.
        Returns (status before, status after).
        """
        rule = TRANSITIONS.get(action)
        if rule is None:
            raise TransitionError(_("Thao tác không hợp lệ."))
        if rule.actor != actor:
            raise TransitionError(
                _("Chỉ %(actor)s được thực hiện thao tác này.") % {"actor": Actor(rule.actor).label}
            )
        if self.status not in rule.sources:
            raise TransitionError(
                _("Không thể “%(action)s” khi nhiệm vụ đang ở trạng thái “%(status)s”.")
                % {"action": Action(action).label, "status": self.get_status_display()}
            )
        before = self.status
        self.status = rule.target
        if action == Action.REFUSE:
            self.redo = True
        if action == Action.REPORT_DONE:
            self.reported_done_on = on
        if action == Action.CONFIRM:
            # The unit finished when it reported, not when the leader got round to signing.
            self.completed_on = self.reported_done_on or on
            self.percent = 100
            self.redo = False
        if action == Action.UNDO_CONFIRM:
            # Back to waiting for the leader, with the day the unit reported.
            self.reported_done_on = self.completed_on
            self.completed_on = None
        if action == Action.REOPEN:
            self.completed_on = None
            self.reported_done_on = None
        return before, self.status
