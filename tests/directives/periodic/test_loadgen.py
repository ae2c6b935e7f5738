"""Periodic reports in generate_load_data: the national monthly obligation and the provinces'."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse

from directives.models import ReportingObligation, ReportSubmission, Unit
from directives.periodic import slots

ARGS = ["--units", "200", "--documents", "6", "--assignments", "400", "--updates", "400"]
ARGS += ["--today", "2026-06-01", "--seed", "3", "--obligations", "5"]


@pytest.fixture
def generated(db, settings):
    settings.DEBUG = True
    call_command("generate_load_data", *ARGS, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_obligations_and_slots_at_every_frequency(generated):
    assert ReportingObligation.objects.count() == 5
    national = ReportingObligation.objects.order_by("pk").first()
    communes = Unit.objects.filter(kind="committee").count()
    # June 2025 (a year before 01/06/2026) to July 2026 (the month after), for every
    # people's committee of the country.
    assert national.submissions.count() == communes * 14
    assert set(ReportingObligation.objects.values_list("frequency", flat=True)) >= {
        "monthly",
        "quarterly",
        "half_yearly",
        "yearly",
    }
    states = Counter(ReportSubmission.objects.values_list("state", flat=True))
    assert all(states[s] for s in ("open", "submitted", "accepted", "returned"))
    assert not ReportSubmission.objects.exclude(state="open").filter(submitted_at=None).exists()


def test_generated_slots_are_what_the_command_would_make(generated):
    import datetime as dt

    # Running the hourly command on the generator's day adds nothing.
    assert slots.create_slots(dt.date(2026, 6, 1)).created == 0


def test_load_leader_sees_the_matrix(generated, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="load-central"))
    national = ReportingObligation.objects.order_by("pk").first()
    response = client.get(reverse("periodic_matrix", args=[national.pk]), {"year": 2026})
    assert response.status_code == 200
    assert (
        "Trang 1/" in response.content.decode()
        or Unit.objects.filter(kind="committee").count() <= 100
    )
