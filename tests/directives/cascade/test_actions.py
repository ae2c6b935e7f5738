"""Handing parts of an assignment down, and the parent's "done" rule."""

from __future__ import annotations

import datetime as dt

import pytest

from directives import actions, permissions
from directives.cascade.actions import SplitRefused, split_assignment
from directives.models import Action, DeadlineChange, Notification, Status
from tests.factories import member

D = dt.date
DUE = dt.date(2021, 2, 5)  # before the parent's 09/02/2021


def split(parent, user, unit, deadline=DUE, **kw):
    return split_assignment(
        parent,
        user=user,
        expected_result=kw.pop("expected_result", "Tặng quà hộ nghèo"),
        deadline=deadline,
        basis=f"Trước ngày {deadline:%d/%m/%Y}" if deadline else "",
        lead_unit=unit,
        **kw,
    )


def test_split_creates_a_part_signed_off_by_the_lead_unit(parent, district_leader, commune_a):
    commune_user = member(commune_a)
    child = split(parent, district_leader, commune_a)
    assert child.parent == parent
    assert child.lead_unit == commune_a
    assert child.assigned_by_unit == parent.lead_unit
    assert child.directive == parent.directive
    assert child.depth == 1
    assert child.deadline == D(2021, 2, 5)
    # Its first deadline is in its history, its creation in the audit trail with the reason.
    assert child.deadline_changes.get().kind == DeadlineChange.Kind.INITIAL
    assert "Giao tiếp từ nhiệm vụ" in child.history.earliest().history_change_reason
    assert Notification.objects.filter(recipient=commune_user, assignment=child).exists()
    # The district's leader signs it off, not the province's.
    assert permissions.is_assigner(district_leader, child)
    province_leader = member(parent.directive.document.issuing_unit, "leader")
    assert not permissions.is_assigner(province_leader, child)


def test_split_to_a_named_member_keeps_the_lead_unit(parent, district_leader, district_staff):
    child = split_assignment(
        parent,
        user=district_leader,
        expected_result="Tổng hợp báo cáo",
        deadline=D(2021, 2, 1),
        responsible_user=district_staff,
    )
    assert child.lead_unit == parent.lead_unit
    assert child.responsible_user == district_staff
    assert child.contact_person == district_staff.get_full_name()


def test_split_refuses_a_deadline_after_the_parents(parent, district_leader, commune_a):
    with pytest.raises(SplitRefused, match="không được sau thời hạn"):
        split(parent, district_leader, commune_a, deadline=D(2021, 2, 10))
    assert not parent.children.exists()


def test_split_needs_a_deadline_when_the_parent_has_one(parent, district_leader, commune_a):
    with pytest.raises(SplitRefused, match="hãy nêu thời hạn"):
        split(parent, district_leader, commune_a, deadline=None)


def test_split_goes_only_below_the_lead_unit(parent, district_leader, other_unit):
    with pytest.raises(SplitRefused, match="trực thuộc"):
        split(parent, district_leader, other_unit)
    with pytest.raises(SplitRefused, match="trực thuộc"):
        split(parent, district_leader, parent.lead_unit)


def test_staff_split_only_where_the_unit_allows(parent, district_staff, commune_a):
    assert not permissions.can_split(district_staff, parent)
    with pytest.raises(actions.PermissionDenied):
        split(parent, district_staff, commune_a)
    parent.lead_unit.staff_may_split = True
    parent.lead_unit.save()
    assert permissions.can_split(district_staff, parent)
    assert split(parent, district_staff, commune_a).assigned_by_unit == parent.lead_unit


def test_nobody_else_splits(parent, leader_user, commune_staff, inspector_user, admin_user):
    for user in (leader_user, commune_staff, inspector_user, admin_user):
        assert not permissions.can_split(user, parent)


def test_parts_split_again_to_any_depth(parent, district_leader, commune_a):
    child = split(parent, district_leader, commune_a)
    section = type(commune_a).objects.create(name="Chi bộ ấp 1", kind="agency", parent=commune_a)
    commune_leader = member(commune_a, "leader")
    grandchild = split(child, commune_leader, section, deadline=D(2021, 2, 1))
    assert grandchild.depth == 2
    assert grandchild.assigned_by_unit == commune_a
    # The grandchild's deadline is bounded by its own parent's.
    with pytest.raises(SplitRefused):
        split(child, commune_leader, section, deadline=D(2021, 2, 8))


def test_parent_cannot_be_reported_done_with_open_parts(
    parent, district_leader, district_staff, commune_a, commune_b
):
    done_part = split(parent, district_leader, commune_a)
    open_part = split(parent, district_leader, commune_b)
    actions.transition(done_part, Action.REPORT_DONE, user=None, note="", acting_as="lead")
    actions.transition(done_part, Action.CONFIRM, user=district_leader, note="", confirm_below=True)
    with pytest.raises(actions.TransitionError, match="Còn 1 nhiệm vụ con"):
        actions.transition(parent, Action.REPORT_DONE, user=district_staff, note="Xong")
    parent.refresh_from_db()
    assert parent.status == Status.IN_PROGRESS
    # Closing the open part needs a reason; with one, the parent may be reported done.
    with pytest.raises(actions.TransitionError, match="lý do"):
        actions.transition(open_part, Action.SUSPEND, user=district_leader, note=" ")
    actions.transition(
        open_part, Action.SUSPEND, user=district_leader, note="Xã đã sáp nhập, không thực hiện"
    )
    actions.transition(parent, Action.REPORT_DONE, user=district_staff, note="Xong")
    parent.refresh_from_db()
    assert parent.status == Status.AWAITING_SIGNOFF


def test_a_reopened_part_stops_the_province_confirming_the_parent(
    parent, district_leader, district_staff, leader_user, commune_a
):
    part = split(parent, district_leader, commune_a)
    actions.transition(part, Action.REPORT_DONE, user=None, note="", acting_as="lead")
    actions.transition(part, Action.CONFIRM, user=district_leader, note="", confirm_below=True)
    actions.transition(parent, Action.REPORT_DONE, user=district_staff, note="Xong")
    actions.transition(part, Action.REOPEN, user=district_leader, note="Còn thiếu 10 hộ")
    with pytest.raises(actions.TransitionError, match="Còn 1 nhiệm vụ con"):
        actions.transition(parent, Action.CONFIRM, user=leader_user, note="", confirm_below=True)
    parent.refresh_from_db()
    assert parent.status == Status.AWAITING_SIGNOFF
