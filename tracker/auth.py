"""Sign-in hardening: the client's address and the lockout backend (django-axes)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest

# The client's address has one home (trusted proxies only); kept importable from here.
from directives.operations.proxies import client_ip  # noqa: F401


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username+address before any password is checked.

    Sign-in through the web (our login page, the admin's) always passes the request. Callers
    without one — management commands, the shell, the test client's `login()` — have no address
    to lock, so they are left to the next backend instead of being refused with an error.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ShellBackend(ModelBackend):
    """Django's own password backend, loading in one query what every page's shell needs.

    The user of each request comes with their membership and unit (permissions.membership_of
    reads it from there) and their unread notification count (the bell), so the per-request
    work is two queries, the session and this one, on every page.
    """

    def get_user(self, user_id):
        from directives.models import Membership, Notification

        UserModel = get_user_model()  # noqa: N806 (a class)
        unread = (
            Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        try:
            user = (
                UserModel._default_manager.select_related("membership__unit")
                .annotate(
                    unread_notifications=Coalesce(
                        Subquery(unread, output_field=IntegerField()), Value(0)
                    )
                )
                .get(pk=user_id)
            )
        except UserModel.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        try:
            user._membership_cache = user.membership
        except Membership.DoesNotExist:
            user._membership_cache = None
        return user


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """The page a locked-out sign-in gets: 429, in Vietnamese, saying when to try again."""
    from axes.helpers import get_cool_off, get_failure_limit
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    return render(
        request,
        "registration/lockout.html",
        {
            "failure_limit": get_failure_limit(request, credentials),
            "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        },
        status=429,
    )


# Longest username the sign-in log keeps; Django's own usernames are at most 150 characters.
LOCKOUT_USERNAME_LENGTH = 150


def lockout_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username the lockout counts attempts for, cut to what the sign-in log can store.

    Django's login form does not limit the length of what is typed, and a 300-character "name"
    would otherwise fail to save in the log (PostgreSQL) and turn a wrong sign-in into a 500.
    No real account has such a name, so cutting it changes no real user's count.
    """
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "POST", {}).get("username")
    if not isinstance(username, str):
        return username
    return username.replace("\x00", "")[:LOCKOUT_USERNAME_LENGTH]
