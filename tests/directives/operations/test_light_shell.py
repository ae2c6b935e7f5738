"""The work every page repeats: the session, the user, their membership and the bell's count
in two queries, and no write of the session on every request (issue 15, item 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directives.models import Notification
from directives.operations.sessions import SEEN_KEY, refresh_interval

BASELINE = reverse("baseline")


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in queries.captured_queries]


@pytest.fixture
def clock(monkeypatch):
    start = timezone.now()

    def move_to(seconds: float) -> None:
        monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(seconds=seconds))

    move_to(0)
    return move_to


def test_a_signed_in_bare_page_costs_two_queries_and_no_write(client, staff_user, clock):
    client.force_login(staff_user)
    client.get(BASELINE)  # the first page after sign-in may refresh the session
    clock(1)
    sql = _queries(client, BASELINE)
    assert len(sql) == 2, sql
    assert "django_session" in sql[0]
    assert not any(q.startswith(("UPDATE", "INSERT")) for q in sql)


def test_the_header_reads_membership_and_bell_from_the_user_query(client, staff_user, clock):
    for n in range(3):
        Notification.objects.create(recipient=staff_user, title=f"Nhắc việc {n}")
    Notification.objects.create(recipient=staff_user, title="Đã đọc", read_at=timezone.now())
    client.force_login(staff_user)
    client.get(reverse("home"))
    clock(1)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("home")).content.decode()
    sql = [q["sql"] for q in queries.captured_queries]
    assert '<span class="bell-count">3<' in html
    assert not any('FROM "directives_membership"' in q for q in sql), sql
    assert sum('"directives_notification"' in q for q in sql) == 1  # inside the user query


def test_an_active_session_is_saved_at_most_once_per_interval(client, staff_user, clock):
    client.force_login(staff_user)
    client.get(BASELINE)
    interval = refresh_interval()
    clock(interval - 1)
    quiet = client.get(BASELINE)
    assert settings.SESSION_COOKIE_NAME not in quiet.cookies
    clock(interval + 1)
    refreshed = client.get(BASELINE)
    assert settings.SESSION_COOKIE_NAME in refreshed.cookies
    assert client.session[SEEN_KEY] == int(timezone.now().timestamp())


def test_the_idle_timeout_still_ends_a_quiet_session(client, staff_user, clock):
    client.force_login(staff_user)
    client.get(BASELINE)
    clock(settings.SESSION_COOKIE_AGE + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_session_in_use_outlives_the_idle_timeout(client, staff_user, clock):
    client.force_login(staff_user)
    step = refresh_interval() + 1
    for at in range(step, 2 * settings.SESSION_COOKIE_AGE, step * 20):
        clock(at)
        assert client.get(BASELINE).status_code == 200, at


def test_a_seen_time_from_the_future_is_refreshed(client, staff_user, clock):
    client.force_login(staff_user)
    session = client.session
    session[SEEN_KEY] = int(timezone.now().timestamp()) + 10_000
    session.save()
    assert settings.SESSION_COOKIE_NAME in client.get(BASELINE).cookies


def test_an_inactive_user_is_signed_out_at_the_next_request(client, staff_user):
    client.force_login(staff_user)
    type(staff_user).objects.filter(pk=staff_user.pk).update(is_active=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302


def test_the_minimal_page_reads_no_session_and_no_database(client, db):
    """Requested without a session cookie, as the benchmark does."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("bench_minimal"))
    assert response.status_code == 200
    assert "Trang tối giản" in response.content.decode()
    assert queries.captured_queries == []
    assert settings.SESSION_COOKIE_NAME not in response.cookies
