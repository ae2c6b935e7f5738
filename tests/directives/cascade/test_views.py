"""The split page and the parent's roll-up on the assignment page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives import actions
from directives.cascade.actions import split_assignment
from directives.cascade.rollup import rollup
from directives.models import Action, Assignment, DeadlineChange, Unit

D = dt.date
DUE = dt.date(2021, 2, 5)  # before the parent's 09/02/2021
TODAY = D(2021, 2, 8)


def split(parent, user, unit, deadline=DUE, result="Phần việc"):
    return split_assignment(
        parent, user=user, expected_result=result, deadline=deadline, lead_unit=unit
    )


def test_rollup_counts_done_overdue_and_the_mean_percent(
    parent, district_leader, commune_a, commune_b, board
):
    done = split(parent, district_leader, commune_a)
    late = split(parent, district_leader, commune_b)
    closed = split(parent, district_leader, board, deadline=D(2021, 1, 20))
    actions.transition(done, Action.REPORT_DONE, user=None, note="", acting_as="lead")
    actions.transition(done, Action.CONFIRM, user=district_leader, note="", confirm_below=True)
    actions.record_progress(late, user=None, note="Một nửa", percent=50, trusted=True)
    actions.transition(closed, Action.SUSPEND, user=district_leader, note="Không còn đối tượng")
    figures = rollup(parent, on=TODAY)
    assert (figures.total, figures.done, figures.closed, figures.open) == (3, 1, 1, 1)
    assert figures.overdue == 1  # the late one; the closed one is not overdue work
    assert figures.mean_percent == Decimal("75.0")  # (100 + 50) / 2, the closed part left out
    assert figures.late_deadlines == []


def test_rollup_warns_when_a_parts_deadline_passes_the_parents(
    parent, district_leader, commune_a, client
):
    part = split(parent, district_leader, commune_a)
    # The parent's deadline was corrected to an earlier day after the split.
    actions.set_deadline(
        parent,
        deadline=D(2021, 2, 1),
        basis="Trước ngày 01/02/2021",
        kind=DeadlineChange.Kind.EDIT,
    )
    assert rollup(parent, on=TODAY).late_deadlines == [part]
    client.force_login(district_leader)
    page = client.get(reverse("assignment_detail", args=[parent.pk])).content.decode()
    assert "1 phần việc có thời hạn sau thời hạn của nhiệm vụ (01/02/2021)." in page


def test_split_page_creates_a_part_from_a_deadline_phrase(
    parent, district_leader, commune_a, client
):
    client.force_login(district_leader)
    url = reverse("assignment_split", args=[parent.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "target": f"unit:{commune_a.pk}",
            "expected_result": "Tặng quà hộ nghèo xã A",
            "deadline": "trong tháng 01/2021",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    child = parent.children.get()
    assert (child.lead_unit, child.deadline) == (commune_a, D(2021, 1, 31))
    page = client.get(url).content.decode()
    assert "Tặng quà hộ nghèo xã A" in page and "Đã giao phần việc cho Đảng ủy xã A." in page


def test_split_page_refuses_a_deadline_after_the_parents_in_vietnamese(
    parent, district_leader, commune_a, client
):
    client.force_login(district_leader)
    response = client.post(
        reverse("assignment_split", args=[parent.pk]),
        {"target": f"unit:{commune_a.pk}", "expected_result": "Tặng quà", "deadline": "20/02/2021"},
    )
    assert response.status_code == 200
    assert (
        "Thời hạn phần việc (20/02/2021) không được sau thời hạn của nhiệm vụ cấp trên "
        "(09/02/2021)." in response.content.decode()
    )
    assert "Tặng quà" in response.content.decode()  # what was typed stays
    assert not parent.children.exists()


def test_split_page_refuses_a_unit_outside_the_lead_unit(
    parent, district_leader, other_unit, client
):
    client.force_login(district_leader)
    response = client.post(
        reverse("assignment_split", args=[parent.pk]),
        {"target": f"unit:{other_unit.pk}", "expected_result": "X", "deadline": "01/02/2021"},
    )
    assert response.status_code == 200 and not parent.children.exists()
    assert "không thuộc đơn vị chủ trì" in response.content.decode()


def test_split_page_is_for_those_who_may_split(parent, district_staff, leader_user, client):
    url = reverse("assignment_split", args=[parent.pk])
    client.force_login(district_staff)
    assert client.get(url).status_code == 403
    client.force_login(leader_user)  # the province's leader: sees it, does not split it
    assert client.get(url).status_code == 403


def test_parts_appear_in_their_units_lists_and_link_back(
    parent, district_leader, commune_a, commune_staff, client
):
    part = split(parent, district_leader, commune_a, result="Phần việc của xã A")
    client.force_login(commune_staff)
    assert "Phần việc của xã A" in client.get(reverse("assignment_list")).content.decode()
    # The commune's staff do not see the district's assignment: no link to it.
    page = client.get(reverse("assignment_detail", args=[part.pk])).content.decode()
    assert "Phần việc của nhiệm vụ:" not in page
    client.force_login(district_leader)
    page = client.get(reverse("assignment_detail", args=[part.pk])).content.decode()
    assert "Phần việc của nhiệm vụ:" in page


def _parent_page_queries(client, parent) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("assignment_detail", args=[parent.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_parent_page_costs_the_same_with_2_or_200_parts(
    parent, district_leader, commune_a, client
):
    client.force_login(district_leader)
    for _ in range(2):
        split(parent, district_leader, commune_a)
    with_two = _parent_page_queries(client, parent)
    units = Unit.objects.bulk_create(
        Unit(name=f"Chi bộ {i}", kind="agency", parent=commune_a, path=f"{commune_a.path}x{i}/")
        for i in range(198)
    )
    Assignment.objects.bulk_create(
        Assignment(
            directive=parent.directive,
            lead_unit=unit,
            parent=parent,
            assigned_by_unit=parent.lead_unit,
            depth=1,
            deadline=DUE,
        )
        for unit in units
    )
    assert parent.children.count() == 200
    assert _parent_page_queries(client, parent) == with_two
    assert _parent_page_queries(client, parent) == with_two  # not a warm cache's doing
