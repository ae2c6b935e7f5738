"""Database sessions that ask an unreachable database once per request, not twice, and an idle
timeout that does not write the session on every request.

Django's session middleware reads the session again while it finishes the response, so a request
made while the database is away waited for a connection twice (2 × the pool's timeout) before
its 503 page. This store remembers the failure for the rest of the request and raises it again
at once. Otherwise it is Django's own database store: same table, same behaviour.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends import db
from django.db import InterfaceError, OperationalError, connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# The session remembers when it was last pushed forward (seconds since the epoch).
SEEN_KEY = "_seen"
REFRESH_AT_MOST = 300  # seconds between two refreshes of an active session


class SessionStore(db.SessionStore):
    _unavailable: Exception | None = None

    def load(self) -> dict:
        if self._unavailable is not None:
            raise self._unavailable
        try:
            data = self._read()
        except (OperationalError, InterfaceError) as error:
            self._unavailable = error
            raise
        if data is None:  # unknown or expired: as Django's store, start a new key if saved
            self._session_key = None
            return {}
        return self.decode(data)

    def _read(self) -> str | None:
        """The session's data if it has not expired: the query Django's store makes through
        the ORM (`Session.objects.get(session_key=…, expire_date__gt=now)`), written out once,
        because building it cost more than the database took to answer it on every page."""
        with connection.cursor() as cursor:
            cursor.execute(
                _read_sql(),
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        return row[0] if row is not None else None


@functools.cache
def _read_sql() -> str:
    from django.contrib.sessions.models import Session

    qn = connection.ops.quote_name
    meta = Session._meta
    column = {name: qn(meta.get_field(name).column) for name in ("session_key", "session_data")}
    return (
        f"SELECT {column['session_data']} FROM {qn(meta.db_table)}"  # noqa: S608 (names only)
        f" WHERE {column['session_key']} = %s"
        f" AND {qn(meta.get_field('expire_date').column)} > %s"
    )


def refresh_interval() -> int:
    """Seconds between two refreshes: a tenth of the idle timeout, at most five minutes."""
    return max(1, min(REFRESH_AT_MOST, settings.SESSION_COOKIE_AGE // 10))


def refresh_idle_sessions(get_response: Callable[[HttpRequest], HttpResponse]):
    """The idle timeout (SESSION_COOKIE_AGE after the last activity) without a session write on
    every request: an active session is saved, pushing its expiry forward, at most once per
    refresh_interval(). A session then ends between AGE − interval and AGE after the last
    request (7 h 55 min to 8 h by default), and a page costs no write of the session table.

    Placed after SessionMiddleware, so the session is marked before that middleware decides
    whether to save it. Requests that did not use the session (static files, /healthz) or that
    took it away (the bell's poll: polling is not activity) are left alone.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(timezone.now().timestamp())
        seen = session.get(SEEN_KEY)
        stale = not isinstance(seen, int) or not 0 <= now - seen < refresh_interval()
        if stale or session.modified:  # saved anyway: say so, to spare the next request
            session[SEEN_KEY] = now
        return response

    return middleware


@receiver(user_logged_in, dispatch_uid="session_seen_at_sign_in")
def _seen_at_sign_in(sender, request, user, **kwargs):
    """A session starts as just refreshed: the first page after signing in writes nothing."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_KEY] = int(timezone.now().timestamp())
