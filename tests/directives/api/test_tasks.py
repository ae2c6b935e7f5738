"""Background work on Django's Tasks: the reminders task is the send_reminders command, and the
schedule queues the webhook sweep, the reminders and the finished periods' scorecards for the
worker."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from directives.api.tasks import send_reminders
from directives.models import ReminderRun

pytestmark = pytest.mark.django_db


def test_reminders_task_runs_the_command_and_records_the_run():
    out = send_reminders.call()
    assert out.startswith("Đôn đốc:")
    assert ReminderRun.objects.filter(succeeded=True).count() == 1


def test_schedule_queues_the_sweep_the_reminders_and_the_scorecards():
    call_command("run_schedule", "--once")
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "directives.accountability.tasks.store_finished_periods",
        "directives.api.tasks.send_reminders",
        "directives.webhooks.tasks.deliver_due",
    ]


def test_deliver_webhooks_command_sends_what_is_due(capsys):
    call_command("deliver_webhooks")
    assert "Webhook đã gửi: 0." in capsys.readouterr().out
