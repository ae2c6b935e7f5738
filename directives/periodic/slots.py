"""Submission slots, created ahead of time: one per obligation, period and reporting unit.

:func:`create_slots` is idempotent: a slot that exists is left as it is (its unique constraint
makes a second run, or two at once, add nothing), so the hourly scheduler may call it freely.
Slots are made for every period from the obligation's start up to the period that follows
`today` (so units see next period's due date before it opens), never past the obligation's end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from directives import freshness
from directives.models import ReportingObligation, ReportSubmission
from directives.periodic import periods as P

BATCH = 2000


@dataclass
class SlotSummary:
    obligations: int = 0
    created: int = 0
    skipped: list[str] | None = None  # obligations whose rules cannot date a period


def horizon(today: dt.date) -> dt.date:
    """The last day slots are made for: the end of the month after `today`'s (one period ahead
    for monthly reports; the next quarter, half-year or year opens within it at the latest)."""
    first_next = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return (first_next + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def create_slots_for(obligation: ReportingObligation, today: dt.date) -> int:
    """Create the missing slots of one obligation; returns how many were created."""
    periods = obligation.periods(obligation.starts_on, horizon(today))
    if not periods:
        return 0
    unit_ids = list(obligation.reporting_units().values_list("pk", flat=True))
    if not unit_ids:
        return 0
    existing = set(
        ReportSubmission.objects.filter(
            obligation=obligation, period_key__in=[p.key for p in periods]
        ).values_list("period_key", "unit_id")
    )
    missing = []
    for period in periods:
        cutoff, due = obligation.dates_for(period)
        end = period.end if period.frequency != P.ONCE else due
        for unit_id in unit_ids:
            if (period.key, unit_id) in existing:
                continue
            missing.append(
                ReportSubmission(
                    obligation=obligation,
                    unit_id=unit_id,
                    period_key=period.key,
                    period_start=period.start,
                    period_end=end,
                    cutoff_date=cutoff,
                    due_date=due,
                )
            )
    created = 0
    for start in range(0, len(missing), BATCH):
        batch = missing[start : start + BATCH]
        # ignore_conflicts: a concurrent run that got there first is not an error.
        ReportSubmission.objects.bulk_create(batch, ignore_conflicts=True)
        created += len(batch)
    if missing:  # bulk_create sends no signal: the "not submitted" counts must see them
        freshness.data_changed(freshness.PERIODIC)
    return created


def create_slots(today: dt.date) -> SlotSummary:
    """Create the missing slots of every active obligation (see the module docstring)."""
    summary = SlotSummary(skipped=[])
    for obligation in ReportingObligation.objects.filter(active=True).order_by("pk"):
        summary.obligations += 1
        try:
            summary.created += create_slots_for(obligation, today)
        except P.RuleError as error:
            summary.skipped.append(f"{obligation.pk}: {error}")
    return summary
