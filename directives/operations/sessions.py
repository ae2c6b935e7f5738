"""Database sessions that ask an unreachable database once per request, not twice.

Django's session middleware reads the session again while it finishes the response, so a request
made while the database is away waited for a connection twice (2 × the pool's timeout) before
its 503 page. This store remembers the failure for the rest of the request and raises it again
at once. Otherwise it is Django's own database store: same table, same behaviour.
"""

from __future__ import annotations

from django.contrib.sessions.backends import db
from django.db import InterfaceError, OperationalError


class SessionStore(db.SessionStore):
    _unavailable: Exception | None = None

    def load(self) -> dict:
        if self._unavailable is not None:
            raise self._unavailable
        try:
            return super().load()
        except (OperationalError, InterfaceError) as error:
            self._unavailable = error
            raise
