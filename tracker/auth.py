"""Sign-in hardening: the client's address and the lockout backend (django-axes)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection
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

    The query is written once per process from the models' fields (_ShellQuery) rather than
    built through the ORM on each request: compiling the select_related + annotated queryset
    took about half of a bare signed-in page's time, far more than the database's answer.
    """

    def get_user(self, user_id):
        user = _ShellQuery.get().load(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user


class _ShellQuery:
    """`SELECT user, membership, unit, unread count … WHERE user.id = %s`, as the ORM would
    write it for `select_related("membership__unit")` plus the unread count, compiled once."""

    _built: dict[str, _ShellQuery] = {}

    @classmethod
    def get(cls) -> _ShellQuery:
        vendor = connection.vendor
        if vendor not in cls._built:
            cls._built[vendor] = cls()
        return cls._built[vendor]

    def __init__(self) -> None:
        from directives.models import Membership, Notification, Unit

        self.models = (get_user_model(), Membership, Unit)
        qn = connection.ops.quote_name
        user, membership, unit = (model._meta for model in self.models)
        notification = Notification._meta
        self.fields = [list(meta.concrete_fields) for meta in (user, membership, unit)]
        aliases = ("u", "m", "t")
        columns = ", ".join(
            f"{alias}.{qn(f.column)}"
            for alias, fields in zip(aliases, self.fields, strict=True)
            for f in fields
        )
        recipient = qn(notification.get_field("recipient").column)
        unread = (
            f"(SELECT COUNT(*) FROM {qn(notification.db_table)} n"  # noqa: S608 (names only)
            f" WHERE n.{recipient} = u.{qn(user.pk.column)}"
            f" AND n.{qn(notification.get_field('read_at').column)} IS NULL)"
        )
        self.sql = (
            f"SELECT {columns}, {unread} FROM {qn(user.db_table)} u"  # noqa: S608 (names only)
            f" LEFT OUTER JOIN {qn(membership.db_table)} m"
            f" ON m.{qn(membership.get_field('user').column)} = u.{qn(user.pk.column)}"
            f" LEFT OUTER JOIN {qn(unit.db_table)} t"
            f" ON t.{qn(unit.pk.column)} = m.{qn(membership.get_field('unit').column)}"
            f" WHERE u.{qn(user.pk.column)} = %s"
        )
        self.membership_pk = self.fields[1].index(membership.pk)
        # What the ORM would apply to each value (SQLite's dates come back as text, say).
        self.converters = [
            [
                (connection.ops.get_db_converters(col) + col.get_db_converters(connection), col)
                for col in (f.get_col(alias) for f in fields)
            ]
            for alias, fields in zip(aliases, self.fields, strict=True)
        ]

    def _instance(self, n: int, values: list):
        model = self.models[n]
        converted = []
        for value, (converters, col) in zip(values, self.converters[n], strict=True):
            for converter in converters:
                value = converter(value, col, connection)
            converted.append(value)
        return model.from_db(connection.alias, [f.attname for f in self.fields[n]], converted)

    def load(self, user_id):
        user_model = self.models[0]
        try:
            pk = user_model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        sizes = [len(fields) for fields in self.fields]
        user = self._instance(0, row[: sizes[0]])
        membership = None  # cached as None too: user.membership then raises without a query
        if row[sizes[0] + self.membership_pk] is not None:  # no membership row was joined
            membership = self._instance(1, row[sizes[0] : sizes[0] + sizes[1]])
            unit = self._instance(2, row[sizes[0] + sizes[1] : -1])
            membership_model = self.models[1]
            membership_model._meta.get_field("unit").set_cached_value(membership, unit)
            membership_model._meta.get_field("user").set_cached_value(membership, user)
        user_model._meta.get_field("membership").set_cached_value(user, membership)
        user._membership_cache = membership
        user.unread_notifications = row[-1] or 0
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
