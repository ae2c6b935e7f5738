"""The API's read endpoints: the same scoping and filters as the pages, keyset pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from directives import actions
from directives.models import ApiToken, Status
from tests.factories import AssignmentFactory, DirectiveFactory

pytestmark = pytest.mark.django_db


def test_list_shows_only_what_the_user_may_see(api_for, staff_user, unrelated_user, assignment):
    assert [r["id"] for r in api_for(staff_user).get("/api/v1/assignments/").json()["results"]] == [
        assignment.pk
    ]
    assert api_for(unrelated_user).get("/api/v1/assignments/").json()["results"] == []


def test_detail_of_an_assignment_not_visible_is_404(api_for, unrelated_user, assignment):
    response = api_for(unrelated_user).get(f"/api/v1/assignments/{assignment.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_list_filters_mean_what_the_page_filters_mean(
    api_for, leader_user, assignment, document, lead_unit, coordinating_unit
):
    other = AssignmentFactory(
        directive=DirectiveFactory(document=document), lead_unit=coordinating_unit
    )
    actions.transition(other, "start", user=None, note="", acting_as="lead")
    client = api_for(leader_user)
    by_status = client.get("/api/v1/assignments/", {"status": Status.IN_PROGRESS}).json()
    assert [r["id"] for r in by_status["results"]] == [other.pk]
    by_unit = client.get("/api/v1/assignments/", {"unit": lead_unit.pk}).json()
    assert [r["id"] for r in by_unit["results"]] == [assignment.pk]
    # The page's list would show the same rows for the same filter.
    page = Client()
    page.force_login(leader_user)
    html = page.get("/assignments/", {"status": Status.IN_PROGRESS}).content.decode()
    assert f"/assignments/{other.pk}/" in html and f"/assignments/{assignment.pk}/" not in html


def test_overdue_assignments_of_a_unit(api_for, leader_user, assignment, lead_unit):
    # The fixture's deadline (9/2/2021) has passed: overdue, as the README's curl lists.
    response = api_for(leader_user).get(
        "/api/v1/assignments/", {"unit": lead_unit.pk, "standing": "overdue"}
    )
    assert [r["id"] for r in response.json()["results"]] == [assignment.pk]
    assert response.json()["results"][0]["standing"] == "overdue"


def test_keyset_pages_walk_every_row_once(api_for, leader_user, document, lead_unit):
    made = [
        AssignmentFactory(directive=DirectiveFactory(document=document), lead_unit=lead_unit).pk
        for _ in range(5)
    ]
    client = api_for(leader_user)
    seen, url = [], "/api/v1/assignments/?limit=2"
    while url:
        page = client.get(url).json()
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert seen == sorted(made)


def test_list_by_directive_takes_any_visible_one_and_refuses_others(
    api_for, staff_user, assignment, lead_unit, other_unit
):
    # The API checks the one directive asked for; it offers no list of the newest ones, so an
    # old directive filters as well as a new one.
    older = [AssignmentFactory(directive=DirectiveFactory(), lead_unit=lead_unit) for _ in range(3)]
    client = api_for(staff_user)
    for row in [assignment, *older]:
        found = client.get("/api/v1/assignments/", {"directive": row.directive_id}).json()
        assert [r["id"] for r in found["results"]] == [row.pk]
    theirs = AssignmentFactory(lead_unit=other_unit)
    response = client.get("/api/v1/assignments/", {"directive": theirs.directive_id})
    assert response.status_code == 400
    assert "directive" in response.json()["errors"]


@pytest.mark.parametrize(
    "query,field",
    [
        ({"status": "nonsense"}, "status"),
        ({"standing": "x"}, "standing"),
        ({"limit": "0"}, "limit"),
        ({"limit": "²"}, "limit"),
        ({"after": "-1"}, "after"),
        ({"unit": str(10**30)}, "unit"),
        ({"directive": "999999"}, "directive"),
    ],
)
def test_bad_list_parameter_is_400_naming_it(api_for, staff_user, assignment, query, field):
    response = api_for(staff_user).get("/api/v1/assignments/", query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_detail_has_the_timeline_with_files(api_for, staff_user, assignment):
    from tests.evidence_files import upload

    actions.record_progress_with_files(
        assignment, user=staff_user, note="Có biên bản", percent=40, files=[upload("bb.pdf")]
    )
    body = api_for(staff_user).get(f"/api/v1/assignments/{assignment.pk}/").json()
    entry = body["timeline"][0]
    assert entry["kind"] == "progress" and entry["text"] == "Có biên bản"
    assert entry["percent"] == 40 and entry["files"][0]["name"] == "bb.pdf"


def test_documents_directives_units(api_for, staff_user, unrelated_user, assignment, document):
    client = api_for(staff_user)
    assert [d["id"] for d in client.get("/api/v1/documents/").json()["results"]] == [document.pk]
    assert client.get(f"/api/v1/documents/{document.pk}/").status_code == 200
    assert [d["id"] for d in client.get("/api/v1/directives/").json()["results"]] == [
        assignment.directive_id
    ]
    assert api_for(unrelated_user).get(f"/api/v1/documents/{document.pk}/").status_code == 404
    assert len(client.get("/api/v1/units/").json()["results"]) == 4


def test_calendar_resolver_reads_a_phrase(api_for, staff_user):
    response = api_for(staff_user).get(
        "/api/v1/calendar/resolve/", {"phrase": "trước Tết Nguyên đán 2021"}
    )
    assert response.json()["date"] == "2021-02-09"
    bad = api_for(staff_user).get("/api/v1/calendar/resolve/", {"phrase": "khi nào xong"})
    assert bad.status_code == 400 and "phrase" in bad.json()["errors"]


def test_dashboard_counts_as_of_a_date(api_for, leader_user, staff_user, assignment, document):
    client = api_for(leader_user)
    today = dt.date.today()
    now = client.get("/api/v1/dashboard/", {"doc": document.pk}).json()
    # As of a day before the assignment existed, the history holds nothing to count.
    before = client.get(
        "/api/v1/dashboard/",
        {"doc": document.pk, "on": (today - dt.timedelta(days=1)).strftime("%d/%m/%Y")},
    ).json()
    assert now["on"] == today.isoformat() and now["counts"]["total"] == 1
    assert now["counts"]["overdue_unfinished"] == 1 and now["rate"] == 0
    assert [d["id"] for d in now["directives"]] == [assignment.directive_id]
    assert now["directives"][0]["counts"]["total"] == 1
    assert before["counts"]["total"] == 0
    future = client.get("/api/v1/dashboard/", {"on": (today + dt.timedelta(9)).isoformat()})
    assert future.status_code == 400 and "on" in future.json()["errors"]
    assert api_for(staff_user).get("/api/v1/dashboard/").status_code == 403


def test_no_token_is_401_and_a_revoked_token_too(api_for, staff_user, assignment):
    assert Client().get("/api/v1/assignments/").status_code == 401
    client = api_for(staff_user)
    token = ApiToken.objects.get(user=staff_user)
    actions.revoke_api_token(staff_user, token.pk)
    response = client.get("/api/v1/assignments/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_signed_in_browser_reads_with_its_session(staff_user, assignment):
    client = Client()
    client.force_login(staff_user)
    assert client.get("/api/v1/assignments/").status_code == 200


def test_nul_in_a_parameter_is_a_json_400(api_for, staff_user):
    response = api_for(staff_user).get("/api/v1/assignments/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
