"""Send one attempt of a delivery, log it, and decide what happens next.

Retry schedule (exponential backoff, 24 hours): after failed attempt n the next one waits
30 s × 2^(n−1), at most 4 h — 30 s, 1 min, 2 min, 4 min, 8 min, 16 min, 32 min, 64 min, 128 min,
4 h, 4 h … — until 24 hours after the delivery was made; then it is marked failed (an admin can
send it again). After WEBHOOK_PAUSE_AFTER failed attempts in a row an endpoint is paused and its
owner notified; an admin resumes it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Notification, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from directives.webhooks.signing import sign

FIRST_WAIT = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(hours=4)
GIVE_UP_AFTER = dt.timedelta(hours=24)
TIMEOUT_SECONDS = 10


def pause_after() -> int:
    return getattr(settings, "WEBHOOK_PAUSE_AFTER", 15)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt."""
    return min(FIRST_WAIT * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def body_of(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": str(delivery.id),
        "event": delivery.event,
        "created_at": delivery.created_at,
        "data": delivery.payload,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery, body: bytes):
    request = urllib.request.Request(  # noqa: S310 - an admin-registered http(s) URL
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "theo-doi-nhiem-vu-webhooks/1",
            "X-Tracker-Event": delivery.event,
            "X-Tracker-Delivery": str(delivery.id),
            "X-Tracker-Signature": sign(endpoint.secret, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, response.read(500).decode(errors="replace"), ""
    except urllib.error.HTTPError as error:
        return error.code, error.read(500).decode(errors="replace"), ""
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, "", str(getattr(error, "reason", error))[:300]


def attempt(delivery_id, *, now: dt.datetime | None = None) -> WebhookDelivery | None:
    """Send the delivery once if it is still pending and its endpoint active; log the attempt
    and schedule the next. Returns the delivery (None when there was nothing to send)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != WebhookDelivery.State.PENDING:
        return None
    endpoint = delivery.endpoint
    if not endpoint.is_active or endpoint.paused_at is not None:
        return None
    # Before sending, the next try is booked: a worker killed mid-send leaves the delivery
    # pending and due, and the sweep (`deliver_due`) sends it again — at least once.
    started = now or timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=started + backoff(delivery.attempts + 1)
    )
    clock = time.monotonic()
    status, excerpt, error = _post(endpoint, delivery, body_of(delivery))
    record(delivery, status=status, excerpt=excerpt, error=error, at=started, clock=clock)
    return delivery


def record(delivery, *, status, excerpt: str, error: str, at: dt.datetime, clock: float) -> None:
    """Log one attempt and move the delivery and its endpoint on."""
    ok = status is not None and 200 <= status < 300
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            at=at,
            status_code=status,
            duration_ms=int((time.monotonic() - clock) * 1000),
            response_excerpt=excerpt[:500],
            error=error[:300],
        )
        delivery.attempts += 1
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        if ok:
            delivery.state = WebhookDelivery.State.DELIVERED
            delivery.delivered_at = at
            delivery.next_attempt_at = None
            endpoint.failures = 0
        else:
            endpoint.failures += 1
            retry_at = at + backoff(delivery.attempts)
            if retry_at - delivery.created_at > GIVE_UP_AFTER:
                delivery.state = WebhookDelivery.State.FAILED
                delivery.next_attempt_at = None
            else:
                delivery.next_attempt_at = retry_at
            if endpoint.failures >= pause_after() and endpoint.paused_at is None:
                _pause(endpoint, at)
        delivery.save(update_fields=["attempts", "state", "delivered_at", "next_attempt_at"])
        endpoint.save(update_fields=["failures", "paused_at"])


def _pause(endpoint: WebhookEndpoint, at: dt.datetime) -> None:
    endpoint.paused_at = at
    if endpoint.owner_id:
        Notification.objects.create(
            recipient_id=endpoint.owner_id,
            title=_("Webhook “%(name)s” đã tạm dừng") % {"name": endpoint.name},
            body=_(
                "%(n)d lần gửi liên tiếp đến %(url)s đều thất bại. Hãy kiểm tra hệ thống nhận, "
                "rồi bật lại điểm nhận trong trang quản trị."
            )
            % {"n": endpoint.failures, "url": endpoint.url},
            created_at=at,
        )


def resend(delivery: WebhookDelivery, *, at: dt.datetime | None = None) -> None:
    """An admin sends a delivery again (same id: the receiver may de-duplicate it)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=WebhookDelivery.State.PENDING, next_attempt_at=at or timezone.now()
    )


def due(now: dt.datetime | None = None):
    """Pending deliveries whose time has come (including those a dead worker left)."""
    now = now or timezone.now()
    return WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.PENDING,
        next_attempt_at__lte=now,
        endpoint__is_active=True,
        endpoint__paused_at__isnull=True,
    ).order_by("next_attempt_at")
