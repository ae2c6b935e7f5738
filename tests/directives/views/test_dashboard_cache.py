"""The dashboard region is kept in the shared cache and reused only while its data is unchanged.

Every write a dashboard can show — through the actions, the admin's saves or a bulk queryset
write — must give the next request a fresh picture; a region must never reach another session.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directives import actions
from directives.models import Assignment, Status
from tests.directives.views.test_leader import counts, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    from tests import demo_snapshot

    demo_snapshot.seed()


def _get(client: Client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"), params)
    assert response.status_code == 200
    return response, len(queries)


def _region(response) -> bytes:
    """The dashboard region of a full page (the page around it carries a fresh CSP nonce)."""
    content = response.content
    return content[content.index(b'<div id="dashboard"') : content.index(b"</main>")]


def _overdue_one() -> Assignment:
    today = timezone.localdate()
    return (
        Assignment.objects.exclude(status=Status.DONE)
        .filter(deadline__lt=today)
        .order_by("pk")
        .first()
    )


def test_a_repeated_request_reuses_the_region(demo):
    client = signed_in(Client())
    client.get(reverse("dashboard"))  # first visit: sets the CSRF cookie
    first, cold = _get(client)
    second, warm = _get(client)
    assert _region(second) == _region(first)
    assert warm < cold
    # On a reuse the dashboard reads no assignment at all.
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboard"))
    assert not [q for q in queries if "directives_assignment" in q["sql"]]


def test_an_action_shows_at_once(demo):
    client = signed_in(Client())
    client.get(reverse("dashboard"))
    before, _ = _get(client)
    # The election task, reported done on time, awaits sign-off: not overdue.
    assert counts(before)["overdue_unfinished"] == 6
    actions.set_deadline(
        _overdue_one(),
        deadline=timezone.localdate() + dt.timedelta(days=60),
        basis="Gia hạn khi thử",
        kind="extension",
    )
    after, _ = _get(client)
    assert counts(after)["overdue_unfinished"] == 5
    assert counts(after)["not_yet_due"] == 2


def test_a_bulk_update_shows_at_once(demo):
    client = signed_in(Client())
    client.get(reverse("dashboard"))
    _get(client)
    # The overdue list shows each item's expected result.
    Assignment.objects.filter(pk=_overdue_one().pk).update(expected_result="Kết quả sửa hàng loạt")
    after, _ = _get(client)
    assert "Kết quả sửa hàng loạt" in after.content.decode()


def test_a_unit_renamed_in_the_admin_shows_at_once(demo):
    client = signed_in(Client())
    client.get(reverse("dashboard"))
    before, _ = _get(client)
    unit = _overdue_one().lead_unit
    assert unit.name in before.content.decode()
    unit.name = "Đơn vị đổi tên khi thử"
    unit.save()
    after, _ = _get(client)
    assert "Đơn vị đổi tên khi thử" in after.content.decode()


def test_a_region_is_never_served_to_another_session(demo):
    """A region holds its session's CSRF token: another session, even of the same leader,
    computes its own (and an inspector, who may not decide, gets no decision forms)."""
    first, second = signed_in(Client()), signed_in(Client())
    for client in (first, second):
        client.get(reverse("dashboard"))
    _get(first)
    with CaptureQueriesContext(connection) as queries:
        client_page = second.get(reverse("dashboard"))
    assert [q for q in queries if "directives_assignment" in q["sql"]]
    assert _region(client_page) != _region(_get(first)[0])  # different CSRF tokens
    inspector = signed_in(Client(), "kiemtra")
    inspector.get(reverse("dashboard"))
    page, _ = _get(inspector)
    assert b"/decide/" not in page.content


def test_other_dates_and_filters_are_separate_regions(demo):
    client = signed_in(Client())
    client.get(reverse("dashboard"))
    today, _ = _get(client)
    past, _ = _get(client, on="2021-02-09")
    assert counts(today) != counts(past)
    assert counts(_get(client)[0]) == counts(today)


def test_without_a_cache_the_dashboard_and_writes_go_on(demo, monkeypatch):
    """A cache outage (Redis down) costs speed, never a page or a write."""
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    client = signed_in(Client())
    client.get(reverse("dashboard"))
    for name in ("get", "set", "add"):
        monkeypatch.setattr(cache, name, down)
    page, _ = _get(client)
    assert counts(page)["overdue_unfinished"] == 6
    actions.set_deadline(
        _overdue_one(),
        deadline=timezone.localdate() + dt.timedelta(days=60),
        basis="Gia hạn khi thử",
        kind="extension",
    )
    assert counts(_get(client)[0])["overdue_unfinished"] == 5


def test_each_answer_says_whether_it_reused_the_region(demo):
    client = signed_in(Client())
    client.get(reverse("dashboard"))  # sets the CSRF cookie
    first, _ = _get(client)
    second, _ = _get(client)
    assert (first["X-Region-Cache"], second["X-Region-Cache"]) == ("miss", "hit")


def test_the_region_cache_can_be_switched_off(demo, settings):
    client = signed_in(Client())
    client.get(reverse("dashboard"))
    cached, _ = _get(client)
    settings.DASHBOARD_REGION_CACHE = False
    first, cold = _get(client)
    second, again = _get(client)
    assert (first["X-Region-Cache"], second["X-Region-Cache"]) == ("off", "off")
    assert again == cold  # computed each time, not read from the cache

    def numbers(response) -> bytes:  # the region without its freshly masked CSRF tokens
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", _region(response))

    assert numbers(second) == numbers(first) == numbers(cached)
