"""Periodic report reminders: before the due date, when late, once, by e-mail too."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone

from directives import reminders
from directives.models import Notification
from directives.periodic import actions
from directives.periodic import reminders as periodic_reminders


def moment(day: dt.date, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def test_reminded_before_the_due_date_once(slot_of, tree, people, settings):
    settings.TRACKER_REMINDER_DAYS = (7, 1)
    slot = slot_of(tree["districts"][0])
    staff = people["district_staff"]
    # Due 15/12/2020: seven days before is 08/12.
    assert periodic_reminders.create(moment(dt.date(2020, 12, 7))) == 0
    assert periodic_reminders.create(moment(dt.date(2020, 12, 8))) >= 1
    assert periodic_reminders.create(moment(dt.date(2020, 12, 8), 9)) == 0
    notes = Notification.objects.filter(recipient=staff)
    assert notes.count() == 1
    assert "Sắp đến hạn báo cáo" in notes.get().title and "15/12/2020" in notes.get().body
    assert slot.unit == tree["districts"][0]


def test_reminded_when_late_and_not_after_submitting(slot_of, tree, people):
    first, second = slot_of(tree["districts"][0]), slot_of(tree["districts"][1])
    staff1, staff2 = people["district_staff"], people["other_district_staff"]
    actions.submit(second, user=staff2, text="Đã nộp", at=moment(dt.date(2020, 12, 10)))
    periodic_reminders.create(moment(dt.date(2020, 12, 16)))
    late = Notification.objects.filter(recipient=staff1, title__startswith="Chưa nộp báo cáo")
    assert late.count() == 1 and "quá hạn 1 ngày" in late.get().body
    assert not Notification.objects.filter(recipient=staff2, title__startswith="Chưa nộp").exists()
    # A week later: one more; the same day again: none.
    periodic_reminders.create(moment(dt.date(2020, 12, 23)))
    periodic_reminders.create(moment(dt.date(2020, 12, 23), 15))
    assert late.count() == 2
    assert first.state == "open"


def test_send_reminders_runs_them_and_emails(slot_of, tree, people, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    slot_of(tree["districts"][0])
    people["district_staff"]
    summary = reminders.run(moment(dt.date(2020, 12, 16)))
    assert summary.notifications >= 1
    assert any("Chưa nộp báo cáo" in m.subject for m in mail.outbox)
    again = reminders.run(moment(dt.date(2020, 12, 16), 10))
    assert again.notifications == 0
