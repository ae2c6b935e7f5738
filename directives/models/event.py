"""Events (sự kiện): named dates admins keep, that deadlines refer to ("trước Đại hội XIII")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    name = models.CharField(_("tên sự kiện"), max_length=200, unique=True)
    date = models.DateField(_("ngày diễn ra"))
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d/%m/%Y})"
