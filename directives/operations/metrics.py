"""Metrics for Prometheus at /metrics, for the monitoring host only.

Why prometheus-client rather than django-prometheus: we want a handful of numbers an operator acts
on (requests, latency and errors by view; reminders sent and failed; when reminders last ran) and
an access rule of our own, not a metric for every model, cache and database call. The official
client gives exactly that, and its multiprocess mode is what gunicorn needs: with
PROMETHEUS_MULTIPROC_DIR set (deploy/theodoi.service), every worker writes its counters to that
folder and whichever worker answers /metrics adds them all up.

Request metrics are counted by :func:`observe` (middleware, outermost). The reminder numbers are
read from the database when /metrics is asked, since `send_reminders` runs in its own process
(a systemd timer): every app server then reports the same, true numbers.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from directives.operations.proxies import client_ip, is_in

REQUESTS = Counter(
    "tracker_http_requests",
    "Requests answered, by view (URL name), method and status code.",
    ["view", "method", "status"],
)
ERRORS = Counter(
    "tracker_http_errors",
    "Requests answered with a server error (5xx, the database being away included), by view.",
    ["view"],
)
LATENCY = Histogram(
    "tracker_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def view_label(request: HttpRequest) -> str:
    """The URL's name ('assignment_detail', 'admin:index'): a small, fixed set of labels."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"  # 404s and requests refused before the URL was looked up
    return match.view_name or "unnamed"


def observe(get_response: Callable[[HttpRequest], HttpResponse]):
    """Count and time every request (the outermost middleware, so refusals count too)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = get_response(request)
        view = view_label(request)
        REQUESTS.labels(view, request.method, str(response.status_code)).inc()
        LATENCY.labels(view).observe(time.perf_counter() - started)
        if response.status_code >= 500:
            ERRORS.labels(view).inc()
        return response

    return middleware


class ReminderCollector:
    """Reminder numbers read from the database at each scrape."""

    def collect(self):
        from directives.models import Notification, Reminder, ReminderRun

        yield CounterMetricFamily(
            "tracker_reminders_sent",
            "Reminders (đôn đốc) created, automatic and by leaders.",
            value=Reminder.objects.count(),
        )
        emails = Notification.objects.aggregate(
            sent=Count("pk", filter=Q(emailed_at__isnull=False)),
            failing=Count("pk", filter=Q(emailed_at__isnull=True, email_attempts__gt=0)),
        )
        yield CounterMetricFamily(
            "tracker_reminder_emails_sent", "E-mails accepted by the mail server.", emails["sent"]
        )
        yield GaugeMetricFamily(
            "tracker_reminder_emails_failing",
            "E-mails tried at least once and not yet accepted (retried each run for a week).",
            value=emails["failing"],
        )
        runs = ReminderRun.objects.aggregate(
            last_success=Max("finished_at", filter=Q(succeeded=True)),
            last_run=Max("finished_at"),
            failed=Count("pk", filter=Q(succeeded=False)),
        )
        yield CounterMetricFamily(
            "tracker_reminder_runs_failed", "Runs of send_reminders that failed.", runs["failed"]
        )
        for name, moment, text in (
            ("tracker_reminder_last_success_timestamp_seconds", runs["last_success"], "success"),
            ("tracker_reminder_last_run_timestamp_seconds", runs["last_run"], "run"),
        ):
            # 0 when there has never been one, so "time() - x > 7200" fires for a new install too.
            yield GaugeMetricFamily(
                name,
                f"When the last {text} of send_reminders finished (Unix time).",
                value=moment.timestamp() if moment else 0,
            )


_DATABASE = CollectorRegistry(auto_describe=False)
_DATABASE.register(ReminderCollector())


def exposition() -> bytes:
    """Every worker's request metrics (multiprocess mode) or this process's, then the database's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    try:
        from_database = generate_latest(_DATABASE)
        up = 1
    except DatabaseError:
        from_database, up = b"", 0  # the request metrics still tell what users are getting
    database_up = (
        "# HELP tracker_database_up Whether the reminder numbers could be read just now.\n"
        f"# TYPE tracker_database_up gauge\ntracker_database_up {up}\n"
    ).encode()
    return generate_latest(registry) + from_database + database_up


@require_GET
@never_cache
@login_not_required
def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics, for addresses in DJANGO_METRICS_ALLOWED only (default: this host)."""
    if not is_in(client_ip(request), settings.TRACKER_METRICS_ALLOWED):
        from tracker.errors import render_error

        return render_error("errors/403.html", 403)
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
