"""The tests' demo world written back from rows (tests/demo_snapshot.py) is the one seed_demo
builds: the same rows in every table, and pages that read it see it (data versions renewed)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from directives import freshness
from tests import demo_snapshot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _seeded_tables() -> dict:
    return {
        table: set(rows.rows)
        for table, rows in demo_snapshot._read_all().items()
        if table not in {"django_content_type", "auth_permission"}  # re-created by each flush
    }


def test_rows_written_back_are_the_rows_the_seed_made(monkeypatch, client):
    monkeypatch.setattr(demo_snapshot, "_snapshots", {})
    demo_snapshot.seed()  # for real, noting what it adds
    assert list(demo_snapshot._snapshots.values())[0], "the demo could not be copied"
    seeded = _seeded_tables()
    assert sum(map(len, seeded.values())) > 500  # units, assignments, history, users…
    first = _overview(client)

    call_command("flush", interactive=False, verbosity=0)
    monkeypatch.setattr(demo_snapshot, "_seed_for_real", lambda: pytest.fail("seeded again"))
    version = freshness.data_version()
    demo_snapshot.seed()
    assert _seeded_tables() == seeded
    # Every page's data version is renewed, as the seed's own writes renew them: no page
    # cached from the database as it was before is shown again.
    assert freshness.data_version() != version
    assert _overview(client) == first


def test_a_table_already_holding_rows_is_seeded_for_real(monkeypatch):
    monkeypatch.setattr(demo_snapshot, "_snapshots", {})
    demo_snapshot.seed()
    calls = []
    monkeypatch.setattr(demo_snapshot, "_seed_for_real", lambda: calls.append(1))
    demo_snapshot.seed()  # the demo is there already: its rows cannot be inserted twice
    assert calls == [1]


def _overview(client) -> str:
    """The province leader's overview, without what differs between two requests."""
    client.force_login(get_user_model().objects.get(username="lanhdao"))
    page = client.get(reverse("dashboard")).content.decode()
    assert "Ban Tuyên giáo Tỉnh ủy" in page  # the founding document's lead units, ranked
    return re.sub(r'(nonce|value)="[^"]*"|"X-CSRFToken": "[^"]*"', "", page)
