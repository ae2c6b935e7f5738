"""The status rules of domain.md §3, tested where they live."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from directives import actions
from directives.models import (
    Action,
    Actor,
    Assignment,
    ReportGroup,
    Standing,
    Status,
    TransitionError,
    headline_rate,
    standing_for,
)

D = dt.date


def test_headline_rate_matches_government_report_vector():
    # Report 1270/BC-TCTTTg: 16,051 completed, 223 overdue-unfinished.
    assert headline_rate(16_051, 223) == Decimal("98.63")


def test_headline_rate_is_none_when_nothing_fell_due():
    assert headline_rate(0, 0) is None


def test_headline_rate_is_completed_over_completed_and_overdue():
    # Not-yet-due work is no input here; tests/directives/views/test_dashboard_rules.py
    # (test_headline_rate_ignores_not_yet_due) checks the dashboard leaves it out.
    assert headline_rate(3, 1) == Decimal("75.00")


@pytest.mark.parametrize(
    ("completed", "overdue", "rate"),
    [
        (29, 3, "90.63"),  # 90.625, a tie: half up (half even would give 90.62)
        (1, 31, "3.13"),  # 3.125
        (1, 159, "0.63"),  # 0.625
        (5, 27, "15.63"),  # 15.625
        (1, 79, "1.25"),  # exact
        (1, 2, "33.33"),
        (2, 1, "66.67"),
        (16_051, 223, "98.63"),  # 98.6297…
    ],
)
def test_headline_rate_rounds_half_up_to_two_decimals(completed, overdue, rate):
    assert headline_rate(completed, overdue) == Decimal(rate)


@pytest.mark.parametrize(
    ("deadline", "on", "expected"),
    [
        (D(2021, 2, 9), D(2021, 1, 4), Standing.WITHIN),
        (D(2021, 2, 9), D(2021, 2, 4), Standing.DUE_SOON),
        (D(2021, 2, 9), D(2021, 2, 9), Standing.DUE_SOON),
        (D(2021, 2, 9), D(2021, 2, 10), Standing.OVERDUE),
        (None, D(2021, 2, 10), Standing.NO_DEADLINE),
    ],
)
def test_standing_for_unfinished_depends_on_date(deadline, on, expected):
    assert standing_for(status=Status.IN_PROGRESS, deadline=deadline, completed_on=None, on=on) == (
        expected
    )


def test_standing_due_soon_threshold_is_a_setting(settings):
    settings.TRACKER_DUE_SOON_DAYS = 10
    on, deadline = D(2021, 1, 30), D(2021, 2, 9)
    assert standing_for(status=Status.IN_PROGRESS, deadline=deadline, completed_on=None, on=on) == (
        Standing.DUE_SOON
    )


def test_standing_done_on_time_and_late_by_completion_date():
    deadline = D(2020, 12, 31)
    on_time = standing_for(
        status=Status.DONE, deadline=deadline, completed_on=deadline, on=D(2026, 1, 1)
    )
    late = standing_for(
        status=Status.DONE, deadline=deadline, completed_on=D(2021, 1, 1), on=D(2026, 1, 1)
    )
    assert (on_time, late) == (Standing.DONE_ON_TIME, Standing.DONE_LATE)


def test_with_standing_in_sql_agrees_with_python(assignment, today):
    rows = {
        "within": (D(2021, 3, 1), Status.NOT_STARTED, None, None),
        "soon": (D(2021, 1, 6), Status.IN_PROGRESS, None, None),
        "overdue": (D(2021, 1, 1), Status.AWAITING_SIGNOFF, None, D(2021, 1, 2)),
        "awaiting": (D(2021, 1, 1), Status.AWAITING_SIGNOFF, None, D(2021, 1, 1)),
        "awaiting_none": (None, Status.AWAITING_SIGNOFF, None, D(2021, 1, 1)),
        "none": (None, Status.IN_PROGRESS, None, None),
        "done_ok": (D(2021, 1, 1), Status.DONE, D(2020, 12, 30), None),
        "done_late": (D(2020, 12, 1), Status.DONE, D(2020, 12, 30), None),
    }
    created = []
    for deadline, status, completed, reported in rows.values():
        created.append(
            Assignment.objects.create(
                directive=assignment.directive,
                lead_unit=assignment.lead_unit,
                deadline=deadline,
                status=status,
                completed_on=completed,
                reported_done_on=reported,
            )
        )
    annotated = {
        a.pk: a.standing_value
        for a in Assignment.objects.filter(pk__in=[c.pk for c in created]).with_standing(on=today)
    }
    assert [annotated[c.pk] for c in created] == [c.standing(on=today) for c in created]
    assert set(annotated.values()) == set(Standing.values)
    groups = {
        a.pk: a.report_group_value
        for a in Assignment.objects.filter(pk__in=[c.pk for c in created]).with_standing(on=today)
    }
    assert [groups[c.pk] for c in created] == [c.report_group(on=today) for c in created]


def test_report_groups_split_fallen_due_from_not_yet_due(assignment, today):
    assignment.deadline = D(2021, 3, 1)
    assert assignment.report_group(on=today) == ReportGroup.NOT_YET_DUE
    assert assignment.report_group(on=D(2021, 3, 2)) == ReportGroup.OVERDUE_UNFINISHED


def test_overdue_queryset_excludes_done(assignment, today):
    assignment.deadline = D(2021, 1, 1)
    assignment.save()
    assert list(Assignment.objects.overdue(on=today)) == [assignment]
    Assignment.objects.filter(pk=assignment.pk).update(status=Status.DONE, completed_on=today)
    assert list(Assignment.objects.overdue(on=today)) == []


@pytest.mark.parametrize(
    ("status", "action", "actor", "expected"),
    [
        (Status.NOT_STARTED, Action.START, Actor.LEAD, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Action.REPORT_DONE, Actor.LEAD, Status.AWAITING_SIGNOFF),
        (Status.AWAITING_SIGNOFF, Action.CONFIRM, Actor.ASSIGNER, Status.DONE),
        (Status.AWAITING_SIGNOFF, Action.REFUSE, Actor.ASSIGNER, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Action.SUSPEND, Actor.ASSIGNER, Status.SUSPENDED),
        (Status.SUSPENDED, Action.RESUME, Actor.ASSIGNER, Status.IN_PROGRESS),
    ],
)
def test_allowed_transition_moves_status(status, action, actor, expected):
    assignment = Assignment(status=status)
    assignment.apply_transition(action, actor=actor, on=D(2021, 1, 4))
    assert assignment.status == expected


@pytest.mark.parametrize(
    ("status", "action", "actor"),
    [
        (Status.NOT_STARTED, Action.CONFIRM, Actor.ASSIGNER),
        (Status.DONE, Action.START, Actor.LEAD),
        (Status.IN_PROGRESS, Action.CONFIRM, Actor.LEAD),
        (Status.AWAITING_SIGNOFF, Action.CONFIRM, Actor.LEAD),
        (Status.NOT_STARTED, Action.START, Actor.ASSIGNER),
        (Status.NOT_STARTED, Action.START, None),
        (Status.DONE, Action.SUSPEND, Actor.ASSIGNER),
        (Status.NOT_STARTED, "explode", Actor.LEAD),
    ],
)
def test_forbidden_transition_raises_and_keeps_status(status, action, actor):
    assignment = Assignment(status=status)
    with pytest.raises(TransitionError):
        assignment.apply_transition(action, actor=actor, on=D(2021, 1, 4))
    assert assignment.status == status


def test_refusal_marks_redo_and_confirmation_clears_it():
    assignment = Assignment(status=Status.AWAITING_SIGNOFF)
    assignment.apply_transition(Action.REFUSE, actor=Actor.ASSIGNER, on=D(2021, 1, 4))
    assert assignment.redo
    assignment.apply_transition(Action.REPORT_DONE, actor=Actor.LEAD, on=D(2021, 1, 5))
    assignment.apply_transition(Action.CONFIRM, actor=Actor.ASSIGNER, on=D(2021, 1, 8))
    assert not assignment.redo


def test_completion_date_is_the_reported_date_not_the_signoff():
    assignment = Assignment(status=Status.IN_PROGRESS, deadline=D(2020, 12, 31))
    assignment.apply_transition(Action.REPORT_DONE, actor=Actor.LEAD, on=D(2020, 12, 30))
    assignment.apply_transition(Action.CONFIRM, actor=Actor.ASSIGNER, on=D(2021, 1, 4))
    assert assignment.completed_on == D(2020, 12, 30)
    assert assignment.standing(on=D(2021, 1, 4)) == Standing.DONE_ON_TIME


def test_constraint_requires_completion_date_iff_done(assignment):
    assignment.status = Status.DONE
    with pytest.raises(ValidationError):
        assignment.full_clean()


def test_constraint_refuses_percent_over_100(assignment):
    assignment.percent = 101
    with pytest.raises(ValidationError):
        assignment.full_clean()


def test_transition_action_writes_history_and_bumps_version(assignment, staff_user):
    version = assignment.version
    update = actions.transition(assignment, Action.START, user=staff_user, note="Bắt đầu")
    assignment.refresh_from_db()
    assert (update.status_before, update.status_after) == (Status.NOT_STARTED, Status.IN_PROGRESS)
    assert assignment.status == Status.IN_PROGRESS
    assert assignment.version == version + 1


def test_coordinating_staff_cannot_move_workflow(assignment, coordinating_user):
    with pytest.raises(TransitionError):
        actions.transition(assignment, Action.START, user=coordinating_user, note="x")
    assignment.refresh_from_db()
    assert assignment.status == Status.NOT_STARTED
    assert assignment.updates.count() == 0


def test_assigner_leader_confirms_completion(assignment, staff_user, leader_user):
    actions.transition(assignment, Action.REPORT_DONE, user=staff_user, note="Xong")
    actions.transition(
        assignment, Action.CONFIRM, user=leader_user, note="Đồng ý", confirm_below=True
    )
    assignment.refresh_from_db()
    assert assignment.status == Status.DONE


def test_stale_version_is_refused(assignment, staff_user):
    version = assignment.version
    actions.record_progress(assignment, user=staff_user, note="Một", percent=10)
    with pytest.raises(actions.VersionConflict):
        actions.record_progress(
            assignment, user=staff_user, note="Hai", percent=20, expected_version=version
        )
    assert assignment.updates.count() == 1
