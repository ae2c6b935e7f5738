"""Counting each finished period's scorecard once, in the background (issue 17, item 6).

When a month, quarter or year ends, its scorecard can no longer change (it is read from the
history as of its last day), so the hourly schedule (`manage.py run_schedule`) enqueues
`store_finished_periods`: it counts the periods that just ended and are not stored yet, and the
pages read them from `UnitPeriodScore` afterwards. A page that asks before the worker has run
counts and stores the period itself (`scorecard.stored_counts`).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from directives.accountability.scorecard import FREQUENCIES, store_period
from directives.models import ScoredPeriod
from directives.periodic.periods import Period, period_of


def just_finished(today: dt.date) -> list[Period]:
    """The last finished month, quarter and year on `today`."""
    return [
        period_of(frequency, period_of(frequency, today).start - dt.timedelta(days=1))
        for frequency in FREQUENCIES
    ]


def store_missing(periods: list[Period]) -> list[str]:
    """Count and store those of `periods` not stored yet; returns the keys stored."""
    stored = set(
        ScoredPeriod.objects.filter(key__in=[p.key for p in periods]).values_list("key", flat=True)
    )
    done = []
    for period in periods:
        if period.key not in stored:
            store_period(period)
            done.append(period.key)
    return done


@task()
def store_finished_periods() -> str:
    """Store the scorecards of the month, quarter and year that ended last (if not stored)."""
    done = store_missing(just_finished(timezone.localdate()))
    return ", ".join(done) or "-"
