"""Awaiting sign-off judged by the reported date, and the sign-off safeguards (issue 13, 3–4):
the rule (`standing_for`), its SQL (`with_standing`, `overdue`), the history (`as_of`), the
maintained counts, and confirm below 100 %, undo and reopen."""

from __future__ import annotations

import datetime as dt
import importlib
import types
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from directives import actions, aggregates
from directives.audit import assignment_audit
from directives.models import (
    Action,
    Actor,
    Assignment,
    ProgressUpdate,
    ReportGroup,
    Role,
    Standing,
    Status,
    TransitionError,
    standing_for,
)
from tests.factories import AssignmentFactory, member

D = dt.date
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = D(2021, 1, 10)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def as_of(assignment: Assignment, on: dt.date) -> Assignment:
    return Assignment.objects.filter(pk=assignment.pk).as_of(on).get()


def stored(assignment: Assignment, on: dt.date) -> Assignment:
    return Assignment.objects.filter(pk=assignment.pk).with_standing(on=on).get()


def reported(assignment, day, *, user=None, percent=None):
    """Started on 02/01, optionally a percent, then reported done on `day`."""
    actions.transition(
        assignment, Action.START, user=user, note="", at=at(D(2021, 1, 2)), acting_as=Actor.LEAD
    )
    if percent is not None:
        actions.record_progress(
            assignment, user=user, note="x", percent=percent, at=at(D(2021, 1, 3)), trusted=True
        )
    actions.transition(
        assignment, Action.REPORT_DONE, user=user, note="Xong", at=at(day), acting_as=Actor.LEAD
    )
    return assignment


@pytest.fixture
def work(db):
    return AssignmentFactory(deadline=DEADLINE)


@pytest.fixture
def issuing(db, work):
    from tests.factories import UnitFactory

    unit = UnitFactory(name="Tỉnh giao việc")
    document = work.directive.document
    document.issuing_unit = unit
    document.save()
    return unit


@pytest.fixture
def assigner(issuing):
    return member(issuing, Role.LEADER)


# --- the rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reported_on", "expected"),
    [
        (DEADLINE, Standing.AWAITING),  # reported on the deadline day: on time
        (DEADLINE + dt.timedelta(days=1), Standing.OVERDUE),  # the day after: late
    ],
)
@pytest.mark.parametrize("on", [DEADLINE + dt.timedelta(days=1), D(2021, 6, 1)])
def test_standing_for_awaiting_is_judged_by_the_reported_date(reported_on, expected, on):
    standing = standing_for(
        status=Status.AWAITING_SIGNOFF,
        deadline=DEADLINE,
        completed_on=None,
        reported_on=reported_on,
        on=on,
    )
    assert standing == expected


def test_standing_for_awaiting_without_deadline_is_awaiting_in_the_no_deadline_group():
    work = Assignment(status=Status.AWAITING_SIGNOFF, deadline=None, reported_done_on=DEADLINE)
    assert work.standing(on=D(2030, 1, 1)) == Standing.AWAITING
    assert work.report_group(on=D(2030, 1, 1)) == ReportGroup.NO_DEADLINE


def test_awaiting_on_time_with_a_deadline_is_not_yet_due():
    work = Assignment(status=Status.AWAITING_SIGNOFF, deadline=DEADLINE, reported_done_on=DEADLINE)
    assert work.report_group(on=D(2021, 3, 1)) == ReportGroup.NOT_YET_DUE


def test_awaiting_with_unknown_report_date_keeps_the_ordinary_rule():
    standing = standing_for(
        status=Status.AWAITING_SIGNOFF,
        deadline=DEADLINE,
        completed_on=None,
        reported_on=None,
        on=D(2021, 3, 1),
    )
    assert standing == Standing.OVERDUE


# --- stored values, SQL and history agree ----------------------------------------------------


