"""Search says its scope (issue 13, item 7): when the user's scope hides matches, the page says
results are limited to what they may see, never how many are hidden, and the typing hint does
not promise a match the result contradicts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AssignmentFactory, DirectiveFactory

URL = reverse("search_results")
REGION = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "search-results"}
SCOPE_NOTE = "Kết quả chỉ gồm những nhiệm vụ bạn được xem."
HINT = "“tet tan suu” tìm được “Tết Tân Sửu”"


@pytest.fixture
def tet_elsewhere(document, other_unit):
    """A directive about the Kỳ Yên festival whose only assignment is another unit's."""
    directive = DirectiveFactory(document=document, title="Tổ chức lễ hội Kỳ Yên ở các xã ven biển")
    AssignmentFactory(directive=directive, lead_unit=other_unit)
    return directive


def _get(client, user, **extra):
    client.force_login(user)
    return client.get(URL, {"q": "ky yen"}, **extra)


def test_staff_whose_unit_sees_none_of_the_matches_is_told_the_scope(
    client, staff_user, assignment, tet_elsewhere
):
    html = _get(client, staff_user).content.decode()
    assert SCOPE_NOTE in html
    assert "Không tìm thấy kết quả nào cho “ky yen” trong những gì bạn được xem." in html
    assert HINT not in html  # the hint would read as if it had worked
    assert "Kỳ Yên" not in html.split('id="search-results"')[1]  # nothing hidden leaks


def test_scope_note_and_hint_follow_the_htmx_region(client, staff_user, assignment, tet_elsewhere):
    html = _get(client, staff_user, **REGION).content.decode()
    assert SCOPE_NOTE in html
    assert 'id="search-hint" class="muted small" hx-swap-oob="true"></p>' in html


def test_no_scope_note_when_nothing_is_hidden(client, staff_user, assignment):
    directive = assignment.directive
    directive.title = "Lễ hội Kỳ Yên"
    directive.save()
    html = _get(client, staff_user).content.decode()
    assert "<mark>Kỳ</mark>" in html
    assert SCOPE_NOTE not in html
    assert HINT in html


def test_scope_note_beside_visible_results_when_more_are_hidden(
    client, staff_user, assignment, tet_elsewhere
):
    directive = assignment.directive
    directive.title = "Lễ hội Kỳ Yên ở đơn vị mình"
    directive.save()
    html = _get(client, staff_user).content.decode()
    assert "<mark>Kỳ</mark>" in html
    assert SCOPE_NOTE in html
    assert HINT in html


def test_no_scope_note_for_those_who_see_everything(client, inspector_user, tet_elsewhere):
    html = _get(client, inspector_user).content.decode()
    assert SCOPE_NOTE not in html
    assert "<mark>Kỳ</mark>" in html


def test_no_scope_note_when_nothing_matches_anywhere(client, staff_user, assignment):
    client.force_login(staff_user)
    html = client.get(URL, {"q": "bau cu quoc hoi"}).content.decode()
    assert SCOPE_NOTE not in html
    assert "Không tìm thấy kết quả nào cho “bau cu quoc hoi”." in html


def test_scope_check_costs_one_query_whatever_is_hidden(
    client, staff_user, assignment, document, other_unit, tet_elsewhere
):
    client.force_login(staff_user)
    client.get(URL, {"q": "ky yen"})  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"q": "ky yen"})
    for _ in range(5):
        directive = DirectiveFactory(document=document, title="Lễ hội Kỳ Yên nữa")
        AssignmentFactory(directive=directive, lead_unit=other_unit)
    client.get(URL, {"q": "ky yen"})  # the first search after writes makes the data versions anew
    with CaptureQueriesContext(connection) as many:
        client.get(URL, {"q": "ky yen"})
    assert len(many) == len(few)
    assert sum("EXISTS" in q["sql"].upper() or "LIMIT 1" in q["sql"].upper() for q in few) >= 1
