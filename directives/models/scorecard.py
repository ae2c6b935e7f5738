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
