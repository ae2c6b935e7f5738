"""Membership: each user belongs to one unit with one role (cán bộ, lãnh đạo, kiểm tra)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Cán bộ")
    LEADER = "leader", _("Lãnh đạo")
    INSPECTOR = "inspector", _("Kiểm tra")


class Membership(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    unit = models.ForeignKey(
        "directives.Unit",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("thành viên đơn vị")
        verbose_name_plural = _("thành viên đơn vị")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
