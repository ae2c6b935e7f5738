"""Calendar feeds: the secret address at which a user's calendar app reads their deadlines.

The token is the only credential of the feed URL, which calendar apps fetch without a session.
It is kept readable (not hashed) so the user can copy their address again for another device;
the feed carries only what the user may already see, and revoking or renewing the address is
the remedy when it leaks. At most one address per user is active at a time.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class CalendarFeedQuerySet(models.QuerySet):
    def active(self) -> CalendarFeedQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    token = models.CharField(
        _("mã bí mật"), max_length=64, unique=True, default=new_token, editable=False
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("ứng dụng lịch đọc lần cuối"), null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("địa chỉ đăng ký lịch")
        verbose_name_plural = _("địa chỉ đăng ký lịch")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_calendar_feed_per_user",
            )
        ]

    def __str__(self) -> str:
        state = _("đã thu hồi") if self.revoked_at else _("đang dùng")
        return f"{self.user} — {self.created_at:%d/%m/%Y} ({state})"
