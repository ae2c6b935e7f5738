"""Progress has an owner, and only work under way takes progress (issue 13, items 1 and 2).

The assignment's percent and "last updated" are the lead unit's; a coordinating unit's report is
its own part, beside it. Awaiting sign-off, done and suspended work takes no progress at all.
Checked here through the actions, the as-of history, the stale list, the exports and the feed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from directives import actions
from directives.leaders.reporting import ListKind, list_condition
from directives.models import (
    Action,
    Actor,
    Assignment,
    Attachment,
    DeadlineChange,
    ProgressClosed,
    ProgressUpdate,
    Status,
)
from tests.evidence_files import upload

D = dt.date
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def numbers(assignment: Assignment) -> tuple:
    """What the lead unit owns on the assignment row."""
    return Assignment.objects.values_list("percent", "last_update_at", "version").get(
        pk=assignment.pk
    )


def move(assignment, action, when=None):
    actor = Actor.ASSIGNER if action in (Action.CONFIRM, Action.SUSPEND) else Actor.LEAD
    actions.transition(
        assignment,
        action,
        user=None,
        note="x",
        at=when,
        acting_as=actor,
        confirm_below=action == Action.CONFIRM,  # these tests are not about the percent
    )


CLOSING = {
    Status.AWAITING_SIGNOFF: [Action.START, Action.REPORT_DONE],
    Status.DONE: [Action.START, Action.REPORT_DONE, Action.CONFIRM],
    Status.SUSPENDED: [Action.START, Action.SUSPEND],
}
MESSAGES = {
    Status.AWAITING_SIGNOFF: (
        "Nhiệm vụ đang chờ xác nhận hoàn thành: không nhận thêm báo cáo tiến độ."
    ),
    Status.DONE: "Nhiệm vụ đã hoàn thành: không nhận thêm báo cáo tiến độ.",
    Status.SUSPENDED: "Nhiệm vụ đang tạm hoãn: không nhận thêm báo cáo tiến độ.",
}


def close(assignment, status):
    for action in CLOSING[status]:
        move(assignment, action)
    assignment.refresh_from_db()
    assert assignment.status == status
    return assignment


# ---- The action ------------------------------------------------------------------------------


def test_lead_update_moves_percent_last_update_and_version(assignment, staff_user):
    when = timezone.now()
    update = actions.record_progress(
        assignment, user=staff_user, note="Đã họp", percent=30, at=when, expected_version=1
    )
    assert update.coordinating is False and update.unit == assignment.lead_unit
    assert numbers(assignment) == (30, when, 2)


def test_coordinating_update_leaves_the_assignment_row_alone(
    assignment, staff_user, coordinating_user
):
    actions.record_progress(assignment, user=staff_user, note="Chủ trì", percent=70)
    before = numbers(assignment)
    update = actions.record_progress(
        assignment, user=coordinating_user, note="Phần việc phối hợp", percent=10
    )
    assert (update.coordinating, update.percent, update.note) == (True, 10, "Phần việc phối hợp")
    assert numbers(assignment) == before == (70, before[1], 2)


def test_coordinating_update_with_an_old_version_is_no_conflict(
    assignment, staff_user, coordinating_user
):
    """It writes nothing the lead's form could be overwriting, so no version is checked."""
    actions.record_progress(assignment, user=staff_user, note="Chủ trì", percent=70)
    actions.record_progress(
        assignment, user=coordinating_user, note="Phối hợp", percent=20, expected_version=1
    )
    assert ProgressUpdate.objects.filter(coordinating=True).count() == 1
    with pytest.raises(actions.VersionConflict):
        actions.record_progress(
            assignment, user=staff_user, note="Cũ", percent=5, expected_version=1
        )


def test_member_of_a_unit_that_both_leads_and_coordinates_reports_as_lead(assignment, staff_user):
    assignment.coordinating_units.add(assignment.lead_unit)
    update = actions.record_progress(assignment, user=staff_user, note="Chủ trì", percent=45)
    assert update.coordinating is False
    assert numbers(assignment)[0] == 45


