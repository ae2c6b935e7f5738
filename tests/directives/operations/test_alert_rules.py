"""The shipped alert rules speak of metrics /metrics really exports."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

from directives.operations import metrics

RULES = Path(__file__).resolve().parents[3] / "deploy" / "prometheus-rules.yml"


def test_every_metric_in_the_alert_rules_is_exported(client, db):
    exported = client.get(reverse("metrics"), REMOTE_ADDR="127.0.0.1").content.decode()
    rules = RULES.read_text()
    used = set(re.findall(r"\b(tracker_[a-z_]+)", rules))
    assert "tracker_reminder_last_success_timestamp_seconds" in used
    # Request counters show once a request has been counted; their names are known before.
    counters = {f"{c._name}_total" for c in (metrics.REQUESTS, metrics.ERRORS)}
    for metric in used - counters:
        assert re.search(rf"^# TYPE {metric.removesuffix('_total')} ", exported, re.M), metric
    assert counters <= used  # the error-rate rule names the counters the middleware keeps


def test_the_reminder_alert_fires_after_two_hours():
    rules = RULES.read_text()
    assert "time() - max(tracker_reminder_last_success_timestamp_seconds) > 2 * 3600" in rules
