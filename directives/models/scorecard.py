"""The unit scorecard's formula (công thức chấm điểm), one row kept by admins.

Per assignment that fell due in the period (its deadline, as recorded at the period end, falls
in it), the timeliness points are `on_time_points` when done on time, `late_points` when done
late and 0 when it is overdue and unfinished; the unit's timeliness is their weighted mean (the
lead unit's assignments weigh 1, those it coordinates `coordinating_weight` %). The quality
points are the mean evaluation (1–5) × 20. The score is
    timeliness × timeliness_weight % + quality × (100 − timeliness_weight) %
(timeliness alone when nothing was evaluated), less `late_explanation_penalty` per request for
explanation left unanswered past its reply-by day in the period, never below 0. Only units that
led something that fell due are ranked; coordinating alone adds weight, not a place.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScorecardFormula(models.Model):
    on_time_points = models.PositiveSmallIntegerField(
        _("điểm hoàn thành đúng hạn"), default=100, validators=[MaxValueValidator(100)]
    )
    late_points = models.PositiveSmallIntegerField(
        _("điểm hoàn thành quá hạn"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("Chưa hoàn thành khi quá hạn: 0 điểm."),
    )
    timeliness_weight = models.PositiveSmallIntegerField(
        _("trọng số tiến độ (%)"),
        default=70,
        validators=[MaxValueValidator(100)],
        help_text=_("Phần còn lại là trọng số chất lượng (đánh giá 1–5 khi xác nhận)."),
    )
    coordinating_weight = models.PositiveSmallIntegerField(
        _("trọng số nhiệm vụ phối hợp (%)"),
        default=30,
        validators=[MaxValueValidator(100)],
        help_text=_("Nhiệm vụ đơn vị chủ trì tính 100%; nhiệm vụ phối hợp tính theo tỷ lệ này."),
    )
    late_explanation_penalty = models.PositiveSmallIntegerField(
        _("điểm trừ mỗi giải trình quá hạn"), default=5, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("công thức chấm điểm đơn vị")
        verbose_name_plural = _("công thức chấm điểm đơn vị")

    def __str__(self) -> str:
        return str(_("Công thức chấm điểm đơn vị"))

    @classmethod
    def current(cls) -> ScorecardFormula:
        """The admins' formula, or the defaults when none was saved."""
        return cls.objects.order_by("pk").first() or cls()


class ScoredPeriod(models.Model):
    """A finished period whose scorecard counts are stored (`UnitPeriodScore`).

    A finished period's counts are read from the history as of its last day, so they can no
    longer change: they are counted once (by the hourly task after the period ends, or by the
    first page that asks) and read from here afterwards — the scorecard of a finished period costs
    the same at ten thousand assignments and at a million. The counts, not the scores, are kept:
    a change of the formula re-scores every period without recounting.
    `python manage.py store_scorecards --recount` counts stored periods again (after an admin
    corrected history by hand).
    """

    key = models.CharField(_("kỳ"), max_length=12, unique=True)
    counted_at = models.DateTimeField(_("thời điểm đếm"), auto_now_add=True)

    class Meta:
        verbose_name = _("kỳ đã chấm điểm")
        verbose_name_plural = _("kỳ đã chấm điểm")

    def __str__(self) -> str:
        return self.key


class UnitPeriodScore(models.Model):
    """One unit's counts in one finished period (see `ScoredPeriod`)."""

    period = models.ForeignKey(ScoredPeriod, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey("directives.Unit", on_delete=models.CASCADE, related_name="+")
    fell_due = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    quality = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    rated = models.PositiveIntegerField(default=0)
    coordinated = models.PositiveIntegerField(default=0)
    co_on_time = models.PositiveIntegerField(default=0)
    co_late = models.PositiveIntegerField(default=0)
    co_overdue = models.PositiveIntegerField(default=0)
    explanations = models.PositiveIntegerField(default=0)
    explanations_late = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("điểm đơn vị trong kỳ")
        verbose_name_plural = _("điểm đơn vị trong kỳ")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="unit_period_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.period_id}/{self.unit_id}"
