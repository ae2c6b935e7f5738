"""Background work on Django's Tasks API (issue 19): the hourly reminders as a task.

`manage.py send_reminders` stays the one implementation (existing cron set-ups keep working);
the task runs that same command in a worker, and `manage.py run_schedule` enqueues it hourly.
Like the hourly timer (deploy/theodoi-reminders.service), it first makes the periodic reports'
slots ahead of time (`create_report_slots`, which creates nothing twice), so the run's report
reminders see this period's slots.
"""

from __future__ import annotations

import io

from django.core.management import call_command
from django_tasks import task


@task()
def send_reminders() -> str:
    out = io.StringIO()
    call_command("create_report_slots", stdout=io.StringIO())
    call_command("send_reminders", stdout=out)
    return out.getvalue().strip()
