"""The evaluation at sign-off (issue 17, item 4): quality 1–5 required when confirming, kept
on the confirmation, shown on the timeline and in the exports."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from directives import actions
from directives.models import Action, Actor, ProgressUpdate, Status, TransitionError


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def awaiting(assignment):
    start = timezone.now() - dt.timedelta(days=5)
    actions.transition(assignment, Action.START, user=None, note="", at=start, acting_as=Actor.LEAD)
    actions.record_progress(assignment, user=None, note="Xong", percent=100, trusted=True)
    actions.transition(
        assignment, Action.REPORT_DONE, user=None, note="Đã xong", acting_as=Actor.LEAD
    )
    assignment.refresh_from_db()
    return assignment


def confirm(client, assignment, **extra):
    data = {"action": "confirm", "version": assignment.version, "back_to": "assignment"}
    data.update(extra)
    return client.post(reverse("assignment_decide", args=[assignment.pk]), data, follow=True)


def test_confirming_without_an_evaluation_is_refused_and_nothing_written(awaiting, leader_user):
    response = confirm(signed_in(leader_user), awaiting)
    assert "Hãy đánh giá chất lượng (1–5) khi xác nhận hoàn thành." in response.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_SIGNOFF


@pytest.mark.parametrize("quality", ["0", "6", "tốt", "-1"])
def test_an_evaluation_outside_1_to_5_is_refused(awaiting, leader_user, quality):
    response = confirm(signed_in(leader_user), awaiting, quality=quality)
    assert "Đánh giá chất lượng phải từ 1 đến 5." in response.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_SIGNOFF


def test_the_evaluation_is_kept_on_the_confirmation_and_shown_on_the_timeline(
    awaiting, leader_user, staff_user
):
    confirm(signed_in(leader_user), awaiting, quality="3", quality_comment="Cần bổ sung")
    awaiting.refresh_from_db()
    assert awaiting.status == Status.DONE
    signoff = ProgressUpdate.objects.get(assignment=awaiting, status_after=Status.DONE)
    assert (signoff.quality, signoff.quality_comment) == (3, "Cần bổ sung")
    # The audit record of the same save names the evaluation.
    reason = awaiting.history.order_by("-history_date").first().history_change_reason
    assert "đánh giá 3/5" in reason
    html = signed_in(staff_user).get(reverse("assignment_detail", args=[awaiting.pk])).content
    assert "Đánh giá chất lượng: 3/5" in html.decode() and "Cần bổ sung" in html.decode()


def test_the_action_refuses_an_evaluation_out_of_range_or_on_another_action(awaiting, leader_user):
    with pytest.raises(TransitionError):
        actions.transition(awaiting, Action.CONFIRM, user=leader_user, note="", quality=7)
    with pytest.raises(TransitionError):
        actions.transition(awaiting, Action.REFUSE, user=leader_user, note="Làm lại", quality=3)
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_SIGNOFF


def test_the_evaluation_is_in_the_excel_export(awaiting, leader_user):
    actions.transition(
        awaiting, Action.CONFIRM, user=leader_user, note="", quality=5, quality_comment="Tốt"
    )
    response = signed_in(leader_user).get(
        reverse("report_xlsx"), {"doc": awaiting.directive.document_id}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert any("Đánh giá chất lượng: 5/5 (Tốt)" in c for c in cells)


def test_the_evaluation_is_in_the_csv_export(awaiting, leader_user):
    actions.transition(awaiting, Action.CONFIRM, user=leader_user, note="", quality=4)
    response = signed_in(leader_user).get(
        reverse("report_csv"), {"doc": awaiting.directive.document_id}
    )
    text = b"".join(response.streaming_content).decode()
    assert "Đánh giá chất lượng: 4/5" in text
