"""API tokens (issue 19): the credentials of people's scripts and of service accounts.

A token is shown once, when it is made; only its SHA-256 digest is kept (the token carries 256
random bits, so a fast digest is as safe as a slow one and lets every request find its row by
an index). A *service account* is an ordinary user without a password whose membership gives
its unit and role; its tokens are issued by an admin. Every rule of what a token's user may see
or do stays in directives/permissions.py: a token only narrows it by its scopes.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREFIX = "tdnv_"


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Scope(models.TextChoices):
    READ = "read", _("Chỉ đọc")
    WRITE = "read write", _("Đọc và ghi")


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("tên mã truy cập"), max_length=80)
    scopes = models.CharField(_("quyền"), max_length=20, choices=Scope.choices, default=Scope.READ)
    # The first characters, so a user can tell their tokens apart; never enough to use one.
    hint = models.CharField(_("mở đầu bằng"), max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    # The rate limit's state (directives.api.auth.PerTokenThrottle): when the token's current
    # window began and how many requests it has counted, one UPDATE of this row per request.
    window_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    window_requests = models.PositiveIntegerField(default=0, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def can_write(self) -> bool:
        return "write" in self.scopes.split()

    def issue(self) -> str:
        """Give this (unsaved) token a new secret; returns the key, which is never kept."""
        key = PREFIX + secrets.token_urlsafe(32)
        self.digest = digest_of(key)
        self.hint = key[: len(PREFIX) + 4]
        return key


class ApiWrite(models.Model):
    """One write made through the API: who, with which token (its name as it was), what."""

    at = models.DateTimeField(_("lúc"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    token = models.ForeignKey(
        ApiToken, verbose_name=_("mã truy cập"), on_delete=models.SET_NULL, null=True, blank=True
    )
    token_name = models.CharField(_("tên mã truy cập"), max_length=80, blank=True)
    method = models.CharField(max_length=8)
    path = models.CharField(_("đường dẫn"), max_length=300)
    status = models.PositiveSmallIntegerField(_("kết quả"))
    assignment_id = models.IntegerField(_("nhiệm vụ"), null=True, blank=True)

    class Meta:
        verbose_name = _("thao tác ghi qua API")
        verbose_name_plural = _("thao tác ghi qua API")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.method} {self.path} ({self.token_name})"


class ExportFile(models.Model):
    """A large export made by a background task; only its owner may download it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="export_files",
    )
    name = models.CharField(_("tên tệp"), max_length=200)
    file = models.FileField(_("tệp"), upload_to="exports/", max_length=255)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("tệp xuất")
        verbose_name_plural = _("tệp xuất")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
