"""E-mails and weekly digests as their own tasks on Django's Tasks API (issue 19).

`send_reminders` (and the hourly task that runs it) only decides what is due and queues these;
a worker sends them, each message on its own, so a slow or failing mail server never holds up a
request or the run. The database backend keeps a queued task across restarts; a message still
unsent at the next hourly run is queued again, and the claim in `reminders.email_one` keeps a
second copy from sending it twice.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from directives import reminders


@task()
def send_email(notification_id: int, now: str = "") -> str:
    """E-mail one notification: "sent", "failed", "unreachable" or "skipped". `now` (ISO time)
    is the moment of the run that queued it, which the retry window counts from."""
    return reminders.email_one(notification_id, dt.datetime.fromisoformat(now) if now else None)


@task()
def send_digest(user_id: int, key: str, now: str) -> str:
    """Build one leader's weekly digest as of `now` (ISO time) and queue its e-mail."""
    return reminders.digest_one(user_id, key, dt.datetime.fromisoformat(now))
