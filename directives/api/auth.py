"""API authentication: bearer tokens (personal or a service account's), the session for the
browsable docs, scopes, and a rate limit per token.

The token is read by a middleware placed right after Django's AuthenticationMiddleware, so
everything after it — the upload limits (which allow files only to signed-in users), the
sign-in requirement, the audit trail's "who" — sees the token's user like a signed-in one.
DRF's authentication class then only reports what the middleware found.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, permissions, throttling

from directives.models import ApiToken, Membership
from directives.models.api_token import digest_of

API_PREFIX = "/api/"
# A token's "last used" is written at most this often (seconds): one UPDATE per request would
# make every read a write.
LAST_USED_EVERY = 300


def _bearer(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, key = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return key.strip()


def token_middleware(get_response: Callable[[HttpRequest], HttpResponse]):
    """Under /api/, a valid `Authorization: Bearer …` makes the token's user the request's."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request.api_token = None
        request.api_token_error = ""
        if request.path.startswith(API_PREFIX):
            key = _bearer(request)
            if key is not None:
                token = _find(key)
                if token is None:
                    request.api_token_error = _("Mã truy cập không hợp lệ hoặc đã bị thu hồi.")
                else:
                    request.user = token.user
                    request.api_token = token
                    # A token never rides on a session cookie sent along with it.
                    request._dont_enforce_csrf_checks = True
        return get_response(request)

    return middleware


def _find(key: str) -> ApiToken | None:
    if not key or len(key) > 200:
        return None
    # The user's membership and unit come in the same query, as the session's user does
    # (tracker.auth.ShellBackend): every endpoint asks permissions.membership_of at once.
    token = (
        ApiToken.objects.active()
        .select_related("user__membership__unit")
        .filter(digest=digest_of(key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    try:
        token.user._membership_cache = token.user.membership
    except Membership.DoesNotExist:
        token.user._membership_cache = None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """Reports the token the middleware found; a bad one is a 401, never a silent anonymous."""

    def authenticate(self, request):
        django_request = request._request
        if getattr(django_request, "api_token_error", ""):
            raise exceptions.AuthenticationFailed(django_request.api_token_error)
        token = getattr(django_request, "api_token", None)
        if token is None:
            return None
        return (token.user, token)

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class CsrfSessionAuthentication(authentication.SessionAuthentication):
    """The signed-in browser (the docs' "Try it out"): writes need the CSRF token as the pages
    do. Listed after the bearer token, whose 401 header it leaves to that class."""


class TokenScopes(permissions.BasePermission):
    """Signed in (by token or session); a read-only token may not write."""

    message = _("Mã truy cập này chỉ có quyền đọc.")

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated(_("Cần đăng nhập hoặc gửi mã truy cập (Bearer)."))
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is None or request.method in permissions.SAFE_METHODS:
            return True
        return token.can_write


class PerTokenThrottle(throttling.SimpleRateThrottle):
    """One budget per token (per user for the session); 429 with Retry-After when spent.

    A token's budget is a fixed window kept on its own row: each request is counted by one
    conditional UPDATE, atomic in the database that every app server shares. (DRF's own
    throttle keeps a list of every request's time in the cache and writes it back each time:
    with the database cache that is six queries a request, and the list grows with the rate.)
    A window opens with the first request after the last one ended, so a client may send up to
    twice the rate across a window's end, never more. The session (the docs' "Try it out")
    keeps DRF's throttle in Django's cache, per user."""

    scope = "token"

    def get_rate(self) -> str:
        # Read at each request, not at import, so the setting can change (tests, reloads).
        from django.conf import settings

        return settings.TRACKER_API_RATE

    def allow_request(self, request, view) -> bool:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is None:
            return super().allow_request(request, view)
        limit, seconds = self.parse_rate(self.get_rate())
        if limit is None:  # no rate set: no limit, as DRF's own throttle
            return True
        now = timezone.now()
        window = dt.timedelta(seconds=seconds)
        rows = ApiToken.objects.filter(pk=token.pk)
        # Twice: a request that finds the window just ended, while another request reopens
        # it, counts itself in the reopened window on the second pass.
        for _attempt in range(2):
            counted = rows.filter(
                window_started_at__gt=now - window, window_requests__lt=limit
            ).update(window_requests=F("window_requests") + 1)
            if counted:
                return True
            opened = rows.filter(
                Q(window_started_at__isnull=True) | Q(window_started_at__lte=now - window)
            ).update(window_started_at=now, window_requests=1)
            if opened:
                return True
        started = rows.values_list("window_started_at", flat=True).first() or now
        self.retry_after = max(1, math.ceil((started + window - now).total_seconds()))
        return False

    def wait(self) -> float | None:
        retry_after = getattr(self, "retry_after", None)
        return retry_after if retry_after is not None else super().wait()

    def get_cache_key(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None:
            ident = f"t{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