def test_trusted_callers_name_the_unit_or_the_kind(assignment, coordinating_unit):
    theirs = actions.record_progress(
        assignment, user=None, note="Phối hợp", percent=60, trusted=True, unit=coordinating_unit
    )
    lead = actions.record_progress(assignment, user=None, note="Hệ thống", percent=20, trusted=True)
    marked = actions.record_progress(
        assignment, user=None, note="Ghi rõ", percent=90, trusted=True, coordinating=True
    )
    assert (theirs.coordinating, lead.coordinating, marked.coordinating) == (True, False, True)
    assert theirs.unit == coordinating_unit
    assert numbers(assignment)[0] == 20


def test_untrusted_caller_cannot_pass_for_the_lead(assignment, coordinating_user, lead_unit):
    update = actions.record_progress(
        assignment,
        user=coordinating_user,
        note="Phối hợp",
        percent=99,
        coordinating=False,
        unit=lead_unit,
    )
    assert update.coordinating is True and update.unit == coordinating_user.membership.unit
    assert numbers(assignment)[0] == 0


@pytest.mark.parametrize("status", list(CLOSING))
@pytest.mark.parametrize("who", ["staff_user", "coordinating_user"])
def test_closed_work_takes_no_progress_and_nothing_is_written(request, assignment, status, who):
    close(assignment, status)
    before = (ProgressUpdate.objects.count(), numbers(assignment))
    with pytest.raises(ProgressClosed) as refused:
        actions.record_progress(
            assignment,
            user=request.getfixturevalue(who),
            note="Thêm",
            percent=40,
            expected_version=assignment.version,
        )
    assert str(refused.value) == MESSAGES[status]
    assert (ProgressUpdate.objects.count(), numbers(assignment)) == before


