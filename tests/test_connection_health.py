"""The PostgreSQL health check that asks the socket first (tracker/postgresql/base.py): a
connection the server ended is still found and replaced before a request uses it."""

from __future__ import annotations

import select

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connections

pytestmark = [
    pytest.mark.skipif(
        not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="a PostgreSQL connection check; .ci/run runs this file on PostgreSQL",
    ),
    pytest.mark.django_db,
]


@pytest.fixture
def own_connection():
    """A persistent connection of the application's kind, apart from the test's transaction."""
    wrapper = connections.create_connection("default")
    wrapper.connect()
    yield wrapper
    wrapper.close()


def _terminate(wrapper) -> None:
    params = wrapper.get_connection_params()
    pid = wrapper.connection.info.backend_pid
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server's goodbye reaches the socket a moment later: wait for it, not for a time.
    select.select([wrapper.connection.fileno()], [], [], 5)


def test_an_idle_connection_is_usable(own_connection):
    assert own_connection.is_usable()


def test_a_connection_the_server_ended_is_not_usable(own_connection):
    _terminate(own_connection)
    assert not own_connection.is_usable()


def test_the_request_after_the_server_ended_it_gets_a_new_connection(own_connection):
    _terminate(own_connection)
    own_connection.health_check_done = False  # as at the start of a request
    own_connection.close_if_health_check_failed()
    with own_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_the_application_s_connections_never_compile_queries_with_jit(own_connection):
    """A large scope's counts cost the planner more than PostgreSQL's JIT threshold; compiling
    them took 50-60 ms of each overview's queries and saved less (tracker/settings.py)."""
    with own_connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
