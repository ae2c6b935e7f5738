"""The picture as of a date, rebuilt from the recorded history (domain.md §3)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count
from django.utils import timezone

from directives import actions
from directives.models import (
    Action,
    Actor,
    Assignment,
    DeadlineChange,
    ReportGroup,
    Standing,
    Status,
)
from tests.factories import AssignmentFactory

D = dt.date
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def as_of(assignment: Assignment, on: dt.date) -> Assignment:
    return Assignment.objects.filter(pk=assignment.pk).as_of(on).get()


def move(assignment, action, day, hour=10, note="x"):
    actor = Actor.ASSIGNER if action in (Action.CONFIRM, Action.REFUSE) else Actor.LEAD
    actions.transition(
        assignment,
        action,
        user=None,
        note=note,
        at=at(day, hour),
        acting_as=actor,
        confirm_below=True,
    )


def with_deadline(assignment, deadline, day=None, basis="Trước Tết"):
    day = day or D(2020, 11, 18)
    actions.set_deadline(
        assignment, deadline=deadline, basis=basis, kind=DeadlineChange.Kind.INITIAL, at=at(day)
    )
    return assignment


def test_as_of_status_is_the_one_recorded_that_day(assignment):
    with_deadline(assignment, D(2021, 2, 9))
    move(assignment, Action.START, D(2020, 12, 1))
    move(assignment, Action.REPORT_DONE, D(2021, 2, 5))
    move(assignment, Action.CONFIRM, D(2021, 2, 8))
    seen = {on: as_of(assignment, on) for on in [D(2020, 11, 30), D(2020, 12, 1), D(2021, 2, 6)]}
    assert [a.asof_status for a in seen.values()] == [
        Status.NOT_STARTED,
        Status.IN_PROGRESS,
        Status.AWAITING_SIGNOFF,
    ]
    done = as_of(assignment, D(2021, 2, 8))
    assert (done.asof_status, done.asof_completed_on, done.standing_value) == (
        Status.DONE,
        D(2021, 2, 5),
        Standing.DONE_ON_TIME,
    )


def test_as_of_counts_a_change_made_late_in_the_day_for_that_day(assignment):
    with_deadline(assignment, D(2021, 2, 9))
    move(assignment, Action.START, D(2020, 12, 1), hour=23)
    assert as_of(assignment, D(2020, 12, 1)).asof_status == Status.IN_PROGRESS
    assert as_of(assignment, D(2020, 11, 30)).asof_status == Status.NOT_STARTED


def test_as_of_before_an_extension_shows_the_deadline_then_and_overdue(
    assignment, staff_user, leader_user
):
    with_deadline(assignment, D(2020, 12, 31))
    request = actions.request_extension(
        assignment,
        user=staff_user,
        new_deadline=D(2021, 1, 31),
        reason="Chờ số liệu",
        at=at(D(2021, 1, 3)),
    )
    actions.decide_extension(request, user=leader_user, approve=True, at=at(D(2021, 1, 5)))
    before = as_of(assignment, D(2021, 1, 4))
    after = as_of(assignment, D(2021, 1, 5))
    assert (before.asof_deadline, before.standing_value, before.asof_extensions) == (
        D(2020, 12, 31),
        Standing.OVERDUE,
        0,
    )
    assert (after.asof_deadline, after.standing_value, after.asof_extensions) == (
        D(2021, 1, 31),
        Standing.WITHIN,
        1,
    )


def test_as_of_before_any_deadline_was_set_has_none(assignment):
    Assignment.objects.filter(pk=assignment.pk).update(deadline=None, deadline_basis="")
    assignment.refresh_from_db()
    with_deadline(assignment, D(2021, 2, 9), day=D(2020, 11, 20))
    record = actions.record_progress
    record(assignment, user=None, note="Bắt đầu", percent=5, at=at(D(2020, 11, 19)), trusted=True)
    early = as_of(assignment, D(2020, 11, 19))
    assert (early.asof_deadline, early.asof_basis, early.standing_value) == (
        None,
        "",
        Standing.NO_DEADLINE,
    )


def test_as_of_percent_and_note_come_from_the_latest_update_then(assignment):
    with_deadline(assignment, D(2021, 2, 9))
    for day, percent, note in [
        (D(2020, 12, 1), 30, "Một phần ba"),
        (D(2021, 1, 5), 80, "Gần xong"),
    ]:
        actions.record_progress(
            assignment, user=None, note=note, percent=percent, at=at(day), trusted=True
        )
    values = [(a.asof_percent, a.asof_note) for a in [as_of(assignment, D(2020, 12, 20))]]
    assert values == [(30, "Một phần ba")]
    assert as_of(assignment, D(2020, 11, 25)).asof_percent == 0
    assert as_of(assignment, D(2021, 1, 6)).asof_percent == 80


def test_as_of_marks_redo_after_a_refusal_until_confirmed(assignment):
    with_deadline(assignment, D(2021, 2, 9))
    move(assignment, Action.REPORT_DONE, D(2021, 1, 4))
    move(assignment, Action.REFUSE, D(2021, 1, 6), note="Thiếu số liệu")
    move(assignment, Action.REPORT_DONE, D(2021, 1, 20))
    move(assignment, Action.CONFIRM, D(2021, 1, 25))
    redo = [
        as_of(assignment, day).asof_redo for day in [D(2021, 1, 5), D(2021, 1, 7), D(2021, 1, 25)]
    ]
    assert redo == [False, True, False]


def test_as_of_leaves_out_assignments_not_yet_recorded(assignment):
    with_deadline(assignment, D(2021, 2, 9), day=D(2020, 11, 18))
    Assignment.objects.filter(pk=assignment.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 1, 1))
    )
    assert not Assignment.objects.filter(pk=assignment.pk).as_of(D(2020, 11, 17)).exists()
    assert Assignment.objects.filter(pk=assignment.pk).as_of(D(2020, 11, 18)).exists()


def test_as_of_without_history_uses_the_stored_values(db):
    stored = AssignmentFactory(
        deadline=D(2020, 12, 31), status=Status.DONE, completed_on=D(2021, 1, 4), percent=100
    )
    seen = as_of(stored, timezone.localdate())
    assert (seen.asof_status, seen.asof_deadline, seen.asof_percent, seen.standing_value) == (
        Status.DONE,
        D(2020, 12, 31),
        100,
        Standing.DONE_LATE,
    )


def test_as_of_today_reproduces_every_stored_value_of_the_demo(demo):
    """The history read up to today gives back every stored column (which is why `as_of` of
    today may read the columns instead)."""
    today = timezone.localdate()
    mismatches = [
        a.pk
        for a in Assignment.objects.as_of(today, from_history=True)
        if (
            a.asof_status,
            a.asof_redo,
            a.asof_percent,
            a.asof_deadline,
            a.asof_basis,
            a.asof_extensions,
            a.asof_completed_on,
        )
        != (
            a.status,
            a.redo,
            a.percent,
            a.deadline,
            a.deadline_basis,
            a.extension_count,
            a.completed_on,
        )
    ]
    assert Assignment.objects.count() == 25
    assert mismatches == []


ASOF_FIELDS = (
    "asof_status",
    "asof_redo",
    "asof_percent",
    "asof_deadline",
    "asof_basis",
    "asof_extensions",
    "asof_reported_on",
    "asof_completed_on",
    "asof_last_update",
    "asof_since",
    "asof_note",
    "asof_note_at",
    "standing_value",
    "report_group_value",
)


@pytest.mark.parametrize("days_ahead", [0, 30])
def test_as_of_today_from_the_columns_equals_the_history(demo, days_ahead):
    """Today (and a day to come, as a period's end) `as_of` reads the stored columns; the demo's
    every assignment — reported, signed off, refused, reopened, extended, split — shows the same
    values and groups as a read of the history."""
    on = timezone.localdate() + dt.timedelta(days=days_ahead)
    stored = {a["pk"]: a for a in Assignment.objects.as_of(on).values("pk", *ASOF_FIELDS)}
    history = {
        a["pk"]: a
        for a in Assignment.objects.as_of(on, from_history=True).values("pk", *ASOF_FIELDS)
    }
    assert len(stored) == Assignment.objects.count()
    assert stored == history


def groups_on(on: dt.date) -> dict[str, int]:
    rows = Assignment.objects.as_of(on).values_list("report_group_value").annotate(n=Count("pk"))
    return dict(rows.order_by())


def test_demo_as_of_the_last_working_day_before_tet_differs_from_today(demo):
    tet = groups_on(D(2021, 2, 9))
    now = groups_on(timezone.localdate())
    assert tet == {
        ReportGroup.DONE_ON_TIME: 17,
        ReportGroup.DONE_LATE: 1,
        ReportGroup.OVERDUE_UNFINISHED: 5,
        ReportGroup.NOT_YET_DUE: 2,
    }
    # The election task was reported done on 21/05/2021, before its 22/05 deadline: while it
    # waits for the leader it is not overdue, and stays outside the rate (not yet due).
    assert now == {
        ReportGroup.DONE_ON_TIME: 17,
        ReportGroup.DONE_LATE: 1,
        ReportGroup.OVERDUE_UNFINISHED: 6,
        ReportGroup.NOT_YET_DUE: 1,
    }


def test_demo_before_the_document_was_assigned_shows_nothing(demo):
    assert groups_on(D(2020, 11, 17)) == {}
    assert sum(groups_on(D(2020, 11, 18)).values()) == 25
