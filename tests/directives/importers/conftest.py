"""Fixtures of the intake's tests."""

from __future__ import annotations

import pytest

from tests.directives.importers.tree import build_local_units


@pytest.fixture
def corpus_units(db):
    """The demo's unit tree and events: what the corpus names."""
    from directives.demo import EVENTS, build_units
    from directives.models import Event

    build_units()
    build_local_units()
    for name, start, end in EVENTS:
        Event.objects.create(name=name, date=start, end_date=end)
