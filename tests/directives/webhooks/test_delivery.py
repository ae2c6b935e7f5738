"""Webhooks against a real receiver: a local HTTP server on 127.0.0.1 that checks signatures,
answers 500 when told to, and de-duplicates by the delivery id, as a receiver should."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from directives import actions
from directives.models import (
    Notification,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from directives.webhooks import sending
from directives.webhooks.signing import sign, verify
from directives.webhooks.tasks import deliver, deliver_due

pytestmark = pytest.mark.django_db(transaction=False)

SECRET = "bi-mat-thu-nghiem"


class Receiver:
    """What a receiving system does: verify, then process each delivery id once."""

    def __init__(self):
        self.statuses: list[int] = []  # answers to give, in turn; then 200
        self.seen: set[str] = set()
        self.processed: list[dict] = []
        self.requests = 0
        self.bad_signatures = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests += 1
                if not verify(SECRET, body, self.headers.get("X-Tracker-Signature", "")):
                    outer.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                status = outer.statuses.pop(0) if outer.statuses else 200
                if status == 200:
                    delivery_id = self.headers["X-Tracker-Delivery"]
                    if delivery_id not in outer.seen:  # de-duplication by id
                        outer.seen.add(delivery_id)
                        outer.processed.append(json.loads(body))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"loi may chu")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def endpoint(receiver, admin_user):
    return WebhookEndpoint.objects.create(
        name="Hệ thống báo cáo tỉnh",
        url=receiver.url,
        secret=SECRET,
        events=["progress.added", "assignment.changed", "extension.requested"],
        owner=admin_user,
    )


def test_progress_makes_a_signed_delivery_sent_after_commit(
    endpoint, receiver, staff_user, assignment, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.record_progress(assignment, user=staff_user, note="Đã họp", percent=30)
        # Written with the change, not yet sent: nothing leaves before the commit.
        assert WebhookDelivery.objects.get().state == "pending"
        assert receiver.requests == 0
    for callback in callbacks:
        callback()
    assert receiver.bad_signatures == 0
    assert [d["event"] for d in receiver.processed] == ["progress.added"]
    assert receiver.processed[0]["data"]["entry"]["percent"] == 30
    assert WebhookDelivery.objects.get().state == "delivered"


def test_retry_after_two_500s(endpoint, receiver, staff_user, assignment):
    receiver.statuses = [500, 500]
    actions.record_progress(assignment, user=staff_user, note="x", percent=10)
    delivery = WebhookDelivery.objects.get()
    start = timezone.now()
    sending.attempt(delivery.pk, now=start)
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.next_attempt_at == start + dt.timedelta(
        seconds=30
    )
    sending.attempt(delivery.pk, now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.next_attempt_at - start == dt.timedelta(seconds=30 + 60)  # backoff doubles
    sending.attempt(delivery.pk, now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.state == "delivered" and len(receiver.processed) == 1
    log = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("at"))
    assert [a.status_code for a in log] == [500, 500, 200]
    assert log[0].response_excerpt == "loi may chu"


def test_a_delivery_sent_twice_after_a_killed_worker_is_processed_once(
    endpoint, receiver, staff_user, assignment, monkeypatch
):
    actions.record_progress(assignment, user=staff_user, note="x", percent=10)
    delivery = WebhookDelivery.objects.get()

    # The worker dies after the receiver got the request but before it could record it.
    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(sending, "record", killed)
    with pytest.raises(SystemExit):
        deliver.call(str(delivery.pk))
    monkeypatch.undo()
    delivery.refresh_from_db()
    assert delivery.state == "pending" and receiver.requests == 1
    # The sweep finds it due later and sends it again, with the same id.
    later = delivery.next_attempt_at + dt.timedelta(seconds=1)
    assert list(sending.due(later).values_list("pk", flat=True)) == [delivery.pk]
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert deliver_due.call() == 1
    assert receiver.requests == 2 and len(receiver.processed) == 1
    delivery.refresh_from_db()
    assert delivery.state == "delivered"


def test_a_bad_secret_is_refused_by_the_receiver(endpoint, receiver, staff_user, assignment):
    endpoint.secret = "sai"
    endpoint.save()
    actions.record_progress(assignment, user=staff_user, note="x", percent=10)
    sending.attempt(WebhookDelivery.objects.get().pk)
    assert receiver.bad_signatures == 1 and not receiver.processed


def test_gives_up_after_24_hours(endpoint, receiver, staff_user, assignment):
    receiver.statuses = [500] * 50
    actions.record_progress(assignment, user=staff_user, note="x", percent=10)
    delivery = WebhookDelivery.objects.get()
    moment = delivery.created_at
    while delivery.state == "pending":
        sending.attempt(delivery.pk, now=moment)
        delivery.refresh_from_db()
        moment = delivery.next_attempt_at or moment
    assert delivery.state == "failed"
    assert moment - delivery.created_at <= dt.timedelta(hours=24)


def test_endpoint_paused_after_repeated_failures_and_owner_told(
    endpoint, receiver, staff_user, assignment, settings, admin_user
):
    settings.WEBHOOK_PAUSE_AFTER = 3
    receiver.statuses = [500] * 10
    actions.record_progress(assignment, user=staff_user, note="x", percent=10)
    delivery = WebhookDelivery.objects.get()
    for _ in range(4):
        sending.attempt(delivery.pk, now=timezone.now() + dt.timedelta(hours=1))
    endpoint.refresh_from_db()
    assert endpoint.paused_at is not None
    assert receiver.requests == 3  # nothing more is sent to a paused endpoint
    assert Notification.objects.filter(recipient=admin_user).count() == 1


def test_resend_from_admin_keeps_the_id(endpoint, receiver, staff_user, assignment, admin_client):
    actions.record_progress(assignment, user=staff_user, note="x", percent=10)
    delivery = WebhookDelivery.objects.get()
    sending.attempt(delivery.pk)
    response = admin_client.post(
        "/admin/directives/webhookdelivery/",
        {"action": "resend", "_selected_action": [str(delivery.pk)]},
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == "pending"
    sending.attempt(delivery.pk)
    assert receiver.requests == 2 and len(receiver.processed) == 1


def test_signature_covers_timestamp_and_body():
    header = sign(SECRET, b"{}", 1_700_000_000)
    assert verify(SECRET, b"{}", header, now=1_700_000_010)
    assert not verify(SECRET, b"{ }", header, now=1_700_000_010)
    assert not verify(SECRET, b"{}", header, now=1_700_000_000 + 3600)  # replayed late


def test_unsubscribed_event_makes_no_delivery(endpoint, staff_user, assignment, leader_user):
    actions.urge(assignment, user=leader_user, message="Khẩn trương")
    assert not WebhookDelivery.objects.exists()
