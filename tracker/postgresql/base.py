"""Django's PostgreSQL backend, with a connection health check that costs no round trip while
nothing has happened to the connection.

CONN_HEALTH_CHECKS makes Django check a persistent connection before the first query of every
request, so a connection broken by a database restart is replaced instead of failing the page.
Django checks with `SELECT 1`: a third round trip on a signed-in page whose own work is two
queries (the session, the user) — about a quarter of the bare page's time (issue 15, item 4).

A server that ends a connection (restart, `pg_terminate_backend`, idle timeout) sends its reason
and closes the socket, so an idle connection it ended has something to read. The check looks
at the socket without waiting: nothing there, the connection is as the last request left it;
anything there, Django's own `SELECT 1` decides (it reads and answers a harmless notice, and
fails on a closed connection, which is then replaced). A connection cut without a word (a
network failure) is no better found by `SELECT 1`, which would wait for the connect timeout.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper


class DatabaseWrapper(PostgresWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            waiting, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not waiting or super().is_usable()
