"""The webhooks' background work on Django's Tasks API (django-tasks backport)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import default_task_backend, task

from directives.webhooks import sending


@task()
def deliver(delivery_id: str) -> str:
    """Send one attempt; if it failed and the backend can defer, book the next attempt."""
    delivery = sending.attempt(delivery_id)
    if delivery is None:
        return "skipped"
    pending = delivery.state == delivery.State.PENDING and delivery.next_attempt_at is not None
    if pending and default_task_backend.supports_defer:
        deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery_id)
    return delivery.state


@task()
def deliver_due() -> int:
    """Re-send every pending delivery whose time has come: the safety net under the scheduled
    retries (a worker killed mid-send, a backend without deferred tasks). Runs every minute
    from `manage.py deliver_webhooks` (cron or a systemd timer) or as a task."""
    count = 0
    for delivery_id in sending.due(timezone.now()).values_list("pk", flat=True)[:500]:
        sending.attempt(delivery_id)
        count += 1
    return count
