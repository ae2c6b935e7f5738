"""Large exports run as a task: the user is told, then notified with a link only they can use."""

from __future__ import annotations

import pytest
from django.test import Client

from directives.models import ExportFile, Notification
from tests.factories import AssignmentFactory, DirectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def big(settings, document, lead_unit, assignment):
    settings.TRACKER_EXPORT_TASK_ROWS = 1  # two assignments count as "large" here
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    AssignmentFactory(directive=DirectiveFactory(document=document), lead_unit=lead_unit)
    return document


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_large_export_arrives_by_notification(
    big, leader_user, unit_leader, kind, django_capture_on_commit_callbacks
):
    client = _client(leader_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/dashboard/report.{kind}", {"doc": big.pk})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    export = ExportFile.objects.get(user=leader_user)
    assert export.rows == 2 and export.name.endswith(f".{kind}")
    notice = Notification.objects.get(recipient=leader_user)
    assert f"/account/exports/{export.pk}/" in notice.body
    download = client.get(f"/account/exports/{export.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] in (b"PK", b"\xef\xbb")
    # Nobody else gets the file, even with its address.
    assert _client(unit_leader).get(f"/account/exports/{export.pk}/").status_code == 404


def test_small_export_is_built_in_the_request(leader_user, assignment, document, settings):
    settings.TRACKER_EXPORT_TASK_ROWS = 2000
    response = _client(leader_user).get("/dashboard/report.xlsx", {"doc": document.pk})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert not ExportFile.objects.exists()
