"""Reminders (đôn đốc) and in-app notifications.

A Reminder is logged once per assignment and occasion (its `key` is unique), so sending twice is
impossible by construction; each reminder fans out to Notifications, one per recipient.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    class Kind(models.TextChoices):
        BEFORE = "before", _("Nhắc trước hạn")
        DUE = "due", _("Đến hạn / quá hạn")
        OVERDUE_WEEKLY = "overdue_weekly", _("Nhắc hằng tuần khi quá hạn")
        MANUAL = "manual", _("Lãnh đạo đôn đốc")
        EXPLANATION = "explanation", _("Nhắc hạn giải trình")

    assignment = models.ForeignKey(
        "directives.Assignment",
        verbose_name=_("phân công"),
        on_delete=models.PROTECT,
        related_name="reminders",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("khóa chống gửi trùng"), max_length=120, unique=True)
    message = models.TextField(_("nội dung"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đôn đốc"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("đôn đốc")
        verbose_name_plural = _("đôn đốc")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.created_at:%d/%m/%Y}"


class Notification(models.Model):
    """One message to one user: shown under the bell, and e-mailed when the user has an address."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    reminder = models.ForeignKey(
        Reminder,
        verbose_name=_("đôn đốc"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    assignment = models.ForeignKey(
        "directives.Assignment",
        verbose_name=_("phân công"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = models.TextField(_("nội dung"), blank=True)
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("đã gửi e-mail lúc"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("số lần gửi e-mail"), default=0)
    # Messages that are not a Reminder's (the weekly digest) carry their own once-only key.
    key = models.CharField(
        _("khóa chống gửi trùng"), max_length=120, unique=True, null=True, blank=True
    )

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title
