"""One row per run of `send_reminders`: what an operator's monitor reads to know reminders are
still going out ("no successful run for 2 hours" is an alert, docs/operations.md)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderRun(models.Model):
    started_at = models.DateTimeField(_("bắt đầu"), default=timezone.now)
    finished_at = models.DateTimeField(_("kết thúc"), db_index=True)
    succeeded = models.BooleanField(_("thành công"), default=True)
    reminders = models.PositiveIntegerField(_("đôn đốc"), default=0)
    emailed = models.PositiveIntegerField(_("e-mail đã gửi"), default=0)
    email_failures = models.PositiveIntegerField(_("e-mail lỗi"), default=0)

    class Meta:
        verbose_name = _("lượt gửi nhắc")
        verbose_name_plural = _("lượt gửi nhắc")
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.finished_at:%d/%m/%Y %H:%M}"