def test_closed_work_refuses_files_too_and_stores_none(assignment, staff_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    close(assignment, Status.DONE)
    with pytest.raises(ProgressClosed):
        actions.record_progress_with_files(
            assignment, user=staff_user, note="Thêm", percent=40, files=[upload("a.pdf")]
        )
    assert not Attachment.objects.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_trusted_callers_are_refused_on_closed_work_too(assignment):
    close(assignment, Status.SUSPENDED)
    with pytest.raises(ProgressClosed):
        actions.record_progress(assignment, user=None, note="x", percent=1, trusted=True)


def test_only_not_started_and_in_progress_take_progress(assignment):
    for status in Status:
        assignment.status = status
        assert assignment.takes_progress == (status in (Status.NOT_STARTED, Status.IN_PROGRESS))
        assert bool(assignment.progress_closed_message) != assignment.takes_progress


# ---- As of a date, and the stale list --------------------------------------------------------


def as_of(assignment, on):
    return Assignment.objects.filter(pk=assignment.pk).as_of(on).get()


def test_as_of_percent_note_and_last_update_are_the_leads(
    assignment, staff_user, coordinating_user
):
    actions.record_progress(
        assignment, user=staff_user, note="Chủ trì 30", percent=30, at=at(D(2021, 1, 5))
    )
    actions.record_progress(
        assignment, user=coordinating_user, note="Phối hợp 90", percent=90, at=at(D(2021, 1, 8))
    )
    seen = as_of(assignment, D(2021, 1, 10))
    assert (seen.asof_percent, seen.asof_note, seen.asof_note_at) == (
        30,
        "Chủ trì 30",
        at(D(2021, 1, 5)),
    )
    assert seen.asof_last_update == seen.asof_since == at(D(2021, 1, 5))


def test_as_of_before_the_leads_first_report_is_zero_whatever_coordinating_units_said(
    assignment, staff_user, coordinating_user
):
    actions.record_progress(
        assignment, user=coordinating_user, note="Phối hợp", percent=80, at=at(D(2021, 1, 2))
    )
    actions.record_progress(
        assignment, user=staff_user, note="Chủ trì", percent=40, at=at(D(2021, 1, 6))
    )
    seen = as_of(assignment, D(2021, 1, 3))
    assert (seen.asof_percent, seen.asof_note, seen.asof_last_update) == (0, None, None)
    assert as_of(assignment, D(2021, 1, 6)).asof_percent == 40


def stale_on(assignment, on) -> bool:
    return (
        Assignment.objects.filter(pk=assignment.pk)
        .as_of(on)
        .filter(list_condition(ListKind.STALE, on))
        .exists()
    )


@pytest.mark.parametrize(("lead_days_ago", "stale"), [(31, True), (30, False)])
def test_stale_boundary_follows_the_lead_even_when_a_coordinating_unit_reported_yesterday(
    assignment, staff_user, coordinating_user, lead_days_ago, stale
):
    on = D(2021, 3, 1)
    actions.record_progress(
        assignment,
        user=staff_user,
        note="Chủ trì",
        percent=20,
        at=at(on - dt.timedelta(days=lead_days_ago), 23),
    )
    actions.record_progress(
        assignment,
        user=coordinating_user,
        note="Phối hợp",
        percent=50,
        at=at(on - dt.timedelta(days=1)),
    )
    assert stale_on(assignment, on) is stale


def test_coordinating_report_alone_does_not_take_work_off_the_stale_list(
    assignment, coordinating_user
):
    actions.set_deadline(
        assignment,
        deadline=D(2021, 6, 1),
        basis="x",
        kind=DeadlineChange.Kind.INITIAL,
        at=at(D(2021, 1, 1)),
    )
    actions.record_progress(
        assignment, user=coordinating_user, note="Phối hợp", percent=50, at=at(D(2021, 2, 27))
    )
    assert stale_on(assignment, D(2021, 3, 1))


# ---- What leaders read: dashboard list, Excel, CSV, calendar feed ----------------------------


@pytest.fixture
def reported(assignment, staff_user, coordinating_user):
    """The lead reported 30 % long ago; a coordinating unit 95 % of its part since."""
    actions.set_deadline(
        assignment,
        deadline=D(2021, 2, 9),
        basis="Trước Tết",
        kind=DeadlineChange.Kind.INITIAL,
        at=at(D(2020, 11, 18)),
    )
    actions.record_progress(
        assignment, user=staff_user, note="Ghi chú chủ trì", percent=30, at=at(D(2020, 12, 1))
    )
    actions.record_progress(
        assignment,
        user=coordinating_user,
        note="Ghi chú phối hợp",
        percent=95,
        at=at(D(2020, 12, 20)),
    )
    assignment.refresh_from_db()
    return assignment


def leader_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_dashboard_list_shows_the_leads_percent_and_note(reported, leader_user):
    response = leader_client(leader_user).get(
        reverse("dashboard_assignments"), {"on": "2020-12-31"}
    )
    row = next(a for a in response.context["page"].object_list if a.pk == reported.pk)
    assert (row.asof_percent, row.asof_note) == (30, "Ghi chú chủ trì")
    content = response.content.decode()
    assert "30 %" in content and "Ghi chú phối hợp" not in content and "95 %" not in content


def test_excel_and_csv_carry_the_leads_percent_and_note(reported, leader_user):
    client = leader_client(leader_user)
    params = {"on": "2020-12-31"}
    book = load_workbook(io.BytesIO(client.get(reverse("report_xlsx"), params).content))
    cells = [str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    progress = [c for c in cells if c.startswith("Chưa thực hiện, ")]
    assert progress == ["Chưa thực hiện, 30 %\nGhi chú chủ trì (01/12/2020)"]
    response = client.get(reverse("report_csv"), params)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert any("Chưa thực hiện, 30 %\nGhi chú chủ trì (01/12/2020)" in row for row in rows)
    assert "95 %" not in text and "Ghi chú phối hợp" not in text


def test_calendar_feed_carries_the_leads_percent_and_time(reported, staff_user):
    client = leader_client(staff_user)
    client.post(reverse("calendar_subscription_renew"))
    from directives.models import CalendarFeed

    feed = CalendarFeed.objects.active().get(user=staff_user)
    response = Client().get(reverse("calendar_feed", args=[feed.token]))
    cal = icalendar.Calendar.from_ical(response.content)
    event = next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("assignment-"))
    assert "tiến độ 30%" in str(event["DESCRIPTION"])
    assert event.decoded("LAST-MODIFIED") == at(D(2020, 12, 1)).astimezone(dt.UTC)