@pytest.mark.parametrize(
    ("report_day", "waiting", "group"),
    [
        (DEADLINE, Standing.AWAITING, ReportGroup.NOT_YET_DUE),
        (DEADLINE + dt.timedelta(days=1), Standing.OVERDUE, ReportGroup.OVERDUE_UNFINISHED),
    ],
)
def test_python_sql_and_as_of_agree_between_report_and_signoff(work, report_day, waiting, group):
    reported(work, report_day)
    signoff = D(2021, 2, 1)
    days = [report_day + dt.timedelta(days=n) for n in range((signoff - report_day).days)]
    for on in days:
        row, then = stored(work, on), as_of(work, on)
        assert work.standing(on=on) == waiting, on
        assert (row.standing_value, row.report_group_value) == (waiting, group), on
        assert (then.standing_value, then.report_group_value) == (waiting, group), on
        assert then.asof_reported_on == report_day
    overdue = Assignment.objects.overdue(on=D(2021, 1, 20)).filter(pk=work.pk).exists()
    assert overdue == (waiting == Standing.OVERDUE)
    actions.transition(
        work,
        Action.CONFIRM,
        user=None,
        note="",
        at=at(signoff),
        acting_as=Actor.ASSIGNER,
        confirm_below=True,
    )
    done = Standing.DONE_ON_TIME if waiting == Standing.AWAITING else Standing.DONE_LATE
    assert as_of(work, signoff).standing_value == done
    assert as_of(work, signoff).asof_completed_on == report_day
    assert as_of(work, signoff - dt.timedelta(days=1)).standing_value == waiting


def test_awaiting_is_not_due_soon_either(work):
    reported(work, D(2021, 1, 8))
    assert not Assignment.objects.due_soon(on=D(2021, 1, 8)).filter(pk=work.pk).exists()
    assert stored(work, D(2021, 1, 8)).standing_value == Standing.AWAITING


def test_awaiting_without_deadline_in_sql_and_as_of(db):
    work = AssignmentFactory(deadline=None, deadline_basis="")
    reported(work, D(2021, 1, 5))
    for row in (stored(work, D(2021, 9, 1)), as_of(work, D(2021, 9, 1))):
        assert (row.standing_value, row.report_group_value) == (
            Standing.AWAITING,
            ReportGroup.NO_DEADLINE,
        )


# --- confirm below 100 % ---------------------------------------------------------------------


def test_confirm_below_100_without_the_second_step_writes_nothing(work, assigner):
    reported(work, D(2021, 1, 8), percent=60)
    version, rows = work.version, ProgressUpdate.objects.count()
    with pytest.raises(actions.ConfirmBelowFull) as refused:
        actions.transition(work, Action.CONFIRM, user=assigner, note="", at=at(D(2021, 1, 9)))
    assert "Tiến độ đơn vị báo cáo là 60 %. Vẫn xác nhận hoàn thành?" in str(refused.value)
    work.refresh_from_db()
    assert (work.status, work.version) == (Status.AWAITING_SIGNOFF, version)
    assert ProgressUpdate.objects.count() == rows


def test_confirm_below_100_with_the_second_step_is_done(work, assigner):
    reported(work, D(2021, 1, 8), percent=60)
    actions.transition(
        work, Action.CONFIRM, user=assigner, note="", at=at(D(2021, 1, 9)), confirm_below=True
    )
    work.refresh_from_db()
    assert (work.status, work.completed_on, work.percent) == (Status.DONE, D(2021, 1, 8), 100)


def test_confirm_at_100_takes_one_step(work, assigner):
    reported(work, D(2021, 1, 8), percent=100)
    actions.transition(work, Action.CONFIRM, user=assigner, note="", at=at(D(2021, 1, 9)))
    work.refresh_from_db()
    assert work.status == Status.DONE


# --- undo ----------------------------------------------------------------------------------


@pytest.fixture
def confirmed(work, assigner):
    reported(work, D(2021, 1, 8), percent=100)
    actions.transition(work, Action.CONFIRM, user=assigner, note="", at=at(D(2021, 1, 20), 20))
    return work


def test_undo_within_the_window_by_the_same_leader_goes_back_to_awaiting(work, assigner):
    reported(work, D(2021, 1, 8), percent=70)
    actions.transition(
        work, Action.CONFIRM, user=assigner, note="", at=at(D(2021, 1, 20), 20), confirm_below=True
    )
    confirmed = work
    actions.transition(
        confirmed, Action.UNDO_CONFIRM, user=assigner, note="", at=at(D(2021, 1, 21), 9)
    )
    confirmed.refresh_from_db()
    # As it was before the confirmation, the unit's own percent included.
    assert (
        confirmed.status,
        confirmed.completed_on,
        confirmed.reported_done_on,
        confirmed.percent,
    ) == (Status.AWAITING_SIGNOFF, None, D(2021, 1, 8), 70)
    # History: done on 20/01, awaiting (on time) again from 21/01.
    assert as_of(confirmed, D(2021, 1, 20)).standing_value == Standing.DONE_ON_TIME
    after = as_of(confirmed, D(2021, 1, 21))
    assert (after.asof_status, after.standing_value, after.asof_completed_on) == (
        Status.AWAITING_SIGNOFF,
        Standing.AWAITING,
        None,
    )


