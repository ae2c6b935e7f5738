"""Requests for explanation (yêu cầu giải trình): a leader asks the lead unit of an overdue or
stale assignment to explain in writing by a date; the unit answers in the system.

A request is open until answered; it is late when its reply-by day has passed without an answer
(or was answered after that day). Both are judged on a date passed in, from the recorded times,
so a past day's picture never changes.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .assignment import end_of_day
from .attachment import StoredFile


class ExplanationRequestQuerySet(models.QuerySet):
    def open_on(self, on: dt.date) -> ExplanationRequestQuerySet:
        """Asked by the end of `on` and not answered by then."""
        end = end_of_day(on)
        return self.filter(asked_at__lt=end).filter(
            Q(answered_at__isnull=True) | Q(answered_at__gte=end)
        )

    def late_on(self, on: dt.date) -> ExplanationRequestQuerySet:
        """Open on `on` with the reply-by day already past."""
        return self.open_on(on).filter(reply_by__lt=on)

    def answered_late(self) -> ExplanationRequestQuerySet:
        """Never answered, or answered after the reply-by day (judged on any later date)."""
        return self.filter(late_answer_q())


def late_answer_q(prefix: str = "") -> Q:
    """A request whose reply-by day passed without an answer on that day (used by the scorecard
    together with `reply_by` up to the period end)."""
    return Q(**{f"{prefix}answered_at__isnull": True}) | Q(
        **{f"{prefix}answered_at__date__gt": models.F(f"{prefix}reply_by")}
    )


class ExplanationRequest(models.Model):
    assignment = models.ForeignKey(
        "directives.Assignment",
        verbose_name=_("phân công"),
        on_delete=models.PROTECT,
        related_name="explanations",
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    asked_at = models.DateTimeField(_("thời điểm yêu cầu"), default=timezone.now, db_index=True)
    question = models.TextField(_("nội dung yêu cầu giải trình"))
    reply_by = models.DateField(_("hạn giải trình"), db_index=True)
    reply_by_basis = models.CharField(_("căn cứ hạn giải trình"), max_length=300, blank=True)
    answer = models.TextField(_("nội dung giải trình"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giải trình"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("thời điểm giải trình"), null=True, blank=True)
    # Optimistic concurrency: two people of the unit answering at once cannot overwrite.
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)

    objects = ExplanationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("yêu cầu giải trình")
        verbose_name_plural = _("yêu cầu giải trình")
        ordering = ["-asked_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(answered_at__isnull=True) & Q(answer=""))
                | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="explanation_answer_iff_answered",
                violation_error_message=_("Nội dung giải trình chỉ có khi đã giải trình."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.question[:60]} ({self.reply_by:%d/%m/%Y})"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def is_late(self, *, on: dt.date) -> bool:
        """Open past its reply-by day on `on`, or answered after it."""
        if self.answered_at is not None:
            return timezone.localtime(self.answered_at).date() > self.reply_by
        return self.reply_by < on


def explanation_path(instance: ExplanationFile, filename: str) -> str:
    return f"explanations/{instance.explanation_id}/{uuid.uuid4().hex}.{instance.extension}"


class ExplanationFile(StoredFile):
    """A file sent with an answer; checked and stored like evidence (directives.evidence)."""

    explanation = models.ForeignKey(
        ExplanationRequest,
        verbose_name=_("yêu cầu giải trình"),
        on_delete=models.PROTECT,
        related_name="files",
    )
    file = models.FileField(_("tệp"), upload_to=explanation_path, max_length=255)

    class Meta(StoredFile.Meta):
        verbose_name = _("tệp giải trình")
        verbose_name_plural = _("tệp giải trình")
