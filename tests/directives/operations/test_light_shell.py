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

from directives.models import Membership, Notification, Role
from directives.operations.sessions import SEEN_KEY, refresh_interval

BASELINE = reverse("baseline")
# A page whose own work is none: what it costs is the full shell — base.html's header with the
# bell, the role-dependent links and the language switcher.
SHELL_PAGE = reverse("password_change")
DASHBOARD_LINK = f'href="{reverse("dashboard")}"'


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


# The shell's budget, for each kind of user --------------------------------------------------


@pytest.fixture(params=["staff_user", "leader_user", "inspector_user"])
def member_user(request):
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("url", [BASELINE, SHELL_PAGE])
def test_the_shell_costs_two_queries_for_every_role(client, member_user, clock, url):
    client.force_login(member_user)
    client.get(url)
    clock(1)
    sql = _queries(client, url)
    assert len(sql) <= 2, sql
    assert not any(q.startswith(("UPDATE", "INSERT", "DELETE")) for q in sql)


def test_a_user_without_a_membership_costs_two_queries_too(client, db, clock):
    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.get(SHELL_PAGE)
    clock(1)
    assert len(_queries(client, SHELL_PAGE)) <= 2


def test_the_leaders_link_follows_the_role_read_with_the_user(client, staff_user, leader_user):
    client.force_login(leader_user)
    assert DASHBOARD_LINK in client.get(SHELL_PAGE).content.decode()
    client.force_login(staff_user)
    assert DASHBOARD_LINK not in client.get(SHELL_PAGE).content.decode()


# Nothing read with the user outlives a change: each request reads it again ------------------


def test_a_new_notification_shows_in_the_bell_at_the_next_page(client, staff_user):
    client.force_login(staff_user)
    assert "bell-count" not in client.get(SHELL_PAGE).content.decode()
    Notification.objects.create(recipient=staff_user, title="Nhắc việc")
    assert '<span class="bell-count">1<' in client.get(SHELL_PAGE).content.decode()
    Notification.objects.filter(recipient=staff_user).update(read_at=timezone.now())
    assert "bell-count" not in client.get(SHELL_PAGE).content.decode()


def test_a_changed_role_takes_effect_at_the_next_request(client, staff_user):
    client.force_login(staff_user)
    assert DASHBOARD_LINK not in client.get(SHELL_PAGE).content.decode()
    assert client.get(reverse("dashboard")).status_code == 403
    Membership.objects.filter(user=staff_user).update(role=Role.LEADER)
    assert DASHBOARD_LINK in client.get(SHELL_PAGE).content.decode()
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_removed_membership_takes_effect_at_the_next_request(client, leader_user):
    client.force_login(leader_user)
    assert DASHBOARD_LINK in client.get(SHELL_PAGE).content.decode()
    Membership.objects.filter(user=leader_user).delete()
    assert DASHBOARD_LINK not in client.get(SHELL_PAGE).content.decode()


def test_a_changed_password_signs_the_other_sessions_out(client, staff_user):
    client.force_login(staff_user)
    staff_user.set_password("một mật khẩu khác 2026")
    staff_user.save()
    response = client.get(SHELL_PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_language_switch_shows_at_the_next_page_within_the_budget(client, staff_user, clock):
    client.force_login(staff_user)
    assert '<html lang="vi">' in client.get(SHELL_PAGE).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": SHELL_PAGE})
    clock(1)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(SHELL_PAGE).content.decode()
    assert '<html lang="en">' in html and ">Sign out</button>" in html
    assert len(queries.captured_queries) <= 2


# The session read, written out (directives/operations/sessions.py) --------------------------


def test_an_unknown_session_key_is_a_signed_out_visitor(client, db):
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_expired_session_row_is_not_read(client, staff_user):
    from django.contrib.sessions.models import Session

    client.force_login(staff_user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(reverse("home")).status_code == 302


def test_the_header_kept_per_process_still_marks_the_current_page(client, staff_user):
    """The header's fixed parts are rendered once per language and role (the "shell" cache):
    the list's link is marked current on the list only, whichever page came first."""
    client.force_login(staff_user)
    current = f'href="{reverse("assignment_list")}" aria-current="page"'
    assert current not in client.get(SHELL_PAGE).content.decode()
    assert current in client.get(reverse("assignment_list")).content.decode()
    assert current not in client.get(SHELL_PAGE).content.decode()
