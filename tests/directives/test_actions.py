"""Extension requests, their decisions, and urging."""

from __future__ import annotations

import datetime as dt

import pytest

from directives import actions
from directives.models import ExtensionRequest, Notification, TransitionError


def test_extension_request_stays_pending(assignment, staff_user):
    request = actions.request_extension(
        assignment, user=staff_user, new_deadline=dt.date(2021, 3, 1), reason="Chờ số liệu"
    )
    assert request.state == ExtensionRequest.State.PENDING
    assignment.refresh_from_db()
    assert assignment.deadline == dt.date(2021, 2, 9)


def test_extension_must_be_later_than_current_deadline(assignment, staff_user):
    with pytest.raises(TransitionError):
        actions.request_extension(
            assignment, user=staff_user, new_deadline=dt.date(2021, 2, 9), reason="x"
        )
    assert not ExtensionRequest.objects.exists()


def test_coordinating_staff_cannot_request_extension(assignment, coordinating_user):
    with pytest.raises(actions.PermissionDenied):
        actions.request_extension(
            assignment, user=coordinating_user, new_deadline=dt.date(2021, 3, 1), reason="x"
        )
    assert not ExtensionRequest.objects.exists()


def test_approval_moves_deadline_keeps_original_and_counts(assignment, staff_user, leader_user):
    actions.set_deadline(
        assignment, deadline=dt.date(2021, 2, 9), basis="Trước Tết", kind="initial"
    )
    request = actions.request_extension(
        assignment, user=staff_user, new_deadline=dt.date(2021, 3, 1), reason="Chờ số liệu"
    )
    actions.decide_extension(request, user=leader_user, approve=True)
    assignment.refresh_from_db()
    assert assignment.deadline == dt.date(2021, 3, 1)
    assert assignment.original_deadline == dt.date(2021, 2, 9)
    assert assignment.extension_count == 1


def test_refusal_needs_a_reason_and_keeps_deadline(assignment, staff_user, leader_user):
    request = actions.request_extension(
        assignment, user=staff_user, new_deadline=dt.date(2021, 3, 1), reason="x"
    )
    with pytest.raises(TransitionError):
        actions.decide_extension(request, user=leader_user, approve=False, note=" ")
    actions.decide_extension(request, user=leader_user, approve=False, note="Không có cơ sở")
    assignment.refresh_from_db()
    assert assignment.deadline == dt.date(2021, 2, 9)
    assert assignment.extension_count == 0


def test_staff_cannot_decide_extension(assignment, staff_user):
    request = actions.request_extension(
        assignment, user=staff_user, new_deadline=dt.date(2021, 3, 1), reason="x"
    )
    with pytest.raises(actions.PermissionDenied):
        actions.decide_extension(request, user=staff_user, approve=True)
    request.refresh_from_db()
    assert request.state == ExtensionRequest.State.PENDING


def test_urge_notifies_lead_unit_members(assignment, staff_user, leader_user):
    actions.urge(assignment, user=leader_user, message="Đề nghị khẩn trương hoàn thành")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [staff_user.pk]


def test_unit_leader_outside_cannot_urge(assignment, unit_leader):
    with pytest.raises(actions.PermissionDenied):
        actions.urge(assignment, user=unit_leader, message="x")
    assert not Notification.objects.exists()
