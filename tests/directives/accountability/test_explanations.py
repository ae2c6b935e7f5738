"""Requests for explanation (issue 17, item 3): a leader asks, the lead unit answers in the
system; reminders, the timeline, the audit trail, notifications and webhooks follow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directives import actions, reminders
from directives.calendar import resolve_deadline
from directives.models import (
    ExplanationRequest,
    Notification,
    Reminder,
    TransitionError,
    WebhookDelivery,
    WebhookEndpoint,
)
from directives.models.assignment import end_of_day
from tests.evidence_files import upload


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask(assignment, leader, *, reply_by=None, at=None):
    today = timezone.localdate()
    return actions.request_explanation(
        assignment,
        user=leader,
        question="Vì sao chậm?",
        reply_by=reply_by or today + dt.timedelta(days=5),
        at=at,
    )


def test_leader_asks_with_a_deadline_phrase_and_the_lead_unit_is_notified(
    assignment, leader_user, staff_user
):
    response = signed_in(leader_user).post(
        reverse("explanation_request", args=[assignment.pk]),
        {
            "question": "Đề nghị giải trình lý do chậm",
            "reply_by": "5 ngày làm việc kể từ 08/02/2099",
        },
    )
    assert response.status_code == 302
    explanation = ExplanationRequest.objects.get(assignment=assignment)
    expected = resolve_deadline("5 ngày làm việc kể từ 08/02/2099").date
    assert explanation.reply_by == expected > dt.date(2099, 2, 8)
    assert "5 ngày làm việc" in explanation.reply_by_basis
    assert Notification.objects.filter(recipient=staff_user, title__startswith="Yêu cầu giải trình")


def test_a_phrase_that_cannot_be_read_is_refused_and_the_question_kept(assignment, leader_user):
    response = signed_in(leader_user).post(
        reverse("explanation_request", args=[assignment.pk]),
        {"question": "Câu hỏi của tôi", "reply_by": "khi nào rảnh"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không xác định được thời hạn" in html
    assert "Câu hỏi của tôi" in html
    assert not ExplanationRequest.objects.exists()


def test_a_reply_by_day_in_the_past_is_refused(assignment, leader_user):
    response = signed_in(leader_user).post(
        reverse("explanation_request", args=[assignment.pk]),
        {"question": "Vì sao?", "reply_by": "01/01/2001"},
    )
    assert response.status_code == 200
    assert "Hạn giải trình không được trước ngày hôm nay." in response.content.decode()
    assert not ExplanationRequest.objects.exists()


def test_staff_and_coordinating_units_cannot_ask(assignment, staff_user, coordinating_user):
    for user in (staff_user, coordinating_user):
        response = signed_in(user).post(
            reverse("explanation_request", args=[assignment.pk]),
            {"question": "?", "reply_by": "01/01/2099"},
        )
        assert response.status_code == 403
    assert not ExplanationRequest.objects.exists()


def test_lead_unit_answers_with_a_file_and_it_lands_on_timeline_and_audit(
    assignment, leader_user, staff_user
):
    explanation = ask(assignment, leader_user)
    response = signed_in(staff_user).post(
        reverse("explanation_answer", args=[explanation.pk]),
        {
            "answer": "Do thiếu kinh phí",
            "version": explanation.version,
            "files": [upload("GT.pdf")],
        },
    )
    assert response.status_code == 302
    explanation.refresh_from_db()
    assert explanation.answer == "Do thiếu kinh phí" and explanation.answered_by == staff_user
    assert explanation.files.count() == 1
    # The leader who asked is told.
    assert Notification.objects.filter(recipient=leader_user, title__startswith="Đã giải trình")
    page = signed_in(leader_user).get(reverse("assignment_detail", args=[assignment.pk]))
    kinds = [entry.kind for entry in page.context["timeline"]]
    assert kinds[:2] == ["explained", "explanation"]
    html = page.content.decode()
    assert "Do thiếu kinh phí" in html and "GT.pdf" in html
    assert any(
        entry.model == "yêu cầu giải trình" and entry.field == "answer"
        for entry in page.context["audit"]
    )
    download = signed_in(leader_user).get(
        reverse("explanation_file", args=[explanation.pk, explanation.files.get().pk])
    )
    assert download.status_code == 200


def test_only_the_lead_unit_answers_and_only_once(
    assignment, leader_user, staff_user, coordinating_user
):
    explanation = ask(assignment, leader_user)
    for user in (coordinating_user, leader_user):
        response = signed_in(user).post(
            reverse("explanation_answer", args=[explanation.pk]), {"answer": "Tôi trả lời"}
        )
        assert response.status_code == 403
    actions.answer_explanation(explanation, user=staff_user, answer="Lần một")
    with pytest.raises(TransitionError):
        actions.answer_explanation(explanation, user=staff_user, answer="Lần hai")
    explanation.refresh_from_db()
    assert explanation.answer == "Lần một"


def test_an_answer_from_a_stale_form_is_refused_and_the_text_kept(
    assignment, leader_user, staff_user
):
    explanation = ask(assignment, leader_user)
    response = signed_in(staff_user).post(
        reverse("explanation_answer", args=[explanation.pk]),
        {"answer": "Nội dung dài tôi đã gõ", "version": explanation.version + 1},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "đã được người khác cập nhật" in html and "Nội dung dài tôi đã gõ" in html
    explanation.refresh_from_db()
    assert explanation.answered_at is None


def test_an_empty_answer_is_refused_in_the_users_language(assignment, leader_user, staff_user):
    explanation = ask(assignment, leader_user)
    response = signed_in(staff_user).post(
        reverse("explanation_answer", args=[explanation.pk]), {"answer": "   "}
    )
    assert response.status_code == 200
    assert "Hãy nhập nội dung giải trình." in response.content.decode()


def test_reminders_before_and_after_the_reply_by_day_each_once(assignment, leader_user, staff_user):
    now = timezone.now()
    today = timezone.localdate()
    explanation = ask(assignment, leader_user, reply_by=today + dt.timedelta(days=1), at=now)
    reminders.run(now)
    reminders.run(now)  # a second run in the same hour sends nothing twice
    soon = Reminder.objects.filter(kind=Reminder.Kind.EXPLANATION)
    assert [r.key.rsplit(":", 1)[-1] for r in soon] == ["soon"]
    later = now + dt.timedelta(days=3)
    reminders.run(later)
    assert Reminder.objects.filter(kind=Reminder.Kind.EXPLANATION).count() == 2
    assert Notification.objects.filter(
        recipient=staff_user, title__startswith="Quá hạn giải trình"
    ).exists()
    actions.answer_explanation(explanation, user=staff_user, answer="Đã rõ")
    reminders.run(now + dt.timedelta(days=10))
    assert Reminder.objects.filter(kind=Reminder.Kind.EXPLANATION).count() == 2


def test_open_and_late_as_of_a_date(assignment, leader_user, staff_user):
    asked = timezone.now() - dt.timedelta(days=10)
    today = timezone.localdate()
    explanation = ExplanationRequest.objects.create(
        assignment=assignment,
        asked_by=leader_user,
        asked_at=asked,
        question="?",
        reply_by=today - dt.timedelta(days=3),
    )
    assert list(ExplanationRequest.objects.late_on(today)) == [explanation]
    actions.answer_explanation(explanation, user=staff_user, answer="Trễ")
    assert not ExplanationRequest.objects.open_on(today).exists()
    # Yesterday's picture is kept: it was open and late then.
    assert ExplanationRequest.objects.late_on(today - dt.timedelta(days=1)).exists()
    assert explanation.is_late(on=today)
    assert end_of_day(today) > explanation.answered_at


def test_webhooks_for_asked_and_answered(assignment, leader_user, staff_user, settings):
    endpoint = WebhookEndpoint.objects.create(
        name="Hệ thống tỉnh",
        url="http://127.0.0.1:9/hook",
        events=["explanation.requested", "explanation.answered"],
    )
    explanation = ask(assignment, leader_user)
    actions.answer_explanation(explanation, user=staff_user, answer="Đã giải trình")
    # Delivery ids are random (UUID): compare the set of events, each once.
    events = sorted(
        WebhookDelivery.objects.filter(endpoint=endpoint).values_list("event", flat=True)
    )
    assert events == ["explanation.answered", "explanation.requested"]


def test_the_api_timeline_carries_the_request_and_its_answer(assignment, leader_user, staff_user):
    explanation = ask(assignment, leader_user)
    actions.answer_explanation(
        explanation, user=staff_user, answer="Đã rõ", files=[upload("GT.pdf")]
    )
    response = signed_in(leader_user).get(f"/api/v1/assignments/{assignment.pk}/")
    assert response.status_code == 200
    entries = {e["kind"]: e for e in response.json()["timeline"]}
    assert entries["explanation"]["text"] == "Vì sao chậm?"
    assert entries["explained"]["text"] == "Đã rõ"
    assert entries["explained"]["files"][0]["name"] == "GT.pdf"