def test_undo_by_another_leader_is_refused(confirmed, issuing):
    other = member(issuing, Role.LEADER)
    rows = ProgressUpdate.objects.count()
    with pytest.raises(TransitionError, match="Chỉ lãnh đạo đã xác nhận hoàn thành"):
        actions.transition(
            confirmed, Action.UNDO_CONFIRM, user=other, note="", at=at(D(2021, 1, 21), 9)
        )
    confirmed.refresh_from_db()
    assert confirmed.status == Status.DONE
    assert ProgressUpdate.objects.count() == rows


@pytest.mark.parametrize(("hours", "allowed"), [(24, True), (25, False)])
def test_undo_window_counts_from_the_confirmation(confirmed, assigner, hours, allowed):
    when = at(D(2021, 1, 20), 20) + dt.timedelta(hours=hours)
    assert actions.can_undo_confirm(confirmed, assigner, at=when) == allowed
    if allowed:
        actions.transition(confirmed, Action.UNDO_CONFIRM, user=assigner, note="", at=when)
    else:
        with pytest.raises(TransitionError, match="không thể hủy"):
            actions.transition(confirmed, Action.UNDO_CONFIRM, user=assigner, note="", at=when)


def test_undo_window_comes_from_the_setting(confirmed, assigner, settings):
    settings.TRACKER_SIGNOFF_UNDO_HOURS = 1
    when = at(D(2021, 1, 20), 22)
    with pytest.raises(TransitionError, match="Đã quá 1 giờ"):
        actions.transition(confirmed, Action.UNDO_CONFIRM, user=assigner, note="", at=when)


# --- reopen --------------------------------------------------------------------------------


def test_reopen_needs_a_reason_and_writes_nothing_without_one(confirmed, assigner):
    rows, version = ProgressUpdate.objects.count(), confirmed.version
    with pytest.raises(TransitionError, match="Cần nêu lý do mở lại"):
        actions.transition(confirmed, Action.REOPEN, user=assigner, note="  ")
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.version) == (Status.DONE, version)
    assert ProgressUpdate.objects.count() == rows


def test_reopen_counts_as_not_done_from_then_and_keeps_the_past(confirmed, assigner):
    actions.transition(
        confirmed, Action.REOPEN, user=assigner, note="Số liệu sai", at=at(D(2021, 3, 1))
    )
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.completed_on, confirmed.reported_done_on) == (
        Status.IN_PROGRESS,
        None,
        None,
    )
    before = as_of(confirmed, D(2021, 2, 28))
    assert (before.asof_status, before.standing_value, before.asof_completed_on) == (
        Status.DONE,
        Standing.DONE_ON_TIME,
        D(2021, 1, 8),
    )
    after = as_of(confirmed, D(2021, 3, 1))
    assert (after.asof_status, after.report_group_value, after.asof_completed_on) == (
        Status.IN_PROGRESS,
        ReportGroup.OVERDUE_UNFINISHED,
        None,
    )
    move = confirmed.updates.first()
    assert (move.status_before, move.status_after, move.note) == (
        Status.DONE,
        Status.IN_PROGRESS,
        "Số liệu sai",
    )
    reasons = [e.reason for e in assignment_audit(confirmed) if e.field == "status"]
    assert "Mở lại nhiệm vụ: Số liệu sai" in reasons


def test_a_reopened_assignment_reported_again_is_judged_by_the_new_report(confirmed, assigner):
    actions.transition(confirmed, Action.REOPEN, user=assigner, note="Sai", at=at(D(2021, 3, 1)))
    actions.transition(
        confirmed,
        Action.REPORT_DONE,
        user=None,
        note="",
        at=at(D(2021, 3, 5)),
        acting_as=Actor.LEAD,
    )
    row = as_of(confirmed, D(2021, 3, 6))
    assert (row.asof_reported_on, row.standing_value) == (D(2021, 3, 5), Standing.OVERDUE)


# --- maintained counts ---------------------------------------------------------------------


def tally_groups(unit, on):
    counts = aggregates.report_counts(unit, on=on)
    return {g: counts[g] for g in ReportGroup.values}


def recounted_groups(unit, on):
    groups = dict.fromkeys(ReportGroup.values, 0)
    for row in Assignment.objects.filter(lead_unit__path__startswith=unit.path).with_standing(
        on=on
    ):
        groups[row.report_group_value] += 1
    return groups


