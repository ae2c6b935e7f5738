"""visible_to has two SQL shapes (small and large scopes) selecting exactly the same rows."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives import permissions
from directives.models import Assignment, Role, Unit, UnitKind
from tests.factories import (
    AssignmentFactory,
    DirectiveFactory,
    DocumentFactory,
    UnitFactory,
    member,
)


def expected(user) -> set[int]:
    """The rule of domain.md §6, evaluated in Python."""
    membership = user.membership
    unit = membership.unit
    if membership.role == Role.LEADER:
        inside = {u.pk for u in Unit.objects.all() if u.path.startswith(unit.path)}
    else:
        inside = {unit.pk}
    assigner = membership.role == Role.LEADER
    return {
        a.pk
        for a in Assignment.objects.select_related("directive__document").prefetch_related(
            "coordinating_units"
        )
        if a.lead_unit_id in inside
        or inside & {u.pk for u in a.coordinating_units.all()}
        # Leaders of the assigning body see every assignment of its documents.
        or (assigner and a.directive.document.issuing_unit_id in inside)
        # Staff follow the parts their unit handed down.
        or (not assigner and a.assigned_by_unit_id == unit.pk)
    }


@pytest.fixture
def tree(db):
    rng = random.Random(7)
    root = UnitFactory(kind=UnitKind.PROVINCE)
    districts = [UnitFactory(parent=root) for _ in range(4)]
    communes = [UnitFactory(parent=rng.choice(districts)) for _ in range(16)]
    units = [root, *districts, *communes]
    directive = DirectiveFactory()
    for _ in range(60):
        AssignmentFactory(
            directive=directive,
            lead_unit=rng.choice(units),
            coordinating=rng.sample(units, rng.randrange(0, 3)),
        )
    # Parts a district handed down to its communes (sub-assignments): its staff follow them.
    parent = AssignmentFactory(directive=directive, lead_unit=districts[1])
    below = [c for c in communes if c.parent_id == districts[1].pk] or communes
    for _ in range(6):
        AssignmentFactory(
            directive=directive,
            lead_unit=rng.choice(below),
            parent=parent,
            assigned_by_unit=districts[1],
        )
    # A district's own document, given to units anywhere: its leaders see all of it.
    own = DirectiveFactory(document=DocumentFactory(issuing_unit=districts[0]))
    for _ in range(8):
        AssignmentFactory(directive=own, lead_unit=rng.choice(units))
    return root, districts, communes


@pytest.mark.parametrize("share", [0.0, 1.01])  # every scope large / every scope small
def test_both_shapes_select_the_same_assignments(tree, monkeypatch, share):
    monkeypatch.setattr(permissions, "LARGE_SCOPE_SHARE", share)
    root, districts, communes = tree
    users = [
        member(root, Role.LEADER),
        member(districts[0], Role.LEADER),
        member(communes[0], Role.LEADER),
        member(districts[1], Role.STAFF),
        member(communes[1], Role.STAFF),
    ]
    for user in users:
        for narrowed in (False, True):  # narrowed: checked row by row, as the dashboard does
            visible = Assignment.objects.visible_to(user, narrowed=narrowed)
            pks = list(visible.values_list("pk", flat=True))
            assert len(pks) == len(set(pks)), "no row twice"
            assert set(pks) == expected(user)
        # `within`: the ids collected branch by branch, each already narrowed (the calendar).
        # Every other row, so the range holds some of each kind (handed-down parts included).
        chosen = set(sorted(Assignment.objects.values_list("pk", flat=True))[::2])
        within = Q(pk__in=chosen)
        visible = Assignment.objects.filter(within).visible_to(user, within=within)
        pks = list(visible.values_list("pk", flat=True))
        assert len(pks) == len(set(pks)), "no row twice"
        assert set(pks) == expected(user) & chosen
        if user.membership.unit == districts[1]:
            parts = Assignment.objects.filter(assigned_by_unit=districts[1])
            handed_down = set(parts.values_list("pk", flat=True))
            assert set(pks) & handed_down, "the range holds parts the unit handed down"


def test_scope_size_decides_the_shape(tree):
    root, districts, communes = tree
    # 21 units: the root holds all of them, a commune 1/21 (above 2 %) — both large here.
    assert permissions._large_scope(member(root, Role.LEADER).membership)
    for _ in range(40):
        UnitFactory(parent=root)
    small = member(communes[2], Role.LEADER)
    assert not permissions._large_scope(small.membership)


def test_home_query_count_does_not_grow_with_the_data(client, staff_user, assignment):
    client.force_login(staff_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("home")).status_code == 200
        return len(queries)

    few = count()
    for _ in range(30):
        AssignmentFactory(lead_unit=assignment.lead_unit, directive=assignment.directive)
    assert count() == few


def test_standing_order_is_overdue_then_due_soon_then_by_deadline(db):
    """The index-friendly keys give the order of the standing rank (domain.md §3)."""
    import datetime as dt

    from directives.models import Standing, Status

    rng = random.Random(3)
    on = dt.date(2021, 3, 1)
    directive = DirectiveFactory()
    unit = UnitFactory()
    for _ in range(40):
        done = rng.random() < 0.4
        AssignmentFactory(
            directive=directive,
            lead_unit=unit,
            deadline=None
            if rng.random() < 0.25
            else on + dt.timedelta(days=rng.randrange(-20, 20)),
            status=Status.DONE if done else rng.choice([Status.NOT_STARTED, Status.IN_PROGRESS]),
            completed_on=on if done else None,
        )
    rank = {Standing.OVERDUE: 0, Standing.DUE_SOON: 1, Standing.WITHIN: 2, Standing.NO_DEADLINE: 2}

    def key(a):
        return (rank.get(a.standing(on=on), 3), a.deadline is None, a.deadline or on, a.pk)

    ordered = list(Assignment.objects.standing_order(on=on))
    assert [a.pk for a in ordered] == [a.pk for a in sorted(ordered, key=key)]


@pytest.mark.parametrize("share", [0.0, 1.01])  # every scope large / every scope small
def test_home_lists_the_first_visible_rows_in_standing_order_whatever_the_shape(
    client, tree, monkeypatch, share
):
    """A small scope's home page orders the collected ids alone, then joins a page of them; a
    large one walks the order: both show the same first rows as the plain query."""
    import datetime as dt

    from django.utils import timezone

    from directives.views.home import LIMIT

    monkeypatch.setattr(permissions, "LARGE_SCOPE_SHARE", share)
    root, districts, communes = tree
    rng = random.Random(11)
    today = timezone.localdate()
    for a in Assignment.objects.all():  # deadlines spread around today, some missing
        a.deadline = None if rng.random() < 0.2 else today + dt.timedelta(rng.randrange(-30, 30))
        a.save(update_fields=["deadline"])
    users = [
        member(root, Role.LEADER),
        member(districts[0], Role.LEADER),
        member(districts[1], Role.STAFF),
    ]
    for user in users:
        assert permissions.collects_visible_ids(user) == (
            user.membership.role == Role.STAFF or share > 1
        )
        client.force_login(user)
        shown = [a.pk for a in client.get(reverse("home")).context["assignments"]]
        expected_rows = Assignment.objects.visible_to(user).standing_order(on=today)
        assert shown == list(expected_rows.values_list("pk", flat=True)[:LIMIT])
        assert shown, "the page lists something"
