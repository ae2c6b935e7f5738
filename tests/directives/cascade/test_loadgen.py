"""generate_load_data splits a share of assignments, two levels down, keeping the rules."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from directives import aggregates
from directives.models import Assignment

ARGS = ["--units", "400", "--documents", "8", "--assignments", "2000", "--updates", "6000"]
ARGS += ["--today", "2026-06-01", "--seed", "3"]


@pytest.fixture
def generated(db, settings):
    settings.DEBUG = True
    call_command("generate_load_data", *ARGS, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_parts_lie_below_their_parents_and_end_no_later(generated):
    parts = Assignment.objects.exclude(parent=None).select_related("parent__lead_unit", "lead_unit")
    assert parts.filter(depth=1).exists() and parts.filter(depth=2).exists()
    for part in parts:
        parent = part.parent
        assert part.depth == parent.depth + 1
        assert part.assigned_by_unit_id == parent.lead_unit_id
        assert part.directive_id == parent.directive_id
        assert part.lead_unit.path.startswith(parent.lead_unit.path)
        assert part.lead_unit_id != parent.lead_unit_id
        assert parent.deadline is None or part.deadline <= parent.deadline
        assert parent.status in ("not_started", "in_progress")  # open work is split


def test_one_parent_has_a_hundred_parts(generated):
    # min(200, 2000 // 20): the benchmark's sizes give the full 200.
    widest = max(Assignment.objects.exclude(children=None), key=lambda a: a.children.count())
    assert widest.children.count() == 100


def test_parts_leave_the_maintained_counts_exact(generated):
    assert aggregates.differences() == []
