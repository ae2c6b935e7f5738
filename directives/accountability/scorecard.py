"""The unit scorecard (bảng chấm điểm đơn vị) of one period: month, quarter or year.

For each unit and period: the assignments that fell due in the period (their deadline, as
recorded at the end of the period's last day, falls in it), how many were done on time, done
late, or overdue and unfinished at the period end, the headline rate, the mean evaluation, the
requests for explanation asked in the period and those left unanswered past their reply-by day,
and a score by the admins' formula (directives.models.scorecard, which states it).

Everything is read from the recorded history as of the period end (`Assignment.as_of`), so work
done after a period never changes that period's score. Three grouped queries, however many units:
the lead units' counts, the coordinating units' counts, the explanations (`count_period`). A
finished period is counted once and its counts kept (`ScoredPeriod`, `UnitPeriodScore`: the
hourly task of `accountability.tasks`, or the first page that asks); pages read them afterwards,
scoring them by the current formula (`rank`). The period under way is counted on each request,
from the stored state of what falls due in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from directives.lookups import AnyOf
from directives.models import (
    Assignment,
    DeadlineChange,
    ExplanationRequest,
    ProgressUpdate,
    ReportGroup,
    ScorecardFormula,
    ScoredPeriod,
    Status,
    Unit,
    UnitPeriodScore,
    headline_rate,
)
from directives.models.assignment import end_of_day
from directives.periodic.periods import MONTHLY, QUARTERLY, YEARLY, Period, period_from_key

FREQUENCIES = (MONTHLY, QUARTERLY, YEARLY)
_BY_CODE = {"M": MONTHLY, "Q": QUARTERLY, "Y": YEARLY}


def parse_period(key: str) -> Period:
    """The period a key such as "2021-Q1", "2021-M03" or "2021-Y" names; ValueError otherwise."""
    key = (key or "").strip().upper()
    code = key[5:6] if len(key) > 5 else ""
    frequency = _BY_CODE.get(code)
    if frequency is None:
        raise ValueError(key)
    if frequency == MONTHLY and key[6:].startswith("0"):
        key = f"{key[:6]}{int(key[6:] or 0)}"  # "2021-M03" → "2021-M3"
    return period_from_key(frequency, key)


def scored_assignments() -> QuerySet:
    """The assignments a scorecard counts: the ONE place that chooses them.

    The scorecard ranks units on what the assigning body gave them, so only top-level
    assignments count: a part handed down (issue 17's sub-assignments) is the assigning unit's
    own business and never scores a unit twice for one task.
    """
    return Assignment.objects.filter(parent__isnull=True)


def _fell_due(period: Period, *, under_way: bool = False) -> QuerySet:
    """Assignments whose deadline, as recorded at the period end, falls in the period.

    The current deadline or any recorded deadline change in the period narrows the rows by
    indexes first; the as-of deadline then decides.

    For a period `under_way` (it ends today or later) nothing has been recorded after its end
    yet, so the picture at its end is the stored one: the current deadline and status with the
    groups read on the period's last day (`with_standing`, the rule `as_of` applies to the
    history) — the same counts without one history subquery per row (at 1,000,000 assignments
    the month under way took 33 s through the history).
    """
    if under_way:
        return (
            scored_assignments()
            .filter(deadline__range=(period.start, period.end))
            .with_standing(on=period.end)
        )
    changed = DeadlineChange.objects.filter(
        new_deadline__range=(period.start, period.end), changed_at__lt=end_of_day(period.end)
    ).values("assignment_id")
    candidates = scored_assignments().filter(
        Q(deadline__range=(period.start, period.end)) | Q(pk__in=changed)
    )
    return candidates.as_of(period.end).filter(asof_deadline__range=(period.start, period.end))


def _quality_then(period: Period) -> Subquery:
    """The evaluation of the latest confirmation recorded by the period end."""
    return Subquery(
        ProgressUpdate.objects.filter(
            assignment=OuterRef("pk"),
            status_after=Status.DONE,
            created_at__lt=end_of_day(period.end),
            quality__isnull=False,
        )
        .order_by("-created_at", "-pk")
        .values("quality")[:1],
        output_field=IntegerField(),
    )


def _counts(**extra):
    return {
        "fell_due": Count("pk", distinct=True),
        "on_time": Count("pk", filter=Q(report_group_value=ReportGroup.DONE_ON_TIME), **extra),
        "late": Count("pk", filter=Q(report_group_value=ReportGroup.DONE_LATE), **extra),
        "overdue": Count(
            "pk", filter=Q(report_group_value=ReportGroup.OVERDUE_UNFINISHED), **extra
        ),
    }


@dataclass
class UnitScore:
    unit: Unit
    fell_due: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    quality: Decimal | None = None  # mean evaluation 1–5 of the lead unit's done work
    rated: int = 0
    coordinated: int = 0  # assignments it coordinated that fell due
    co_on_time: int = 0
    co_late: int = 0
    co_overdue: int = 0
    explanations: int = 0
    explanations_late: int = 0
    rank: int = 0
    timeliness: Decimal | None = None
    score: Decimal | None = None
    extras: dict = field(default_factory=dict)

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> Decimal | None:
        return headline_rate(self.done, self.overdue)

    def compute(self, formula: ScorecardFormula) -> None:
        """The score by `formula` (see directives.models.scorecard for the words)."""
        w = Decimal(formula.coordinating_weight) / 100
        weight = (self.on_time + self.late + self.overdue) + w * (
            self.co_on_time + self.co_late + self.co_overdue
        )
        if weight == 0:
            self.timeliness = None
            self.score = None
            return
        points = (
            self.on_time * formula.on_time_points
            + self.late * formula.late_points
            + w * (self.co_on_time * formula.on_time_points + self.co_late * formula.late_points)
        )
        self.timeliness = _round(Decimal(points) / weight)
        if self.fell_due == 0:
            # Ranked are the lead units: coordinating alone earns no place, only weight.
            self.score = None
            return
        score = self.timeliness
        if self.quality is not None:
            share = Decimal(formula.timeliness_weight) / 100
            score = score * share + self.quality * 20 * (1 - share)
        score -= formula.late_explanation_penalty * self.explanations_late
        self.score = _round(max(score, Decimal(0)))


def _round(value: Decimal) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Scorecard:
    period: Period
    formula: ScorecardFormula
    rows: list[UnitScore]

    @property
    def ranked(self) -> list[UnitScore]:
        return [r for r in self.rows if r.score is not None]


def build_scorecard(
    period: Period, *, units: QuerySet | None = None, today: dt.date | None = None
) -> Scorecard:
    """The scorecard of `period` for every unit (or those of `units`), ranked by score, then
    by how much fell due, then by name. Units that led nothing that fell due (they only
    coordinated, or only have requests for explanation) come last, unranked.

    A finished period (it ended before `today`) is read from its stored counts, counted and
    stored first if no one has yet (`stored_counts`); the period under way is counted live."""
    today = today or timezone.localdate()
    if period.end < today:
        return rank(period, stored_counts(period, units))
    return rank(period, count_period(period, units, under_way=True))


def count_period(
    period: Period, units: QuerySet | None = None, *, under_way: bool = False
) -> dict[int, UnitScore]:
    """Each unit's counts in `period` as recorded at its last day (three grouped queries: the
    lead units' counts, the coordinating units' counts, the explanations); from the history,
    or for a period `under_way` from the stored state (`_fell_due`)."""
    fell_due = _fell_due(period, under_way=under_way)
    if units is not None:
        unit_ids = units.values("pk")
    lead = fell_due.annotate(asof_quality=_quality_then(period))
    if units is not None:
        lead = lead.filter(lead_unit__in=unit_ids)
    lead_rows = (
        lead.order_by()
        .values("lead_unit_id")
        .annotate(
            **_counts(),
            quality=Avg(
                "asof_quality",
                filter=Q(report_group_value__in=[ReportGroup.DONE_ON_TIME, ReportGroup.DONE_LATE]),
            ),
            rated=Count(
                "pk",
                filter=Q(
                    report_group_value__in=[ReportGroup.DONE_ON_TIME, ReportGroup.DONE_LATE],
                    asof_quality__isnull=False,
                ),
            ),
        )
    )
    scores: dict[int, UnitScore] = {}

    def row_for(unit_id: int) -> UnitScore:
        if unit_id not in scores:
            scores[unit_id] = UnitScore(unit=None)
        return scores[unit_id]

    for row in lead_rows:
        score = row_for(row["lead_unit_id"])
        score.fell_due, score.on_time = row["fell_due"], row["on_time"]
        score.late, score.overdue, score.rated = row["late"], row["overdue"], row["rated"]
        if row["quality"] is not None:
            score.quality = _round(Decimal(str(row["quality"])))
    through = Assignment.coordinating_units.through
    co = through.objects.filter(assignment__in=fell_due.values("pk"))
    if units is not None:
        co = co.filter(unit__in=unit_ids)
    # The coordinated assignment's group, as recorded then, read per through row.
    group_then = Subquery(
        # No ordering: the model's would join the document and sort, once per through row.
        fell_due.filter(pk=OuterRef("assignment_id")).order_by().values("report_group_value")[:1]
    )
    co_rows = (
        co.annotate(group_then=group_then)
        .order_by()
        .values("unit_id")
        .annotate(
            coordinated=Count("pk"),
            co_on_time=Count("pk", filter=Q(group_then=ReportGroup.DONE_ON_TIME)),
            co_late=Count("pk", filter=Q(group_then=ReportGroup.DONE_LATE)),
            co_overdue=Count("pk", filter=Q(group_then=ReportGroup.OVERDUE_UNFINISHED)),
        )
    )
    for row in co_rows:
        score = row_for(row["unit_id"])
        score.coordinated, score.co_on_time = row["coordinated"], row["co_on_time"]
        score.co_late, score.co_overdue = row["co_late"], row["co_overdue"]
    end = end_of_day(period.end)
    explanations = ExplanationRequest.objects.filter(
        assignment__in=scored_assignments().values("pk"), asked_at__lt=end
    )
    if units is not None:
        explanations = explanations.filter(assignment__lead_unit__in=unit_ids)
    # Late in the period: its reply-by day fell in the period and no answer came on or before it
    # (an answer after the period cannot undo that, so the count never changes later).
    late = Q(reply_by__range=(period.start, period.end)) & (
        Q(answered_at__isnull=True) | Q(answered_at__date__gt=F("reply_by"))
    )
    for row in (
        explanations.order_by()
        .values("assignment__lead_unit_id")
        .annotate(
            asked=Count("pk", filter=Q(asked_at__gte=_start_of(period.start))),
            late=Count("pk", filter=late),
        )
    ):
        if not (row["asked"] or row["late"]):
            continue
        score = row_for(row["assignment__lead_unit_id"])
        score.explanations, score.explanations_late = row["asked"], row["late"]
    return scores


def stored_counts(period: Period, units: QuerySet | None = None) -> dict[int, UnitScore]:
    """The counts of a finished period, stored the first time they are asked for.

    Two requests asking at once both count, and the first to store wins: the period's row is
    unique, the loser's insert fails inside its own savepoint and it reads the winner's rows.
    """
    stored = ScoredPeriod.objects.filter(key=period.key).first()
    if stored is None:
        stored = store_period(period)
    rows = UnitPeriodScore.objects.filter(period=stored)
    if units is not None:
        rows = rows.filter(unit__in=units.values("pk"))
    # Plain values: a country's period holds some 4,000 rows, and a model object for each
    # cost more than the page's SQL.
    return {
        unit_id: UnitScore(unit=None, **dict(zip(STORED_FIELDS, values, strict=True)))
        for unit_id, *values in rows.values_list("unit_id", *STORED_FIELDS)
    }


# The counts a finished period keeps per unit (UnitScore's fields that are not derived).
STORED_FIELDS = (
    "fell_due",
    "on_time",
    "late",
    "overdue",
    "quality",
    "rated",
    "coordinated",
    "co_on_time",
    "co_late",
    "co_overdue",
    "explanations",
    "explanations_late",
)


def store_period(period: Period, *, recount: bool = False) -> ScoredPeriod:
    """Count `period` for every unit and store it (again, with `recount`); returns its row."""
    scores = count_period(period)
    try:
        with transaction.atomic():
            if recount:
                ScoredPeriod.objects.filter(key=period.key).delete()
            stored = ScoredPeriod.objects.create(key=period.key)
            UnitPeriodScore.objects.bulk_create(
                UnitPeriodScore(
                    period=stored,
                    unit_id=unit_id,
                    **{name: getattr(score, name) for name in STORED_FIELDS},
                )
                for unit_id, score in scores.items()
            )
    except IntegrityError:
        return ScoredPeriod.objects.get(key=period.key)
    return stored


def rank(period: Period, scores: dict[int, UnitScore]) -> Scorecard:
    """Scores by the admins' current formula, ranked (see `build_scorecard`)."""
    formula = ScorecardFormula.current()
    # Only what the page and the exports show of a unit: its name (some 4,000 units for the
    # country, each id sent to the database once).
    names = (
        {unit.pk: unit for unit in Unit.objects.only("name").filter(AnyOf(F("pk"), list(scores)))}
        if scores
        else {}
    )
    rows = []
    for unit_id, score in scores.items():
        score.unit = names[unit_id]
        score.compute(formula)
        rows.append(score)
    rows.sort(
        key=lambda r: (
            r.score is None,
            -(r.score or 0),
            -(r.fell_due + r.coordinated),
            r.unit.name,
        )
    )
    for rank, row in enumerate((r for r in rows if r.score is not None), start=1):
        row.rank = rank
    return Scorecard(period=period, formula=formula, rows=rows)


def units_for(user) -> QuerySet | None:
    """The units whose scores `user` sees: all for admins, inspectors and the province's
    leaders (None), a unit leader's own subtree otherwise."""
    from directives import permissions

    if permissions.sees_everything(user):
        return None
    membership = permissions.membership_of(user)
    if membership is None:
        return Unit.objects.none()
    if membership.unit.parent_id is None:
        return None
    return Unit.objects.subtree_of(membership.unit)


def _start_of(day: dt.date) -> dt.datetime:
    return end_of_day(day - dt.timedelta(days=1))


def default_period(today: dt.date) -> Period:
    """The last finished quarter: the page opens on a period whose score is settled."""
    first = dt.date(today.year, ((today.month - 1) // 3) * 3 + 1, 1)
    return period_from_key(QUARTERLY, _key_of(first - dt.timedelta(days=1)))


def _key_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


__all__ = ["FREQUENCIES", "Scorecard", "UnitScore", "build_scorecard", "parse_period"]
