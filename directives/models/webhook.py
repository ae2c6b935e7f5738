"""Webhooks (issue 19): endpoints admins register, and each delivery with its attempts.

A delivery row is written in the same transaction as the change it reports, so it exists exactly
when the change does; a task sends it after the commit, and a periodic sweep re-queues any that a
dead worker left behind (at-least-once). Receivers de-duplicate by the delivery's id.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    ASSIGNMENT_CREATED = "assignment.created", _("Nhiệm vụ được giao")
    ASSIGNMENT_CHANGED = "assignment.changed", _("Nhiệm vụ thay đổi trạng thái")
    ASSIGNMENT_OVERDUE = "assignment.overdue", _("Nhiệm vụ quá hạn")
    ASSIGNMENT_DONE = "assignment.done", _("Nhiệm vụ hoàn thành")
    PROGRESS_ADDED = "progress.added", _("Có báo cáo tiến độ")
    EXTENSION_REQUESTED = "extension.requested", _("Đề nghị gia hạn")
    EXTENSION_DECIDED = "extension.decided", _("Quyết định gia hạn")
    REPORT_SUBMITTED = "report.submitted", _("Đơn vị nộp báo cáo định kỳ")
    EXPLANATION_REQUESTED = "explanation.requested", _("Yêu cầu giải trình")
    EXPLANATION_ANSWERED = "explanation.answered", _("Đơn vị đã giải trình")


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    name = models.CharField(_("tên"), max_length=100)
    url = models.URLField(_("địa chỉ nhận"), max_length=500)
    secret = models.CharField(_("khóa ký"), max_length=100, default=new_secret)
    events = models.JSONField(_("sự kiện"), default=list)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phụ trách"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    paused_at = models.DateTimeField(_("tạm dừng lúc"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("số lần lỗi liên tiếp"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("điểm nhận webhook")
        verbose_name_plural = _("điểm nhận webhook")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        DELIVERED = "delivered", _("Đã gửi")
        FAILED = "failed", _("Thất bại")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("điểm nhận"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("sự kiện"), max_length=40, choices=Event.choices)
    payload = models.JSONField(_("nội dung"))
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("gửi được lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần gửi webhook")
        verbose_name_plural = _("lần gửi webhook")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} ({self.get_state_display()})"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery,
        verbose_name=_("lần gửi"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
    )
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("mã trả về"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), default=0)
    response_excerpt = models.CharField(_("trích phản hồi"), max_length=500, blank=True)
    error = models.CharField(_("lỗi"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lượt gửi webhook")
        verbose_name_plural = _("lượt gửi webhook")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M:%S} {self.status_code or self.error}"
