"""No double counting: parts never change what the assigning body counts (issue 17)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict

from directives import actions, aggregates
from directives.cascade.actions import split_assignment
from directives.leaders.dashboard import Dashboard
from directives.leaders.reporting import build_report
from directives.models import Action, Assignment

D = dt.date
DUE = dt.date(2021, 2, 5)  # before the parent's 09/02/2021
ON = D(2021, 2, 8)


def split(parent, user, unit, deadline=DUE):
    return split_assignment(
        parent, user=user, expected_result="Phần việc", deadline=deadline, lead_unit=unit
    )


def totals(user, document, on=None, **filters):
    """The dashboard's totals for `user`, today (the test data has no earlier history) or on."""
    query = QueryDict(mutable=True)
    query.update({"doc": str(document.pk), **filters})
    if on:
        query["on"] = on.isoformat()
    return Dashboard(build_report(user, query)).totals


def test_parts_never_change_the_assigning_bodys_counts(
    parent, district_leader, leader_user, province, commune_a, commune_b, board
):
    document = parent.directive.document
    before_tally = aggregates.report_counts(province, on=ON)
    before_dashboard = totals(leader_user, document).values.copy()
    parts = [split(parent, district_leader, unit) for unit in (commune_a, commune_b, board)]
    # Parts move through their workflow: done, late and open; none of it reaches the province.
    actions.transition(parts[0], Action.REPORT_DONE, user=None, note="", acting_as="lead")
    actions.transition(parts[0], Action.CONFIRM, user=district_leader, note="", confirm_below=True)
    actions.transition(parts[1], Action.START, user=None, note="", acting_as="lead")
    assert aggregates.report_counts(province, on=ON) == before_tally
    assert aggregates.report_counts(commune_a, on=ON)["total"] == 0
    assert totals(leader_user, document).values == before_dashboard
    assert before_dashboard["total"] == 1
    assert aggregates.differences() == []  # check_aggregates agrees


def test_the_assigning_unit_counts_what_it_handed_down(
    parent, district_leader, district, commune_a, commune_b, board
):
    document = parent.directive.document
    assert totals(district_leader, document)["total"] == 1  # its own assignment, not split
    for unit in (commune_a, commune_b, board):
        split(parent, district_leader, unit)
    counts = totals(district_leader, document)
    # Three parts in place of the one assignment, all due 05/02/2021, so overdue today.
    assert counts["total"] == 3
    assert counts["overdue_unfinished"] == 3


def test_a_unit_below_counts_what_reached_it_not_what_it_handed_on(
    parent, district_leader, commune_a
):
    from directives.models import Role, Unit
    from tests.factories import member

    document = parent.directive.document
    part = split(parent, district_leader, commune_a)
    commune_leader = member(commune_a, Role.LEADER)
    assert totals(commune_leader, document)["total"] == 1
    hamlet = Unit.objects.create(name="Chi bộ ấp 2", kind="agency", parent=commune_a)
    split(part, commune_leader, hamlet, deadline=D(2021, 2, 1))
    split(part, commune_leader, hamlet, deadline=D(2021, 2, 2))
    assert totals(commune_leader, document)["total"] == 2  # the two it handed down
    assert totals(district_leader, document)["total"] == 1  # still its one part


@pytest.mark.django_db
def test_demo_province_counts_one_assignment_and_nam_can_three(settings):
    from django.contrib.auth import get_user_model

    from directives.demo import seed

    seeder = seed(other_documents=True)
    users = get_user_model().objects
    directive = seeder.directives["5"]
    filters = {"directive": str(directive.pk)}
    province = totals(users.get(username="lanhdao"), seeder.document, on=ON, **filters)
    top_level = Assignment.objects.filter(directive=directive, parent=None).count()
    assert province["total"] == top_level  # Năm Căn's Tết assignment once, its parts not at all
    assert Assignment.objects.filter(directive=directive).count() == top_level + 3
    namcan = totals(users.get(username="lanhdaonamcan"), seeder.document, on=ON, **filters)
    assert namcan["total"] == 3
    assert namcan["overdue_unfinished"] == 1  # Đất Mới is late
    assert namcan["done_on_time"] == 2
