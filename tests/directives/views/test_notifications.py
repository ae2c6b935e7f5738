"""Notifications: the bell with the unread count, the list, read/unread by POST."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from directives import actions
from directives.models import Notification
from directives.operations.sessions import SEEN_KEY, refresh_interval

LIST = reverse("notification_list")
BELL = reverse("notification_bell")
READ_ALL = reverse("notification_read_all")
HTMX = {"HTTP_HX_REQUEST": "true"}


def read_url(notification: Notification) -> str:
    return reverse("notification_read", args=[notification.pk])


@pytest.fixture
def mine(staff_user):
    return [
        Notification.objects.create(recipient=staff_user, title=f"Đôn đốc số {n}", body="Nội dung")
        for n in range(3)
    ]


@pytest.fixture
def theirs(unrelated_user):
    return Notification.objects.create(recipient=unrelated_user, title="Thư của người khác")


# --- The list --------------------------------------------------------------------------------


def test_list_shows_only_own_notifications(client, staff_user, mine, theirs):
    client.force_login(staff_user)
    content = client.get(LIST).content.decode()
    assert all(n.title in content for n in mine)
    assert theirs.title not in content


def test_list_unread_filter(client, staff_user, mine):
    mine[0].read_at = timezone.now()
    mine[0].save()
    client.force_login(staff_user)
    response = client.get(LIST, {"show": "unread"})
    assert list(response.context["page_obj"].object_list) == [mine[2], mine[1]]
    assert "Chưa đọc (2)" in response.content.decode()


def test_list_unknown_filter_shows_all(client, staff_user, mine):
    client.force_login(staff_user)
    assert client.get(LIST, {"show": "<script>"}).context["show"] == "all"


def test_list_full_page_and_htmx_fragment(client, staff_user, mine):
    client.force_login(staff_user)
    page = client.get(LIST)
    assert "<html" in page.content.decode()
    assert "HX-Request" in page["Vary"]
    fragment = client.get(LIST, {"show": "unread"}, **HTMX).content.decode().strip()
    assert fragment.startswith('<section id="notification-list"')
    assert "<html" not in fragment


def test_list_history_restore_gets_full_page(client, staff_user):
    client.force_login(staff_user)
    response = client.get(LIST, **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


def test_list_shows_reminder_kind_and_the_time(client, assignment, staff_user, leader_user):
    actions.urge(assignment, user=leader_user, message="Đề nghị báo cáo ngay")
    client.force_login(staff_user)
    content = client.get(LIST).content.decode()
    assert "Lãnh đạo đôn đốc" in content
    assert "Đề nghị báo cáo ngay" in content


def test_list_requires_sign_in(client, db):
    assert client.get(LIST).status_code == 302


# --- Marking ---------------------------------------------------------------------------------


def test_mark_read_sets_read_at_and_redirects_without_htmx(client, staff_user, mine):
    client.force_login(staff_user)
    response = client.post(read_url(mine[0]), {"read": "1", "show": "unread"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?show=unread&page=1"
    mine[0].refresh_from_db()
    assert mine[0].read_at is not None


def test_mark_read_with_htmx_returns_list_and_tells_the_bell(client, staff_user, mine):
    client.force_login(staff_user)
    response = client.post(read_url(mine[0]), {"read": "1", "show": "all"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    content = response.content.decode().strip()
    assert content.startswith('<section id="notification-list"')
    assert "Chưa đọc (2)" in content


def test_mark_unread(client, staff_user, mine):
    mine[0].read_at = timezone.now()
    mine[0].save()
    client.force_login(staff_user)
    client.post(read_url(mine[0]), {"read": "0"})
    mine[0].refresh_from_db()
    assert mine[0].read_at is None


def test_mark_someone_elses_notification_is_404_and_writes_nothing(client, staff_user, theirs):
    client.force_login(staff_user)
    assert client.post(read_url(theirs), {"read": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_with_bad_value_is_400_and_writes_nothing(client, staff_user, mine):
    client.force_login(staff_user)
    assert client.post(read_url(mine[0]), {"read": "yes"}).status_code == 400
    mine[0].refresh_from_db()
    assert mine[0].read_at is None


def test_mark_is_post_only(client, staff_user, mine):
    client.force_login(staff_user)
    assert client.get(read_url(mine[0])).status_code == 405


def test_mark_all_read_marks_only_own(client, staff_user, mine, theirs):
    client.force_login(staff_user)
    client.post(READ_ALL, {"show": "all"})
    assert not Notification.objects.filter(recipient=staff_user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_requires_sign_in(client, mine):
    assert client.post(READ_ALL).status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == 3


# --- The bell --------------------------------------------------------------------------------


def test_bell_in_header_shows_unread_count_and_polls(client, staff_user, mine):
    client.force_login(staff_user)
    content = client.get(reverse("home")).content.decode()
    assert 'id="notification-bell"' in content
    assert 'hx-trigger="every 60s, notifications-changed from:body"' in content
    assert '<span class="bell-count">3<span class="visually-hidden"> chưa đọc</span>' in content


def test_bell_without_unread_shows_no_count(client, staff_user):
    client.force_login(staff_user)
    content = client.get(BELL, **HTMX).content.decode()
    assert 'id="notification-bell"' in content
    assert "bell-count" not in content


def test_bell_endpoint_returns_fresh_count(client, staff_user, mine, theirs):
    client.force_login(staff_user)
    mine[0].read_at = timezone.now()
    mine[0].save()
    content = client.get(BELL, **HTMX).content.decode()
    assert content.startswith('<a id="notification-bell"')
    assert '<span class="bell-count">2<' in content


def test_bell_poll_does_not_extend_the_session(client, staff_user):
    client.force_login(staff_user)
    session = client.session
    session[SEEN_KEY] -= refresh_interval()  # last refreshed an interval ago
    session.save()
    page = client.get(reverse("home"))
    assert settings.SESSION_COOKIE_NAME in page.cookies  # pages do refresh the idle timeout
    session = client.session
    session[SEEN_KEY] -= refresh_interval()
    session.save()
    poll = client.get(BELL, **HTMX)
    assert poll.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in poll.cookies
    assert "private" in poll["Cache-Control"]


def test_bell_stops_polling_when_signed_out(client, db):
    response = client.get(BELL, **HTMX)
    assert response.status_code == 286
    assert response["HX-Reswap"] == "none"
    assert response.content == b""


def test_bell_without_htmx_when_signed_out_goes_to_login(client, db):
    response = client.get(BELL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
