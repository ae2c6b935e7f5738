"""API authentication: bearer tokens (personal or a service account's), the session for the
browsable docs, scopes, and a rate limit per token.

The token is read by a middleware placed right after Django's AuthenticationMiddleware, so
everything after it — the upload limits (which allow files only to signed-in users), the
sign-in requirement, the audit trail's "who" — sees the token's user like a signed-in one.
DRF's authentication class then only reports what the middleware found.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, permissions, throttling

from directives.models import ApiToken
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
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(digest=digest_of(key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
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

    Kept in Django's cache, so several app servers share the budget when the cache is shared
    (Redis or the database cache, as configured)."""

    scope = "token"

    def get_rate(self) -> str:
        # Read at each request, not at import, so the setting can change (tests, reloads).
        from django.conf import settings

        return settings.TRACKER_API_RATE

    def get_cache_key(self, request, view):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        if token is not None:
            ident = f"t{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
