"""Which changes become webhook events: post_save receivers write a delivery row per listening
endpoint in the change's own transaction, and enqueue its sending after the commit."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from directives.models import (
    Assignment,
    ExplanationRequest,
    ExtensionRequest,
    ProgressUpdate,
    Reminder,
    Status,
    WebhookDelivery,
    WebhookEndpoint,
)
from directives.models.webhook import Event


def emit(event: str, payload: dict) -> list[WebhookDelivery]:
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(is_active=True, paused_at__isnull=True)
        if event in (e.events or [])
    ]
    if not endpoints:
        return []
    deliveries = [
        WebhookDelivery.objects.create(endpoint=e, event=event, payload=payload) for e in endpoints
    ]

    def enqueue():
        from directives.webhooks.tasks import deliver

        for delivery in deliveries:
            deliver.enqueue(str(delivery.pk))

    transaction.on_commit(enqueue)
    return deliveries


def _assignment_data(assignment_id: int) -> dict:
    row = (
        Assignment.objects.filter(pk=assignment_id)
        .values("id", "directive_id", "lead_unit_id", "status", "percent", "deadline", "version")
        .first()
    )
    return {k: (str(v) if k == "deadline" and v else v) for k, v in (row or {}).items()}


@receiver(post_save, sender=Assignment, dispatch_uid="webhook-assignment")
def _assignment_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        emit(Event.ASSIGNMENT_CREATED, {"assignment": _assignment_data(instance.pk)})


@receiver(post_save, sender=ProgressUpdate, dispatch_uid="webhook-progress")
def _progress_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    data = {
        "assignment": _assignment_data(instance.assignment_id),
        "entry": {
            "id": instance.pk,
            "note": instance.note,
            "percent": instance.percent,
            "coordinating": instance.coordinating,
            "status_before": instance.status_before,
            "status_after": instance.status_after,
        },
    }
    if instance.status_after:
        emit(Event.ASSIGNMENT_CHANGED, data)
        if instance.status_after == Status.DONE:
            emit(Event.ASSIGNMENT_DONE, data)
    else:
        emit(Event.PROGRESS_ADDED, data)


@receiver(post_save, sender=ExtensionRequest, dispatch_uid="webhook-extension")
def _extension_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    data = {
        "assignment": _assignment_data(instance.assignment_id),
        "extension": {
            "id": instance.pk,
            "new_deadline": str(instance.new_deadline),
            "reason": instance.reason,
            "state": instance.state,
        },
    }
    if created:
        emit(Event.EXTENSION_REQUESTED, data)
    elif instance.decided_at is not None:
        emit(Event.EXTENSION_DECIDED, data)


@receiver(post_save, sender=ExplanationRequest, dispatch_uid="webhook-explanation")
def _explanation_saved(sender, instance, created, raw=False, **kwargs):
    """A request for explanation sent, and its answer (issue 17)."""
    if raw:
        return
    data = {
        "assignment": _assignment_data(instance.assignment_id),
        "explanation": {
            "id": instance.pk,
            "question": instance.question,
            "reply_by": str(instance.reply_by),
            "answered": instance.answered_at is not None,
        },
    }
    if created:
        emit(Event.EXPLANATION_REQUESTED, data)
    elif instance.answered_at is not None:
        data["explanation"]["answer"] = instance.answer
        data["explanation"]["answered_at"] = instance.answered_at.isoformat()
        emit(Event.EXPLANATION_ANSWERED, data)


@receiver(post_save, sender=Reminder, dispatch_uid="webhook-overdue")
def _reminder_saved(sender, instance, created, raw=False, **kwargs):
    """The hourly reminders notice an assignment past its deadline: it has fallen overdue."""
    if not created or raw or instance.kind not in (Reminder.Kind.DUE, Reminder.Kind.OVERDUE_WEEKLY):
        return
    data = _assignment_data(instance.assignment_id)
    deadline = data.get("deadline")
    if deadline and deadline < timezone.localtime(instance.created_at).date().isoformat():
        emit(Event.ASSIGNMENT_OVERDUE, {"assignment": data, "reminder": instance.kind})


def report_submitted(submission, event, *, files: int) -> list[WebhookDelivery]:
    """A unit sent its periodic report (first time or again after a return): called by
    `periodic.actions.submit` inside its transaction, so the delivery exists exactly when the
    submission does and is sent after the commit."""
    return emit(
        Event.REPORT_SUBMITTED,
        {
            "submission": {
                "id": submission.pk,
                "obligation_id": submission.obligation_id,
                "obligation": submission.obligation.title,
                "unit_id": submission.unit_id,
                "period": submission.period_key,
                "period_start": str(submission.period_start),
                "period_end": str(submission.period_end),
                "due_date": str(submission.due_date),
                "state": submission.state,
                "version": submission.version,
                "submitted_at": submission.submitted_at.isoformat(),
                "late": timezone.localtime(submission.submitted_at).date() > submission.due_date,
                "figures": submission.figures,
                "files": files,
            },
            "event_id": event.pk,
        },
    )
