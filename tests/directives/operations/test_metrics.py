"""/metrics: requests, latency and errors by view, reminder numbers from the database, and only
for the configured addresses."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from directives.models import ReminderRun
from directives.operations.proxies import parse_networks

MONITOR = "127.0.0.1"


def scrape(client, address: str = MONITOR, **headers) -> tuple[int, str]:
    response = client.get(reverse("metrics"), REMOTE_ADDR=address, **headers)
    return response.status_code, response.content.decode()


def value(text: str, metric: str, **labels: str) -> float:
    """The sample `metric{labels}` (labels in any order), or 0 when it is not there."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(metric):
            continue
        head, number = line.rsplit(" ", 1)
        found = dict(re.findall(r'(\w+)="([^"]*)"', head))
        if head.split("{")[0] == metric and all(found.get(k) == v for k, v in labels.items()):
            return float(number)
    return 0.0


def test_metrics_count_requests_and_latency_by_view(client, staff_user):
    _, before = scrape(client)
    client.force_login(staff_user)
    assert client.get(reverse("assignment_list")).status_code == 200
    _, after = scrape(client)
    labels = {"view": "assignment_list", "method": "GET", "status": "200"}
    assert value(after, "tracker_http_requests_total", **labels) == (
        value(before, "tracker_http_requests_total", **labels) + 1
    )
    assert value(
        after, "tracker_http_request_duration_seconds_count", view="assignment_list"
    ) > value(before, "tracker_http_request_duration_seconds_count", view="assignment_list")


def test_metrics_count_server_errors_by_view(client, db, monkeypatch):
    from directives.views import ops

    def broken(*args, **kwargs):
        raise OperationalError("the database is away")

    _, before = scrape(client)
    monkeypatch.setattr(ops.connection, "cursor", broken)
    assert client.get(reverse("healthz")).status_code == 503
    status, during = scrape(client)  # the database is away: request metrics still answer
    assert status == 200 and value(during, "tracker_database_up") == 0
    monkeypatch.undo()
    _, after = scrape(client)
    assert value(after, "tracker_database_up") == 1
    assert value(after, "tracker_http_requests_total", view="healthz", status="503") == (
        value(before, "tracker_http_requests_total", view="healthz", status="503") + 1
    )
    assert value(after, "tracker_http_errors_total", view="healthz") == (
        value(before, "tracker_http_errors_total", view="healthz") + 1
    )


def test_metrics_report_reminders_and_the_last_successful_run(
    transactional_db, assignment, staff_user, client
):
    # transactional_db: the worker below closes the connection, which would end a test's open
    # transaction on PostgreSQL.
    staff_user.email = "canbo@example.vn"
    staff_user.save()
    status, text = scrape(client)
    assert status == 200
    assert value(text, "tracker_reminder_last_success_timestamp_seconds") == 0  # never ran
    call_command("send_reminders", now="2021-02-02T08:00", stdout=io.StringIO())
    _, text = scrape(client)
    assert value(text, "tracker_reminders_sent_total") == 1
    assert value(text, "tracker_reminder_emails_sent_total") == 0  # queued, a worker sends it
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    _, text = scrape(client)
    assert value(text, "tracker_reminder_emails_sent_total") == 1
    last = value(text, "tracker_reminder_last_success_timestamp_seconds")
    assert abs(last - timezone.now().timestamp()) < 60
    assert value(text, "tracker_reminder_runs_failed_total") == 0


def test_a_failed_run_is_not_a_success(db, client, monkeypatch):
    from directives import reminders

    earlier = timezone.now() - dt.timedelta(hours=3)
    ReminderRun.objects.create(started_at=earlier, finished_at=earlier)

    def broken(now=None):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(reminders, "run", broken)
    with pytest.raises(RuntimeError):
        call_command("send_reminders", stdout=io.StringIO())
    _, text = scrape(client)
    # The alert "no success for 2 hours" still sees three hours.
    assert value(text, "tracker_reminder_last_success_timestamp_seconds") == pytest.approx(
        earlier.timestamp()
    )
    assert value(text, "tracker_reminder_runs_failed_total") == 1


def test_metrics_are_refused_to_other_addresses(client, db):
    status, text = scrape(client, "203.0.113.9")
    assert status == 403
    assert "tracker_http_requests_total" not in text


def test_metrics_through_the_proxy_are_refused_even_with_a_forged_header(client, db, settings):
    settings.TRACKER_TRUSTED_PROXIES = parse_networks(["127.0.0.1"], "test")
    # nginx on this host forwards an outsider who claims to be the monitor.
    status, _ = scrape(client, MONITOR, HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.9")
    assert status == 403
    status, _ = scrape(client, MONITOR)  # the monitor asking gunicorn directly
    assert status == 200


def test_allowed_networks_come_from_the_setting(client, db, settings):
    settings.TRACKER_METRICS_ALLOWED = parse_networks(["10.1.0.0/16"], "DJANGO_METRICS_ALLOWED")
    assert scrape(client, "10.1.2.3")[0] == 200
    assert scrape(client, MONITOR)[0] == 403


def test_metrics_need_no_sign_in_and_refuse_writes(client, db):
    assert client.post(reverse("metrics"), REMOTE_ADDR=MONITOR).status_code == 405


@pytest.mark.slow
def test_several_workers_are_added_up_in_multiprocess_mode(tmp_path):
    """As under gunicorn with PROMETHEUS_MULTIPROC_DIR: two processes answer a request each,
    a third answers /metrics and reports both."""
    from tests.test_settings import PRODUCTION, manage

    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {
        **PRODUCTION,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    ask = "from django.test import Client; print(Client().get({!r}, HTTP_HOST='theodoi.example.vn', secure=True, REMOTE_ADDR='127.0.0.1').content.decode())"  # noqa: E501
    for _ in range(2):
        assert manage("shell", "-c", ask.format("/healthz"), env=env).returncode == 0
    result = manage("shell", "-c", ask.format("/metrics"), env=env)
    assert result.returncode == 0, result.stderr
    assert value(result.stdout, "tracker_http_requests_total", view="healthz", method="GET") == 2
