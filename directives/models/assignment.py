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
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _


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
}


class TransitionError(Exception):
    """A workflow action that the rules do not allow; the message is for the user."""


class Standing(models.TextChoices):
    """Standing against the deadline, derived for a given date (domain.md §3)."""

    WITHIN = "within", _("Trong hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    NO_DEADLINE = "no_deadline", _("Không hạn")
    DONE_ON_TIME = "done_on_time", _("Hoàn thành đúng hạn")
    DONE_LATE = "done_late", _("Hoàn thành quá hạn")


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
}


def due_soon_days() -> int:
    return settings.TRACKER_DUE_SOON_DAYS


def standing_for(
    *,
    status: str,
    deadline: dt.date | None,
    completed_on: dt.date | None,
    on: dt.date,
) -> Standing:
    """Standing of an assignment with these values on the date `on`.

    A done assignment is judged by its completion date against its current deadline; one done
    without a deadline cannot be late, so it counts as on time (our choice).
    """
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
    """Completed ÷ (completed + overdue-unfinished), in percent with two decimals.

    Assignments not yet due are outside the denominator; None when nothing has fallen due.
    """
    denominator = completed + overdue_unfinished
    if denominator == 0:
        return None
    rate = Decimal(completed) * 100 / Decimal(denominator)
    return rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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


class AssignmentQuerySet(models.QuerySet):
    # Bulk writes keep the maintained counts (directives.aggregates) exact, like save() does.
    def update(self, **kwargs):
        from directives import aggregates

        if not aggregates.TALLY_FIELDS.intersection(kwargs):
            return super().update(**kwargs)
        with transaction.atomic():
            # Lock the rows through a plain query: FOR UPDATE refuses DISTINCT and aggregates.
            rows = Assignment.objects.filter(pk__in=self.values("pk")).select_for_update()
            pks = list(rows.values_list("pk", flat=True))
            deltas = aggregates.grouped(Assignment.objects.filter(pk__in=pks), -1)
            rows = super().update(**kwargs)
            deltas.update(aggregates.grouped(Assignment.objects.filter(pk__in=pks), +1))
            aggregates.apply(deltas)
        return rows

    def delete(self):
        from directives import aggregates

        with transaction.atomic():
            deltas = aggregates.grouped(self, -1)
            result = super().delete()
            aggregates.apply(deltas)
        return result

    delete.queryset_only = True

    def bulk_create(self, objs, *args, **kwargs):
        from directives import aggregates

        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            raise ValueError("bulk_create with conflicts would leave the assignment tally wrong.")
        with transaction.atomic():
            created = super().bulk_create(objs, *args, **kwargs)
            aggregates.apply(aggregates.new_objects(created))
        return created

    def visible_to(self, user) -> AssignmentQuerySet:
        """Only what `user` may see; every view starts here (see directives.permissions)."""
        from directives.permissions import visible_assignments_filter

        # No DISTINCT: the filter joins nothing that repeats a row (see permissions), and DISTINCT
        # would make the database read and sort every visible row before any LIMIT.
        return self.filter(visible_assignments_filter(user))

    def overdue(self, *, on: dt.date) -> AssignmentQuerySet:
        return self.exclude(status=Status.DONE).filter(deadline__lt=on)

    def due_soon(self, *, on: dt.date) -> AssignmentQuerySet:
        return self.exclude(status=Status.DONE).filter(
            deadline__gte=on, deadline__lte=on + dt.timedelta(days=due_soon_days())
        )

    def with_standing(self, *, on: dt.date) -> AssignmentQuerySet:
        """Annotate `standing` and `report_group` in SQL, the same rule as `standing_for`."""
        soon = on + dt.timedelta(days=due_soon_days())
        done = Q(status=Status.DONE)
        standing = Case(
            When(
                done & (Q(deadline__isnull=True) | Q(completed_on__lte=models.F("deadline"))),
                then=Value(Standing.DONE_ON_TIME.value),
            ),
            When(done, then=Value(Standing.DONE_LATE.value)),
            When(deadline__isnull=True, then=Value(Standing.NO_DEADLINE.value)),
            When(deadline__lt=on, then=Value(Standing.OVERDUE.value)),
            When(deadline__lte=soon, then=Value(Standing.DUE_SOON.value)),
            default=Value(Standing.WITHIN.value),
            output_field=models.CharField(),
        )
        group = Case(
            *[When(standing_value=s, then=Value(g)) for s, g in STANDING_TO_GROUP.items()],
            output_field=models.CharField(),
        )
        return self.annotate(standing_value=standing).annotate(report_group_value=group)

    def standing_order(self, *, on: dt.date) -> AssignmentQuerySet:
        """Overdue first, then due soon, then the rest by deadline (no deadline last).

        For assignments not done the rank grows with the deadline (overdue < due soon < within
        < none), so ordering by (STANDING_GROUP, deadline, pk) is the same order — and that one
        an index can give (`assignment_standing_order`), so a page of 25 needs no sort of every
        visible row. `standing_rank` stays annotated for templates.
        """
        rank = Case(
            When(standing_value=Standing.OVERDUE, then=Value(0)),
            When(standing_value=Standing.DUE_SOON, then=Value(1)),
            When(standing_value__in=[Standing.WITHIN, Standing.NO_DEADLINE], then=Value(2)),
            default=Value(3),
            output_field=models.IntegerField(),
        )
        return (
            self.with_standing(on=on)
            .annotate(standing_rank=rank)
            .order_by(STANDING_GROUP, "deadline", "pk")
        )


class Assignment(models.Model):
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
    contact_person = models.CharField(_("đầu mối"), max_length=200, blank=True)
    expected_result = models.TextField(_("sản phẩm, kết quả đầu ra"), blank=True)
    deadline = models.DateField(_("thời hạn"), null=True, blank=True, db_index=True)
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

    objects = AssignmentQuerySet.as_manager()

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

    def standing(self, *, on: dt.date) -> Standing:
        return standing_for(
            status=self.status, deadline=self.deadline, completed_on=self.completed_on, on=on
        )

    def report_group(self, *, on: dt.date) -> ReportGroup:
        return ReportGroup(STANDING_TO_GROUP[self.standing(on=on)])

    def days_left(self, *, on: dt.date) -> int | None:
        """Days until the deadline (negative when overdue); None without a deadline."""
        return None if self.deadline is None else (self.deadline - on).days

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
        return before, self.status
