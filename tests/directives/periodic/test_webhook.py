"""The webhook event "report submitted" (issue 19): a periodic report sent by a unit reaches the
systems that listen, signed, after the commit — and a refused submission sends nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from directives.models import WebhookDelivery, WebhookEndpoint
from directives.periodic import actions
from tests.directives.webhooks.test_delivery import SECRET, Receiver


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def endpoint(receiver, tree):
    return WebhookEndpoint.objects.create(
        name="Hệ thống báo cáo tỉnh", url=receiver.url, secret=SECRET, events=["report.submitted"]
    )


def test_submitted_report_is_delivered_signed_after_commit(
    endpoint, receiver, slot_of, tree, people, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    slot = slot_of(tree["districts"][0])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.submit(
            slot,
            user=people["district_staff"],
            text="Đã quán triệt",
            figures={"Số lớp học (lớp)": "12"},
            at=at(dt.date(2020, 12, 16)),
        )
        assert WebhookDelivery.objects.get().state == "pending"
        assert receiver.requests == 0  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert receiver.bad_signatures == 0
    (body,) = receiver.processed
    assert body["event"] == "report.submitted"
    submitted = body["data"]["submission"]
    assert (submitted["id"], submitted["unit_id"], submitted["period"]) == (
        slot.pk,
        tree["districts"][0].pk,
        "2020-Q4",
    )
    assert submitted["late"] is True  # due 15/12/2020, sent on the 16th
    assert submitted["figures"] == {"Số lớp học (lớp)": "12"}


def test_refused_submission_sends_nothing(endpoint, receiver, slot_of, tree, people):
    slot = slot_of(tree["districts"][0])
    with pytest.raises(actions.PermissionDenied):
        actions.submit(slot, user=people["outsider"], text="Không phải của tôi")
    with pytest.raises(actions.SubmissionError):
        actions.submit(slot, user=people["district_staff"], text="")
    assert not WebhookDelivery.objects.exists()


def test_endpoint_not_listening_gets_no_delivery(endpoint, slot_of, tree, people):
    endpoint.events = ["progress.added"]
    endpoint.save()
    actions.submit(slot_of(tree["districts"][0]), user=people["district_staff"], text="Báo cáo")
    assert not WebhookDelivery.objects.exists()
