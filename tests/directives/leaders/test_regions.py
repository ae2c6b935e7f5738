"""Cached regions of the leaders' pages expire only where a write can show (issue 14, item 6).

Two districts of one province, each issuing and leading one document: a write in one district
must give its leaders, the province's and the central body's a fresh overview at once, and leave
the other district's cached overview — and the other document's dashboard — in place.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directives import actions
from directives.models import Role
from tests.factories import AssignmentFactory, DirectiveFactory, UnitFactory, member

pytestmark = pytest.mark.django_db
CACHE = "X-Region-Cache"


@pytest.fixture
def tree():
    center = UnitFactory(name="Trung ương")
    province = UnitFactory(name="Tỉnh", parent=center)
    north, south = (UnitFactory(name=n, parent=province) for n in ("Huyện Bắc", "Huyện Nam"))
    work = {}
    for district in (north, south):
        directive = DirectiveFactory(document__issuing_unit=district)
        work[district.name] = AssignmentFactory(directive=directive, lead_unit=district)
    leaders = {unit.name: member(unit, Role.LEADER) for unit in (center, province, north, south)}
    return {"units": (center, province, north, south), "work": work, "leaders": leaders}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _overview(client: Client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response


def _region(response) -> bytes:
    """The overview region (the page around it carries a fresh CSP nonce)."""
    content = response.content
    return content[content.index(b'<div id="overview"') : content.index(b"</main>")]


def _extend(assignment) -> None:
    actions.set_deadline(
        assignment,
        deadline=timezone.localdate() + dt.timedelta(days=30),
        basis="Gia hạn khi thử",
        kind="extension",
    )


def test_the_overview_is_reused_until_something_it_shows_changes(tree):
    client = _client(tree["leaders"]["Huyện Nam"])
    first = _overview(client)
    with CaptureQueriesContext(connection) as queries:
        second = _overview(client)
    assert (first[CACHE], second[CACHE]) == ("miss", "hit")
    assert not [q for q in queries if "directives_assignment" in q["sql"]]
    _extend(tree["work"]["Huyện Nam"])
    third = _overview(client)
    assert third[CACHE] == "miss"
    assert _region(third) != _region(second)  # overdue before, not yet due now


def test_a_write_in_one_district_leaves_the_other_districts_overview_in_place(tree):
    clients = {name: _client(user) for name, user in tree["leaders"].items()}
    before = {name: _overview(client) for name, client in clients.items()}
    _extend(tree["work"]["Huyện Bắc"])
    after = {name: _overview(client) for name, client in clients.items()}
    assert after["Huyện Nam"][CACHE] == "hit"
    assert _region(after["Huyện Nam"]) == _region(before["Huyện Nam"])
    for above in ("Huyện Bắc", "Tỉnh", "Trung ương"):  # the district and every unit above it
        assert after[above][CACHE] == "miss", above
        assert _region(after[above]) != _region(before[above]), above


def test_an_inspector_sees_every_write_at_once(tree):
    center = tree["units"][0]
    client = _client(member(center, Role.INSPECTOR))
    _overview(client)
    assert _overview(client)[CACHE] == "hit"
    _extend(tree["work"]["Huyện Nam"])
    assert _overview(client)[CACHE] == "miss"


def test_a_write_to_one_document_leaves_the_other_documents_dashboard_in_place(tree):
    client = _client(tree["leaders"]["Tỉnh"])
    client.get(reverse("dashboard"))  # sets the CSRF cookie the dashboard's region is kept by
    north, south = (tree["work"][n].directive.document_id for n in ("Huyện Bắc", "Huyện Nam"))

    def dashboard(document_id: int):
        return client.get(reverse("dashboard"), {"doc": document_id})

    dashboard(north), dashboard(south)
    _extend(tree["work"]["Huyện Bắc"])
    assert dashboard(south)[CACHE] == "hit"
    assert dashboard(north)[CACHE] == "miss"


def test_a_new_coordinating_unit_expires_its_leaders_overview(tree):
    south = tree["units"][3]
    client = _client(tree["leaders"]["Huyện Nam"])
    _overview(client)
    assert _overview(client)[CACHE] == "hit"
    tree["work"]["Huyện Bắc"].coordinating_units.add(south)
    assert _overview(client)[CACHE] == "miss"


def test_signing_in_expires_no_region(tree):
    client = _client(tree["leaders"]["Huyện Nam"])
    _overview(client)
    other = Client()
    other.force_login(tree["leaders"]["Huyện Bắc"])  # records the sign-in time on the user
    assert _overview(client)[CACHE] == "hit"


def test_a_unit_renamed_expires_every_region(tree):
    client = _client(tree["leaders"]["Huyện Nam"])
    _overview(client)
    north = tree["units"][2]
    north.name = "Huyện Bắc mới"
    north.save()  # structure: not worth working out whose pages show it
    assert _overview(client)[CACHE] == "miss"


def test_a_new_release_renders_afresh(tree, monkeypatch):
    """A deployment's templates or translations must show at once, not after the next write."""
    from directives.leaders import regions

    client = _client(tree["leaders"]["Huyện Nam"])
    _overview(client)
    assert _overview(client)[CACHE] == "hit"
    monkeypatch.setattr(regions, "release", lambda: "the next release")
    assert _overview(client)[CACHE] == "miss"


def test_the_release_changes_with_a_template(tmp_path, settings):
    from directives.leaders import regions

    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("Đến ngày")
    settings.BASE_DIR = tmp_path
    regions.release.cache_clear()
    try:
        first = regions.release()
        page.write_text("Đến ngày (cuối tuần)")
        regions.release.cache_clear()
        assert regions.release() != first
    finally:
        regions.release.cache_clear()


def test_a_forged_document_id_is_answered_but_not_kept(tree):
    client = _client(tree["leaders"]["Tỉnh"])
    client.get(reverse("dashboard"))  # the CSRF cookie
    response = client.get(reverse("dashboard"), {"doc": "9" * 400})
    assert response.status_code in (200, 400, 404)
    assert response[CACHE] == "off"  # no cache key made of the forged value


def test_work_moved_to_another_unit_leaves_the_old_units_overview_too(tree):
    """Where it was must expire as well as where it goes (a reassignment in the admin)."""
    center, province, north, south = tree["units"]
    # Issued by the province, so only its lead unit ties it to a district.
    work = AssignmentFactory(directive__document__issuing_unit=province, lead_unit=north)
    clients = {name: _client(tree["leaders"][name]) for name in ("Huyện Bắc", "Huyện Nam")}
    before = {name: _overview(client) for name, client in clients.items()}
    work.lead_unit = south
    work.save()
    for name, client in clients.items():
        after = _overview(client)
        assert after[CACHE] == "miss", name
        assert _region(after) != _region(before[name]), name
