"""The assignment page and the lists under issue 13: whose progress counts, which units never
reported, and finished or suspended work that takes no progress."""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives import actions
from directives.models import (
    Action,
    Actor,
    Assignment,
    Attachment,
    DeadlineChange,
    ProgressUpdate,
    Status,
)
from tests.evidence_files import stored_files, upload
from tests.factories import AssignmentFactory, DirectiveFactory, UnitFactory

HX = {"HX-Request": "true"}
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def progress_data(assignment, **overrides) -> dict:
    data = {
        "progress-version": assignment.version,
        "progress-note": "Phần việc đã xong một nửa",
        "progress-percent": "60",
        "progress-difficulties": "",
        "progress-proposals": "",
    }
    data.update(overrides)
    return data


def detail(client, assignment) -> str:
    response = client.get(reverse("assignment_detail", args=[assignment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def row_numbers(assignment) -> tuple:
    return Assignment.objects.values_list("percent", "last_update_at", "version").get(
        pk=assignment.pk
    )


# ---- A coordinating unit reports its own part -----------------------------------------------


def test_coordinating_post_keeps_the_assignments_numbers_and_lists_the_unit(
    assignment, staff_user, coordinating_user, province
):
    silent = UnitFactory(name="Báo thử nghiệm", parent=province)
    assignment.coordinating_units.add(silent)
    actions.record_progress(assignment, user=staff_user, note="Chủ trì", percent=70)
    before = row_numbers(assignment)
    response = signed_in(coordinating_user).post(
        reverse("assignment_progress", args=[assignment.pk]), progress_data(assignment)
    )
    assert response.status_code == 302
    assert row_numbers(assignment) == before
    update = ProgressUpdate.objects.get(coordinating=True)
    day = update.created_at.astimezone(TZ).strftime("%d/%m/%Y")
    content = detail(signed_in(staff_user), assignment)
    status_card = content[content.index('id="status-title"') : content.index('id="action-forms"')]
    assert re.search(r"<strong>(<span[^>]*>)?70 %", status_card)
    reports = status_card[status_card.index('class="coordinating-reports"') :]
    assert re.search(
        rf'<strong>Sở phối hợp thử</strong> — <span class="nowrap">60 %, cập nhật {day}</span>',
        reports,
    )
    assert re.search(
        r"<strong>Báo thử nghiệm</strong> — <span class=\"late\">chưa báo cáo</span>", reports
    )


def test_timeline_labels_a_coordinating_report_with_its_unit(assignment, coordinating_user):
    actions.record_progress(assignment, user=coordinating_user, note="Phối hợp", percent=60)
    content = detail(signed_in(coordinating_user), assignment)
    timeline = content[content.index('id="timeline"') :]
    assert "tl-progress tl-coordinating" in timeline
    assert "Sở phối hợp thử (phối hợp)" in timeline
    assert re.search(r"Phần việc của đơn vị phối hợp: (<span[^>]*>)?60 %", timeline)
    assert not re.search(r"Tiến độ (<span[^>]*>)?60 ?%", timeline)


def test_coordinating_user_is_told_the_form_is_for_their_units_part(
    assignment, coordinating_user, staff_user
):
    actions.record_progress(assignment, user=staff_user, note="Chủ trì", percent=70)
    actions.record_progress(assignment, user=coordinating_user, note="Phối hợp", percent=35)
    content = detail(signed_in(coordinating_user), assignment)
    assert "Báo cáo phần việc của đơn vị phối hợp" in content
    assert "Tiến độ phần việc của đơn vị (%)" in content
    # The form starts from the unit's own last figure, not the lead's 70 %.
    assert re.search(r'name="progress-percent" value="35"', content)
    lead_view = detail(signed_in(staff_user), assignment)
    assert "Báo cáo phần việc của đơn vị phối hợp" not in lead_view
    assert re.search(r'name="progress-percent" value="70"', lead_view)


def test_coordinating_htmx_save_tells_the_page_without_a_new_version(assignment, coordinating_user):
    response = signed_in(coordinating_user).post(
        reverse("assignment_progress", args=[assignment.pk]),
        progress_data(assignment),
        headers=HX,
    )
    assert response.status_code == 200
    assert "Đã lưu cập nhật tiến độ." in response.content.decode()
    trigger = json.loads(response["HX-Trigger-After-Swap"])
    assert trigger == {"assignment-changed": {"id": assignment.pk}}
    assert row_numbers(assignment)[2] == 1


def _coordinated(document, lead_unit, province, staff_user, n: int) -> Assignment:
    """An assignment with n coordinating units, half of which reported twice."""
    target = AssignmentFactory(directive=DirectiveFactory(document=document), lead_unit=lead_unit)
    units = [UnitFactory(parent=province) for _ in range(n)]
    target.coordinating_units.set(units)
    for unit in units[: n // 2]:
        for percent in (10, 20):
            actions.record_progress(
                target, user=None, note="Phối hợp", percent=percent, trusted=True, unit=unit
            )
    actions.record_progress(target, user=staff_user, note="Chủ trì", percent=5)
    return target


def test_assignment_page_queries_do_not_grow_with_coordinating_units(
    document, lead_unit, province, staff_user
):
    """The staff page (a leader's adds the audit trail, which names each unit it mentions)."""
    small = _coordinated(document, lead_unit, province, staff_user, 2)
    large = _coordinated(document, lead_unit, province, staff_user, 12)
    client = signed_in(staff_user)
    counts = []
    for target in (small, large):
        with CaptureQueriesContext(connection) as queries:
            content = detail(client, target)
        counts.append(len(queries))
        assert content.count("chưa báo cáo") == target.coordinating_units.count() // 2
    assert counts[0] == counts[1]


# ---- Leaders see which coordinating units never reported ------------------------------------


def test_dashboard_list_counts_silent_coordinating_units_per_row(
    assignment, coordinating_user, leader_user, province
):
    assignment.coordinating_units.add(UnitFactory(parent=province), UnitFactory(parent=province))
    actions.record_progress(assignment, user=coordinating_user, note="Phối hợp", percent=60)
    quiet = AssignmentFactory(
        directive=assignment.directive, lead_unit=assignment.lead_unit, coordinating=[]
    )
    response = signed_in(leader_user).get(reverse("dashboard_assignments"))
    rows = {a.pk: a.silent_coordinating for a in response.context["page"].object_list}
    assert rows == {assignment.pk: 2, quiet.pk: 0}
    content = response.content.decode()
    assert "Đơn vị phối hợp chưa báo cáo" in content
    assert '<span class="late">2</span>' in content


def test_dashboard_list_counts_as_of_the_chosen_date(assignment, coordinating_user, leader_user):
    actions.set_deadline(
        assignment,
        deadline=dt.date(2021, 2, 9),
        basis="Trước Tết",
        kind=DeadlineChange.Kind.INITIAL,
        at=dt.datetime(2021, 1, 1, 9, tzinfo=TZ),
    )
    actions.record_progress(
        assignment,
        user=coordinating_user,
        note="Phối hợp",
        percent=60,
        at=dt.datetime(2021, 1, 10, 9, tzinfo=TZ),
    )
    client = signed_in(leader_user)
    silent = {
        on: [
            a.silent_coordinating
            for a in client.get(reverse("dashboard_assignments"), {"on": on})
            .context["page"]
            .object_list
        ]
        for on in ("2021-01-09", "2021-01-10")
    }
    assert silent == {"2021-01-09": [1], "2021-01-10": [0]}


def test_dashboard_list_query_count_does_not_grow_with_rows(
    document, lead_unit, province, staff_user, leader_user
):
    client = signed_in(leader_user)

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dashboard_assignments")).status_code == 200
        return len(queries)

    _coordinated(document, lead_unit, province, staff_user, 2)
    small = measure()
    for _ in range(6):
        _coordinated(document, lead_unit, province, staff_user, 4)
    assert measure() == small


# ---- Awaiting sign-off, done and suspended work takes no progress ---------------------------


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


def close(assignment, status) -> Assignment:
    for action in CLOSING[status]:
        actor = Actor.ASSIGNER if action in (Action.CONFIRM, Action.SUSPEND) else Actor.LEAD
        actions.transition(
            assignment,
            action,
            user=None,
            note="x",
            acting_as=actor,
            confirm_below=action == Action.CONFIRM,  # the percent is not these tests' subject
        )
    assignment.refresh_from_db()
    return assignment


@pytest.mark.parametrize("status", list(CLOSING))
@pytest.mark.parametrize("who", ["staff_user", "coordinating_user"])
@pytest.mark.parametrize("htmx", [False, True])
def test_progress_post_on_closed_work_is_refused_in_words_and_writes_nothing(
    request, assignment, media_root, status, who, htmx
):
    close(assignment, status)
    before = (ProgressUpdate.objects.count(), row_numbers(assignment))
    data = progress_data(assignment)
    data["progress-files"] = [upload("minh-chung.pdf")]
    response = signed_in(request.getfixturevalue(who)).post(
        reverse("assignment_progress", args=[assignment.pk]), data, headers=HX if htmx else {}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert MESSAGES[status] in content
    assert 'name="progress-note"' not in content
    assert ("<html" in content) is not htmx
    assert "HX-Trigger-After-Swap" not in response
    assert (ProgressUpdate.objects.count(), row_numbers(assignment)) == before
    assert not Attachment.objects.exists() and stored_files(media_root) == []


def test_progress_post_with_bad_input_on_closed_work_still_gets_the_reason(assignment, staff_user):
    close(assignment, Status.DONE)
    response = signed_in(staff_user).post(
        reverse("assignment_progress", args=[assignment.pk]),
        progress_data(assignment, **{"progress-percent": "²"}),
        headers=HX,
    )
    assert MESSAGES[Status.DONE] in response.content.decode()
    assert ProgressUpdate.objects.filter(status_after="").count() == 0


@pytest.mark.parametrize("status", list(CLOSING))
@pytest.mark.parametrize("who", ["staff_user", "coordinating_user"])
def test_closed_work_offers_no_progress_form(request, assignment, status, who):
    close(assignment, status)
    client = signed_in(request.getfixturevalue(who))
    content = detail(client, assignment)
    assert MESSAGES[status] in content
    assert 'name="progress-note"' not in content
    progress = client.get(reverse("assignment_progress", args=[assignment.pk]), headers=HX)
    assert MESSAGES[status] in progress.content.decode()
    assert 'name="progress-note"' not in progress.content.decode()


def test_staff_list_offers_progress_only_on_work_under_way(
    assignment, document, lead_unit, staff_user
):
    done = close(
        AssignmentFactory(directive=DirectiveFactory(document=document), lead_unit=lead_unit),
        Status.DONE,
    )
    suspended = close(
        AssignmentFactory(directive=DirectiveFactory(document=document), lead_unit=lead_unit),
        Status.SUSPENDED,
    )
    response = signed_in(staff_user).get(reverse("assignment_list"))
    offered = {row.pk: bool(row.progress_url) for row in response.context["rows"]}
    assert offered == {assignment.pk: True, done.pk: False, suspended.pk: False}
    content = response.content.decode()
    assert reverse("assignment_progress", args=[assignment.pk]) in content
    assert reverse("assignment_progress", args=[done.pk]) not in content
    assert reverse("assignment_progress", args=[suspended.pk]) not in content


def test_search_names_a_coordinating_note_by_its_unit(assignment, staff_user, coordinating_user):
    actions.record_progress(
        assignment, user=coordinating_user, note="Phát hành bản tin chuyên đề", percent=60
    )
    actions.record_progress(
        assignment, user=staff_user, note="Phát hành kế hoạch chung", percent=20
    )
    html = signed_in(staff_user).get(reverse("search_results"), {"q": "phat hanh"}).content
    metas = re.findall(r'<p class="hit-meta">(.*?)</p>', html.decode(), re.S)
    theirs = [m for m in metas if "60 %" in m]
    ours = [m for m in metas if "20 %" in m]
    assert len(theirs) == 1 and "Sở phối hợp thử (phối hợp)" in theirs[0]
    assert len(ours) == 1 and "Ban Tuyên giáo thử" in ours[0] and "phối hợp" not in ours[0]
