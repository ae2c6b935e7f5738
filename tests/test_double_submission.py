"""Double submission and the "someone else saved first" page (issue 13, item 6).

- The conflict page names whoever wrote the latest update, and renders when nobody did (seeded
  or system history, a deleted account) — on every form that has one, on both databases.
- Eight members of the lead unit sending an extension request at once (PostgreSQL, threads):
  one is saved, the seven others get the conflict page, none a server error.
- Two quick "renew calendar address" clicks: one active address afterwards, no server error
  (threads on PostgreSQL, one after the other on SQLite).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from directives import actions
from directives.models import CalendarFeed, ExtensionRequest, ProgressUpdate, Role
from tests.factories import AssignmentFactory, UnitFactory, member
from tests.test_concurrency import THREADS, requires_postgresql, run_together

CONFLICT = "Chưa lưu: nhiệm vụ vừa được người khác cập nhật"


def _authorless_update(assignment, *, unit=None):
    """History written by nobody in particular: seeded data, or an account since deleted."""
    return ProgressUpdate.objects.create(
        assignment=assignment, author=None, unit=unit, note="Số liệu nhập từ báo cáo cũ", percent=10
    )


FORMS = {
    "assignment_progress": lambda v: {
        "progress-note": "Cập nhật",
        "progress-percent": "50",
        "progress-version": v,
    },
    "assignment_start": lambda v: {"start-version": v},
    "assignment_report_done": lambda v: {"report-note": "Xong", "report-version": v},
    "assignment_extension": lambda v: {
        "extension-new_deadline": "30/06/2031",
        "extension-reason": "Chờ số liệu",
        "extension-version": v,
    },
}


@pytest.mark.parametrize("url_name", FORMS)
@pytest.mark.parametrize("writer", ["nobody", "a deleted account", "a person"])
def test_conflict_page_renders_whoever_wrote_the_latest_update(
    client, assignment, staff_user, url_name, writer
):
    stale = assignment.version
    if writer == "a person":
        actions.record_progress(assignment, user=staff_user, note="Người khác lưu", percent=30)
    else:
        someone = member(assignment.lead_unit, Role.STAFF)
        actions.record_progress(assignment, user=someone, note="Người khác lưu", percent=30)
        if writer == "a deleted account":
            someone.delete()
        else:
            _authorless_update(assignment)
    client.force_login(staff_user)
    before = (ProgressUpdate.objects.count(), ExtensionRequest.objects.count())
    response = client.post(reverse(url_name, args=[assignment.pk]), FORMS[url_name](stale))
    assert response.status_code == 200
    html = response.content.decode()
    assert CONFLICT in html
    expected = {
        "nobody": "Hệ thống",
        "a deleted account": assignment.lead_unit.name,
        "a person": staff_user.get_full_name() or staff_user.username,
    }[writer]
    assert f"Cập nhật mới nhất của {expected}" in html
    assert (ProgressUpdate.objects.count(), ExtensionRequest.objects.count()) == before


@pytest.fixture
def crowd(transactional_db, settings, tmp_path):
    """An assignment whose latest update has no author, and eight members of its lead unit."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    unit = UnitFactory(name="Đơn vị đông người")
    assignment = AssignmentFactory(lead_unit=unit)
    _authorless_update(assignment)
    users = [member(unit, Role.STAFF) for _ in range(THREADS)]
    return assignment, users


@requires_postgresql
def test_eight_extension_requests_at_once_one_saved_seven_conflict_pages(crowd):
    assignment, users = crowd
    url = reverse("assignment_extension", args=[assignment.pk])
    data = FORMS["assignment_extension"](assignment.version)
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)

    def send(client):
        response = client.post(url, data)
        return response.status_code, CONFLICT in response.content.decode()

    results = run_together(send, clients)
    assert sorted(results) == [(200, True)] * (THREADS - 1) + [(302, False)], results
    assert ExtensionRequest.objects.filter(assignment=assignment).count() == 1


@requires_postgresql
def test_quick_renew_clicks_at_once_leave_one_active_address(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = member(UnitFactory(), Role.STAFF)
    actions.renew_calendar_feed(user)
    clients = []
    for _ in range(THREADS):
        client = Client()
        client.force_login(user)
        clients.append(client)
    url = reverse("calendar_subscription_renew")
    results = run_together(lambda c: c.post(url).status_code, clients)
    assert results == [302] * THREADS, results
    assert CalendarFeed.objects.active().filter(user=user).count() == 1
    assert CalendarFeed.objects.filter(user=user).count() == 1 + THREADS

    revoke = reverse("calendar_subscription_revoke")
    results = run_together(lambda c: c.post(revoke).status_code, clients)
    assert results == [302] * THREADS, results
    assert not CalendarFeed.objects.active().filter(user=user).exists()


def test_renew_twice_then_revoke_twice_one_after_the_other(client, staff_user):
    client.force_login(staff_user)
    for _ in range(2):
        assert client.post(reverse("calendar_subscription_renew")).status_code == 302
    assert CalendarFeed.objects.active().filter(user=staff_user).count() == 1
    first = client.post(reverse("calendar_subscription_revoke"), follow=True)
    assert "Đã thu hồi địa chỉ đăng ký lịch" in first.content.decode()
    second = client.post(reverse("calendar_subscription_revoke"), follow=True)
    assert "Bạn không có địa chỉ đăng ký lịch nào đang dùng" in second.content.decode()
    assert not CalendarFeed.objects.active().filter(user=staff_user).exists()
