"""The API's writes: the pages' rules through directives.actions, versions, JSON errors, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from directives.models import (
    ApiWrite,
    Attachment,
    ExtensionRequest,
    ProgressUpdate,
    Reminder,
    Status,
)
from tests.evidence_files import upload

pytestmark = pytest.mark.django_db


def url(assignment, action: str) -> str:
    return f"/api/v1/assignments/{assignment.pk}/{action}/"


def test_progress_with_files_is_saved_and_moves_the_percent(api_for, staff_user, assignment):
    client = api_for(staff_user)
    response = client.post(
        url(assignment, "progress"),
        {
            "note": "Đã họp triển khai",
            "percent": "35",
            "version": assignment.version,
            "files": [upload("Biên bản.pdf"), upload("Ảnh.png")],
        },
    )
    assert response.status_code == 201, response.json()
    assignment.refresh_from_db()
    assert assignment.percent == 35 and response.json()["version"] == assignment.version
    assert Attachment.objects.filter(assignment=assignment).count() == 2


def test_a_refused_file_writes_nothing_and_names_the_field(api_for, staff_user, assignment):
    response = api_for(staff_user).post(
        url(assignment, "progress"),
        {"note": "x", "percent": "10", "version": 1, "files": [upload("virus.pdf", "png")]},
    )
    assert response.status_code == 400 and "files" in response.json()["errors"]
    assert not ProgressUpdate.objects.exists() and not Attachment.objects.exists()


def test_stale_version_is_409_with_the_current_one(api_for, staff_user, assignment):
    client = api_for(staff_user)
    first = client.post_json(
        url(assignment, "progress"), {"note": "a", "percent": 10, "version": 1}
    )
    assert first.status_code == 201
    stale = client.post_json(
        url(assignment, "progress"), {"note": "b", "percent": 20, "version": 1}
    )
    assert stale.status_code == 409
    assert stale.json() == {
        "detail": stale.json()["detail"],
        "code": "version_conflict",
        "current_version": 2,
    }
    assert ProgressUpdate.objects.count() == 1


@pytest.mark.parametrize(
    "body,field",
    [
        ({"note": "", "percent": 10, "version": 1}, "note"),
        ({"note": "x", "percent": "mười", "version": 1}, "percent"),
        ({"note": "x", "percent": 10}, "version"),
        ({"note": ["a"], "percent": 10, "version": 1}, "note"),
        ({"note": "x", "percent": 10, "version": 10**30}, "version"),
    ],
)
def test_bad_progress_is_400_naming_the_field(api_for, staff_user, assignment, body, field):
    response = api_for(staff_user).post_json(url(assignment, "progress"), body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ProgressUpdate.objects.exists()


def test_json_that_is_not_an_object_is_400(api_for, staff_user, assignment):
    response = api_for(staff_user).post_json(url(assignment, "progress"), [1, 2])
    assert response.status_code == 400
    broken = api_for(staff_user).post(
        url(assignment, "progress"), "{not json", content_type="application/json"
    )
    assert broken.status_code == 400


def test_coordinating_progress_keeps_the_lead_percent(api_for, coordinating_user, assignment):
    response = api_for(coordinating_user).post_json(
        url(assignment, "progress"), {"note": "Phần phối hợp", "percent": 80, "version": 1}
    )
    assert response.status_code == 201
    assignment.refresh_from_db()
    assert assignment.percent == 0
    assert ProgressUpdate.objects.get().coordinating
    # The answer gives the assignment as it is: its version, unmoved by a coordinating report.
    assert response.json()["version"] == assignment.version
    assert response.json()["percent"] == 0


def test_progress_answer_gives_the_version_to_send_next(api_for, staff_user, assignment):
    """A script can chain updates with the version each answer gives, without reading again."""
    client = api_for(staff_user)
    version = assignment.version
    for percent in (10, 20, 30):
        response = client.post_json(
            url(assignment, "progress"), {"note": "Tiếp", "percent": percent, "version": version}
        )
        assert response.status_code == 201, response.json()
        version = response.json()["version"]
    assignment.refresh_from_db()
    assert (assignment.version, assignment.percent) == (version, 30)


def test_read_only_token_cannot_write(api_for, staff_user, assignment):
    response = api_for(staff_user, scopes="read").post_json(
        url(assignment, "progress"), {"note": "x", "percent": 10, "version": 1}
    )
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_whole_workflow_through_the_api(api_for, staff_user, leader_user, assignment):
    staff, leader = api_for(staff_user), api_for(leader_user)
    started = staff.post_json(url(assignment, "start"), {"version": 1})
    assert started.json()["status"] == Status.IN_PROGRESS
    version = started.json()["version"]
    reported = staff.post(
        url(assignment, "report-done"),
        {"note": "Đã ban hành kế hoạch", "version": version, "files": [upload("KH.pdf")]},
    )
    assert reported.json()["status"] == Status.AWAITING_SIGNOFF
    version = reported.json()["version"]
    # Reported below 100 %: confirming needs the second step, as on the dashboard.
    below = leader.post_json(
        url(assignment, "decision"), {"action": "confirm", "version": version, "quality": 4}
    )
    assert below.status_code == 409
    refused = leader.post_json(
        url(assignment, "decision"), {"action": "refuse", "version": version}
    )
    assert refused.status_code == 400 and "note" in refused.json()["errors"]
    done = leader.post_json(
        url(assignment, "decision"),
        {"action": "confirm", "version": version, "confirm_below": 0, "quality": 4},
    )
    assert done.status_code == 200 and done.json()["status"] == Status.DONE


def test_only_the_lead_unit_starts(api_for, coordinating_user, unrelated_user, assignment):
    assert (
        api_for(coordinating_user).post_json(url(assignment, "start"), {"version": 1}).status_code
        == 403
    )
    assert (
        api_for(unrelated_user).post_json(url(assignment, "start"), {"version": 1}).status_code
        == 404
    )


def test_extension_request_and_decision(api_for, staff_user, leader_user, assignment):
    asked = api_for(staff_user).post_json(
        url(assignment, "extension"),
        {"new_deadline": "31/03/2021", "reason": "Chờ số liệu", "version": 1},
    )
    assert asked.status_code == 201, asked.json()
    extension = ExtensionRequest.objects.get()
    leader = api_for(leader_user)
    missing_note = leader.post_json(
        f"/api/v1/extensions/{extension.pk}/decision/", {"decision": "refuse"}
    )
    assert missing_note.status_code == 400 and "note" in missing_note.json()["errors"]
    approved = leader.post_json(
        f"/api/v1/extensions/{extension.pk}/decision/", {"decision": "approve"}
    )
    assert approved.status_code == 200
    assignment.refresh_from_db()
    assert assignment.deadline.isoformat() == "2021-03-31" and assignment.extension_count == 1
    again = leader.post_json(
        f"/api/v1/extensions/{extension.pk}/decision/", {"decision": "approve"}
    )
    assert again.status_code == 409


def test_staff_cannot_decide_or_urge(api_for, staff_user, assignment):
    client = api_for(staff_user)
    assert client.post_json(url(assignment, "urge"), {"message": "x"}).status_code == 403
    assert client.post_json(url(assignment, "decision"), {"action": "confirm"}).status_code == 403
    assert not Reminder.objects.exists()


def test_urge_notifies_and_is_audited_with_the_token_name(
    api_for, leader_user, staff_user, assignment
):
    client = api_for(leader_user, name="Ứng dụng lãnh đạo")
    response = client.post_json(url(assignment, "urge"), {"message": "Đề nghị khẩn trương"})
    assert response.status_code == 201
    assert staff_user.notifications.count() == 1
    write = ApiWrite.objects.get()
    assert write.token_name == "Ứng dụng lãnh đạo" and write.username == leader_user.username
    assert write.assignment_id == assignment.pk


def test_history_row_names_the_token(api_for, staff_user, assignment):
    api_for(staff_user, name="Hệ thống văn bản").post_json(url(assignment, "start"), {"version": 1})
    record = assignment.history.order_by("-history_date").first()
    assert record.history_username == f"{staff_user.username} · API: Hệ thống văn bản"


def test_rate_limit_is_429_with_retry_after(api_for, staff_user, assignment, settings):
    from django.core.cache import cache

    cache.clear()
    settings.TRACKER_API_RATE = "3/minute"
    client = api_for(staff_user)
    codes = [client.get("/api/v1/units/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    last = client.get("/api/v1/units/")
    assert int(last["Retry-After"]) > 0
    # Another token has its own budget.
    assert api_for(staff_user, name="Khác").get("/api/v1/units/").status_code == 200
    cache.clear()


def test_rate_limit_counts_writes_and_refused_ones_write_nothing(
    api_for, staff_user, assignment, settings
):
    settings.TRACKER_API_RATE = "2/minute"
    client = api_for(staff_user)
    body = {"note": "Lần {n}", "percent": 10, "version": assignment.version}
    first = client.post_json(url(assignment, "progress"), {**body, "note": "Lần 1"})
    assert first.status_code == 201
    assert client.get("/api/v1/units/").status_code == 200
    refused = client.post_json(
        url(assignment, "progress"), {**body, "note": "Lần 2", "version": first.json()["version"]}
    )
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert list(ProgressUpdate.objects.values_list("note", flat=True)) == ["Lần 1"]


def test_rate_limit_opens_a_new_window_once_the_last_has_ended(api_for, staff_user, settings):
    from django.utils import timezone

    from directives.models import ApiToken

    settings.TRACKER_API_RATE = "2/minute"
    client = api_for(staff_user)
    assert [client.get("/api/v1/units/").status_code for _ in range(3)] == [200, 200, 429]
    # The window began a minute ago (no clock frozen: the token's window is moved back).
    ApiToken.objects.update(window_started_at=timezone.now() - dt.timedelta(seconds=61))
    assert [client.get("/api/v1/units/").status_code for _ in range(3)] == [200, 200, 429]


def test_session_in_the_docs_keeps_its_own_rate_limit(client, staff_user, settings):
    """The signed-in browser ("Try it out") is limited per user, in the cache."""
    from django.core.cache import cache

    cache.clear()
    settings.TRACKER_API_RATE = "2/minute"
    client.force_login(staff_user)
    codes = [client.get("/api/v1/units/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    cache.clear()


def test_token_of_a_user_without_a_unit_reads(api_for, django_user_model):
    """A service account not yet given a unit: its token works, and sees no assignment."""
    user = django_user_model.objects.create_user("dich-vu-moi")
    client = api_for(user, scopes="read")
    assert client.get("/api/v1/units/").status_code == 200
    assert client.get("/api/v1/assignments/").json()["results"] == []