def test_tally_agrees_with_a_recount_across_report_confirm_undo_reopen(work, assigner):
    late = AssignmentFactory(lead_unit=work.lead_unit, deadline=DEADLINE)
    none = AssignmentFactory(lead_unit=work.lead_unit, deadline=None, deadline_basis="")
    unit, on = work.lead_unit, D(2021, 1, 25)

    def check():
        assert aggregates.differences() == []
        assert tally_groups(unit, on) == recounted_groups(unit, on)

    reported(work, DEADLINE, percent=100)
    reported(late, DEADLINE + dt.timedelta(days=1))
    reported(none, D(2021, 1, 5))
    check()
    assert tally_groups(unit, on)[ReportGroup.OVERDUE_UNFINISHED] == 1  # only the late report
    actions.transition(work, Action.CONFIRM, user=assigner, note="", at=at(D(2021, 1, 20), 20))
    check()
    actions.transition(work, Action.UNDO_CONFIRM, user=assigner, note="", at=at(D(2021, 1, 21), 8))
    check()
    actions.transition(work, Action.CONFIRM, user=assigner, note="", at=at(D(2021, 1, 22)))
    actions.transition(work, Action.REOPEN, user=assigner, note="Sai", at=at(D(2021, 1, 23)))
    check()
    assert tally_groups(unit, on)[ReportGroup.OVERDUE_UNFINISHED] == 2


# --- the migration's backfill ----------------------------------------------------------------


def test_migration_backfills_the_reported_date_and_recounts(work):
    migration = importlib.import_module("directives.migrations.0009_signoff_history")
    # Rows as they were written before the column existed: no done_on.
    ProgressUpdate.objects.create(
        assignment=work,
        note="Báo cáo",
        percent=90,
        status_before=Status.IN_PROGRESS,
        status_after=Status.AWAITING_SIGNOFF,
        # 20:00 UTC on 10/01 is 03:00 on 11/01 in Vietnam: the local date counts.
        created_at=dt.datetime(2021, 1, 10, 20, tzinfo=dt.timezone.utc),
    )
    ProgressUpdate.objects.create(
        assignment=work,
        note="Đồng ý",
        percent=100,
        status_before=Status.AWAITING_SIGNOFF,
        status_after=Status.DONE,
        created_at=dt.datetime(2021, 1, 15, 3, tzinfo=dt.timezone.utc),
    )
    plain = ProgressUpdate.objects.create(assignment=work, note="Tiến độ", percent=50)
    Assignment.objects.filter(pk=work.pk).update(
        status=Status.DONE, completed_on=D(2021, 1, 11), reported_done_on=D(2021, 1, 11)
    )
    # The models as the migration sees them (plain managers, as in a real migrate).
    state = MigrationLoader(connection).project_state(("directives", "0009_signoff_history"))
    migration.backfill_done_on(state.apps, None)
    by_status = dict(ProgressUpdate.objects.values_list("status_after", "done_on"))
    assert by_status[Status.AWAITING_SIGNOFF] == D(2021, 1, 11)
    assert by_status[Status.DONE] == D(2021, 1, 11)
    assert ProgressUpdate.objects.get(pk=plain.pk).done_on is None
    # The recount leaves the tally exactly as a fresh count.
    from directives.models import AssignmentTally

    AssignmentTally.objects.update(count=0)
    migration.recount_tally(state.apps, types.SimpleNamespace(connection=connection))
    assert aggregates.differences() == []


@pytest.mark.parametrize("action", [Action.UNDO_CONFIRM, Action.REOPEN])
def test_undo_and_reopen_bring_back_the_lead_units_percent_not_a_coordinating_one(
    work, assigner, action
):
    """The confirmation set 100 %; what comes back is the lead's own latest report (70 %), not a
    coordinating unit's report of its part made after it (10 %)."""
    from tests.factories import UnitFactory

    helper = UnitFactory(name="Đơn vị phối hợp thử")
    work.coordinating_units.add(helper)
    reported(work, D(2021, 1, 8), percent=70)
    # A coordinating unit's own report before the completion: it never stands for the lead.
    ProgressUpdate.objects.create(
        assignment=work,
        unit=helper,
        coordinating=True,
        note="Phần của đơn vị phối hợp",
        percent=10,
        created_at=at(D(2021, 1, 9)),
    )
    actions.transition(
        work, Action.CONFIRM, user=assigner, note="", at=at(D(2021, 1, 20)), confirm_below=True
    )
    actions.transition(work, action, user=assigner, note="Xem lại", at=at(D(2021, 1, 20), 12))
    work.refresh_from_db()
    assert work.percent == 70
