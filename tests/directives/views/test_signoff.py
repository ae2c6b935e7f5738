"""Awaiting sign-off and the sign-off safeguards as users meet them (issue 13, items 3–4): badges,
dashboard, exports, calendar, the dashboard's second step, undo, reopen and evidence on the
completion report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from directives import actions
from directives.models import (
    Action,
    Actor,
    Assignment,
    Attachment,
    CalendarFeed,
    ProgressUpdate,
    Role,
    Status,
)
from tests.evidence_files import stored_files, upload
from tests.factories import AssignmentFactory, DirectiveFactory, member

HX = {"HTTP_HX_REQUEST": "true"}
ON_TIME = "Chờ xác nhận (báo cáo đúng hạn)"


def days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def report(assignment, *, reported_days_ago: int, percent: int = 100) -> Assignment:
    """Started, at `percent`, reported done `reported_days_ago` days ago."""
    actions.transition(
        assignment, Action.START, user=None, note="", at=days_ago(40), acting_as=Actor.LEAD
    )
    actions.record_progress(
        assignment, user=None, note="Đang làm", percent=percent, at=days_ago(39), trusted=True
    )
    actions.transition(
        assignment,
        Action.REPORT_DONE,
        user=None,
        note="Đã xong",
        at=days_ago(reported_days_ago),
        acting_as=Actor.LEAD,
    )
    assignment.refresh_from_db()
    return assignment


@pytest.fixture
def waiting(assignment):
    """Deadline 10 days ago, reported done 12 days ago: on time, still waiting for the leader."""
    Assignment.objects.filter(pk=assignment.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=10)
    )
    assignment.refresh_from_db()
    return report(assignment, reported_days_ago=12)


@pytest.fixture
def late(assignment, lead_unit):
    """Same deadline, reported done 3 days ago, after it: overdue while it waits."""
    other = AssignmentFactory(
        directive=DirectiveFactory(document=assignment.directive.document),
        lead_unit=lead_unit,
        deadline=timezone.localdate() - dt.timedelta(days=10),
    )
    return report(other, reported_days_ago=3)


def counts(html: str) -> dict[str, int]:
    found = re.findall(r'id="count-([a-z_]+)"[^>]*>.*?<span class="count">(\d+)</span>', html)
    return {key: int(value) for key, value in found}


# --- badges and lists ------------------------------------------------------------------------


def test_staff_pages_badge_an_on_time_report_as_awaiting_not_overdue(waiting, late, staff_user):
    client = signed_in(staff_user)
    listed = client.get(reverse("assignment_list")).content.decode()
    assert listed.count('class="badge standing-awaiting"') == 1
    assert listed.count('class="badge standing-overdue"') == 1  # the late report only
    assert ON_TIME in listed
    page = client.get(reverse("assignment_detail", args=[waiting.pk])).content.decode()
    assert f'<span class="badge standing-awaiting">{ON_TIME}</span>' in page
    assert "chờ xác nhận 12 ngày" in page
    assert "quá hạn" not in page.split('id="status-title"')[1].split("</dl>")[0]
    home = client.get(reverse("home")).content.decode()
    assert home.count('class="badge standing-awaiting"') == 1


def test_dashboard_counts_an_on_time_report_as_not_yet_due(waiting, late, leader_user):
    doc = waiting.directive.document_id
    response = signed_in(leader_user).get(reverse("dashboard"), {"doc": doc})
    html = response.content.decode()
    assert counts(html)["overdue_unfinished"] == 1
    assert counts(html)["not_yet_due"] == 1
    board = response.context["board"]
    assert [a.pk for a in board.overdue] == [late.pk]
    assert {a.pk for a in board.awaiting} == {waiting.pk, late.pk}
    assert "chờ xác nhận 12 ngày" in html  # the leader's wait, from the reported date
    assert "chờ xác nhận 3 ngày" in html
    listed = signed_in(leader_user).get(
        reverse("dashboard_assignments"), {"doc": doc, "list": "overdue"}
    )
    assert [a.pk for a in listed.context["page"].object_list] == [late.pk]


def test_exports_do_not_count_an_on_time_report_as_overdue(waiting, late, leader_user):
    client = signed_in(leader_user)
    params = {"doc": waiting.directive.document_id}
    body = b"".join(client.get(reverse("report_csv"), params).streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:]
    results = sorted((row[7], row[9].split(",")[0]) for row in rows)
    assert results == [
        ("Chưa hoàn thành quá hạn", "Quá hạn 10 ngày"),
        ("Chưa đến hạn", "Báo cáo hoàn thành đúng hạn ngày " + waiting_day(12)),
    ]
    book = load_workbook(io.BytesIO(client.get(reverse("report_xlsx"), params).content))
    sheet = book["Báo cáo"]
    cells = [row[7] for row in sheet.iter_rows(min_row=6, values_only=True) if row[0]]
    assert sorted(cells) == ["Chưa hoàn thành quá hạn", "Chưa đến hạn"]
    printed = client.get(reverse("report_print"), params)
    assert printed.context["board"].totals.overdue == 1
    assert "chờ xác nhận 12 ngày" in printed.content.decode()


def waiting_day(n: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=n)).strftime("%d/%m/%Y")


def test_calendar_feed_and_month_show_an_on_time_report_as_awaiting(waiting, staff_user):
    client = signed_in(staff_user)
    client.post(reverse("calendar_subscription_renew"))
    feed = CalendarFeed.objects.active().get(user=staff_user)
    cal = icalendar.Calendar.from_ical(
        Client().get(reverse("calendar_feed", args=[feed.token])).content
    )
    (event,) = [e for e in cal.walk("VEVENT") if "deadline" in str(e["UID"])]
    description = str(event["DESCRIPTION"])
    assert ON_TIME in description
    assert "Quá hạn" not in description
    month = waiting.deadline.strftime("%Y-%m")
    html = client.get(reverse("calendar_month"), {"month": month}).content.decode()
    unit = waiting.lead_unit.short_name or waiting.lead_unit.name
    assert f'<li class="standing-awaiting">{unit}' in html  # the day's cell
    assert 'class="badge standing-awaiting"' in html  # the month's table
    assert 'class="badge standing-overdue"' not in html


# --- the dashboard's decisions ---------------------------------------------------------------


def decide(client, assignment, action, htmx=True, **extra):
    data = {"action": action, "filters": "", "origin": "awaiting", "version": assignment.version}
    if action == Action.CONFIRM:
        data["quality"] = "4"  # the evaluation a confirmation requires (issue 17)
    data.update(extra)
    return client.post(
        reverse("assignment_decide", args=[assignment.pk]), data, **(HX if htmx else {})
    )


@pytest.fixture
def below(assignment):
    return report(assignment, reported_days_ago=2, percent=60)


@pytest.mark.parametrize("htmx", [True, False])
def test_confirm_below_100_asks_again_and_writes_nothing(below, leader_user, htmx):
    rows, version = ProgressUpdate.objects.count(), below.version
    response = decide(signed_in(leader_user), below, Action.CONFIRM, htmx=htmx)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tiến độ đơn vị báo cáo là 60 %. Vẫn xác nhận hoàn thành?" in html
    assert 'name="confirm_below" value="60"' in html
    below.refresh_from_db()
    assert (below.status, below.version) == (Status.AWAITING_SIGNOFF, version)
    assert ProgressUpdate.objects.count() == rows


def test_confirm_below_100_with_the_second_step_confirms_and_offers_undo(below, leader_user):
    client = signed_in(leader_user)
    response = decide(client, below, Action.CONFIRM, confirm_below="60")
    below.refresh_from_db()
    assert below.status == Status.DONE
    html = response.content.decode()
    assert "Đã xác nhận hoàn thành" in html
    assert 'value="undo_confirm"' in html
    decide(client, below, Action.UNDO_CONFIRM, origin="flash")
    below.refresh_from_db()
    assert below.status == Status.AWAITING_SIGNOFF


def test_confirm_at_100_takes_one_step(assignment, leader_user):
    work = report(assignment, reported_days_ago=2, percent=100)
    decide(signed_in(leader_user), work, Action.CONFIRM)
    work.refresh_from_db()
    assert work.status == Status.DONE


# --- the assignment page's leader panel ---------------------------------------------------------


@pytest.fixture
def confirmed(assignment, leader_user):
    work = report(assignment, reported_days_ago=5, percent=100)
    actions.transition(work, Action.CONFIRM, user=leader_user, note="", at=days_ago(2))
    return work


def page_post(client, assignment, action, **extra):
    data = {"action": action, "version": assignment.version, "back_to": "assignment"}
    data.update(extra)
    return client.post(reverse("assignment_decide", args=[assignment.pk]), data, follow=True)


def test_reopen_from_the_assignment_page_with_a_reason(confirmed, leader_user):
    client = signed_in(leader_user)
    page = client.get(reverse("assignment_detail", args=[confirmed.pk])).content.decode()
    assert 'id="leader-panel"' in page
    assert 'value="reopen"' in page
    assert 'value="undo_confirm"' not in page  # confirmed two days ago: past the window
    response = page_post(client, confirmed, "reopen", note="Thiếu biên bản")
    html = response.content.decode()
    assert "Đã mở lại nhiệm vụ" in html
    confirmed.refresh_from_db()
    assert confirmed.status == Status.IN_PROGRESS
    timeline = response.context["timeline"]
    assert timeline[0].kind == "reopened"
    assert "Mở lại nhiệm vụ</span>" in html or "Mở lại nhiệm vụ\n" in html
    assert "Thiếu biên bản" in html.split('id="timeline"')[1]
    assert "Mở lại nhiệm vụ: Thiếu biên bản" in html.split('id="audit"')[1]


def test_reopen_without_a_reason_is_refused_with_nothing_written(confirmed, leader_user):
    rows = ProgressUpdate.objects.count()
    response = page_post(signed_in(leader_user), confirmed, "reopen", note=" ")
    assert "Cần nêu lý do mở lại nhiệm vụ." in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.status == Status.DONE
    assert ProgressUpdate.objects.count() == rows


def test_undo_is_offered_to_the_confirming_leader_within_the_window_only(
    assignment, leader_user, province
):
    work = report(assignment, reported_days_ago=5, percent=100)
    actions.transition(work, Action.CONFIRM, user=leader_user, note="")
    url = reverse("assignment_detail", args=[work.pk])
    assert 'value="undo_confirm"' in signed_in(leader_user).get(url).content.decode()
    other = member(province, Role.LEADER)
    assert 'value="undo_confirm"' not in signed_in(other).get(url).content.decode()
    response = page_post(signed_in(other), work, "undo_confirm")
    assert "Chỉ lãnh đạo đã xác nhận hoàn thành mới được hủy xác nhận." in (
        response.content.decode()
    )
    work.refresh_from_db()
    assert work.status == Status.DONE
    response = page_post(signed_in(leader_user), work, "undo_confirm")
    work.refresh_from_db()
    assert work.status == Status.AWAITING_SIGNOFF
    assert response.context["timeline"][0].kind == "undone"


def test_staff_see_no_leader_panel(confirmed, staff_user):
    page = signed_in(staff_user).get(reverse("assignment_detail", args=[confirmed.pk]))
    assert 'id="leader-panel"' not in page.content.decode()


# --- evidence on the completion report -----------------------------------------------------------


def report_data(assignment, **overrides) -> dict:
    data = {"report-version": assignment.version, "report-note": "Đã ban hành kế hoạch"}
    data.update(overrides)
    return data


def test_completion_report_stores_evidence_files_on_the_timeline(assignment, staff_user):
    client = signed_in(staff_user)
    files = [upload("ke-hoach.pdf"), upload("anh.png")]
    response = client.post(
        reverse("assignment_report_done", args=[assignment.pk]),
        report_data(assignment, **{"report-files": files}),
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Status.AWAITING_SIGNOFF
    names = sorted(Attachment.objects.values_list("name", flat=True))
    assert names == ["anh.png", "ke-hoach.pdf"]
    assert set(Attachment.objects.values_list("update__status_after", flat=True)) == {
        Status.AWAITING_SIGNOFF
    }
    page = client.get(reverse("assignment_detail", args=[assignment.pk])).content.decode()
    timeline = page.split('id="timeline"')[1]
    assert "Báo cáo hoàn thành" in timeline
    assert "ke-hoach.pdf" in timeline and "anh.png" in timeline


def test_completion_report_with_a_bad_file_writes_nothing(assignment, staff_user, media_root):
    version = assignment.version
    response = signed_in(staff_user).post(
        reverse("assignment_report_done", args=[assignment.pk]),
        report_data(assignment, **{"report-files": [upload("virus.pdf", data=b"MZ not a pdf")]}),
        **HX,
    )
    assert "không phải PDF, Word" in response.content.decode()
    assignment.refresh_from_db()
    assert (assignment.status, assignment.version) == (Status.NOT_STARTED, version)
    assert not ProgressUpdate.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_an_on_time_report_due_later_is_not_in_the_due_soon_list(assignment, leader_user):
    Assignment.objects.filter(pk=assignment.pk).update(
        deadline=timezone.localdate() + dt.timedelta(days=3)
    )
    work = report(assignment, reported_days_ago=1)
    response = signed_in(leader_user).get(reverse("dashboard"), {"doc": work.directive.document_id})
    board = response.context["board"]
    assert [a.pk for a in board.due] == []
    assert [a.pk for a in board.awaiting] == [work.pk]
