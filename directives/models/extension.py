"""Extension requests (đề nghị gia hạn): a new date and a reason, decided by the assigner."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExtensionRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Chờ quyết định")
        APPROVED = "approved", _("Đã đồng ý")
        REFUSED = "refused", _("Không đồng ý")

    assignment = models.ForeignKey(
        "directives.Assignment",
        verbose_name=_("phân công"),
        on_delete=models.PROTECT,
        related_name="extension_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("thời điểm đề nghị"), default=timezone.now)
    current_deadline = models.DateField(_("thời hạn khi đề nghị"), null=True, blank=True)
    new_deadline = models.DateField(_("thời hạn đề nghị"))
    new_basis = models.CharField(_("căn cứ thời hạn mới"), max_length=300, blank=True)
    reason = models.TextField(_("lý do"))
    state = models.CharField(
        _("tình trạng"), max_length=20, choices=State.choices, default=State.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("thời điểm quyết định"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("đề nghị gia hạn")
        verbose_name_plural = _("đề nghị gia hạn")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # At most one open request per assignment: a second one waits for the first decision.
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(state="pending"),
                name="one_pending_extension_per_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}: → {self.new_deadline:%d/%m/%Y} ({self.get_state_display()})"
