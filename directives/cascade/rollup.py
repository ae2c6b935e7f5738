"""A parent's roll-up: how its sub-assignments stand, for its page.

One query reads the direct children with their standing on the date; the figures are added up
from those rows, so the page costs the same with 2 children or 200. The mean percent is the
plain (unweighted) mean of the children's percent — each part counts the same, done ones at 100 —
with closed (suspended) parts left out, as they no longer contribute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from directives.models import Assignment, Standing, Status


@dataclass
class Rollup:
    children: list[Assignment] = field(default_factory=list)
    done: int = 0
    closed: int = 0
    overdue: int = 0
    mean_percent: Decimal | None = None
    # Children whose deadline passes the parent's (or who have none while it has one).
    late_deadlines: list[Assignment] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.children)

    @property
    def open(self) -> int:
        return self.total - self.done - self.closed


def rollup(parent: Assignment, *, on: dt.date) -> Rollup:
    """The figures of `parent`'s direct sub-assignments as of today's records, judged on `on`."""
    children = list(
        Assignment.objects.filter(parent=parent)
        .with_standing(on=on)
        .select_related("lead_unit", "responsible_user")
        .order_by("deadline", "pk")
    )
    result = Rollup(children=children)
    percents = []
    for child in children:
        if child.status == Status.DONE:
            result.done += 1
        elif child.status == Status.SUSPENDED:
            result.closed += 1
        if child.status != Status.SUSPENDED and child.standing_value == Standing.OVERDUE:
            result.overdue += 1
        if child.status != Status.SUSPENDED:
            percents.append(100 if child.status == Status.DONE else child.percent)
        if parent.deadline is not None and (
            child.deadline is None or child.deadline > parent.deadline
        ):
            result.late_deadlines.append(child)
    if percents:
        result.mean_percent = (Decimal(sum(percents)) / len(percents)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    return result
