"""Periodic reports in the load data (directives.loadgen): obligations and their slots at scale.

Called by the generator after the assignments, inside its transaction, with its own random
stream (so the rest of the data set is the same with or without it). Obligation 1 is the issue's
worst case: every commune committee of the country reports monthly to the national root (about
nine in ten of the units, × 12 months); the others report to a province — its districts, its
communes or its boards — at every frequency. Slots cover the year before `today` and the next
period; past ones are mostly submitted (some late, returned or never), current ones partly.
Submitted slots carry their submission time but no trail rows (the pages read the slots).
"""

from __future__ import annotations

import datetime as dt
import random

from directives import freshness
from directives.models import ReportingObligation, ReportSubmission, UnitKind
from directives.periodic import periods as P
from directives.periodic import slots as slot_rules

FREQUENCIES = (P.MONTHLY, P.QUARTERLY, P.HALF_YEARLY, P.YEARLY)
DUE_RULES = {
    P.MONTHLY: "ngày 20 của tháng cuối kỳ, lùi về ngày làm việc trước",
    P.QUARTERLY: "ngày 15 của tháng cuối kỳ",
    P.HALF_YEARLY: "5 ngày làm việc sau kỳ",
    P.YEARLY: "trước ngày 20/12 hằng năm",
}


def default_count(assignments: int) -> int:
    """100 obligations from 100,000 assignments up; fewer for small data sets."""
    return min(100, max(2, assignments // 1000))


def generate(gen, count: int) -> dict[str, int]:
    """Write `count` obligations and their slots; returns the counts for the report."""
    rng = random.Random(gen.o.seed + 18)  # noqa: S311 - synthetic data, not secrets
    today = gen.o.today
    starts_on = today - dt.timedelta(days=365)
    documents = {}
    for dir_id, _issued, province in gen.directive_info:
        documents.setdefault(province["id"] if province else None, dir_id)
    from directives.models import Directive

    doc_of = dict(
        Directive.objects.filter(pk__in=documents.values()).values_list("pk", "document_id")
    )
    obligations = []
    for index in range(count):
        province = gen.provinces[index % len(gen.provinces)]
        if index == 0:
            under, kind, chosen, receiver = gen.root, UnitKind.COMMITTEE, [], gen.root
            frequency = P.MONTHLY
            directive = documents.get(None) or next(iter(documents.values()))
        else:
            frequency = FREQUENCIES[index % len(FREQUENCIES)]
            style = index % 3
            under, kind, chosen = province["id"], "", []
            if style == 0:
                kind = UnitKind.COMMITTEE
            elif style == 1:
                kind = UnitKind.DISTRICT
            else:
                under, chosen = None, province["bodies"]
            receiver = province["id"]
            directive = documents.get(province["id"]) or next(iter(documents.values()))
        obligation = ReportingObligation.objects.create(
            document_id=doc_of[directive],
            directive_id=directive,
            title=f"Báo cáo định kỳ thử tải số {index + 1}",
            frequency=frequency,
            due_rule=DUE_RULES[frequency],
            units_under_id=under,
            units_kind=kind,
            receiving_unit_id=receiver,
            figures="Số việc đã làm (việc)",
            starts_on=starts_on,
        )
        if chosen:
            obligation.units.set(chosen)
        obligations.append(obligation)
    columns = [
        "id",
        "obligation_id",
        "unit_id",
        "period_key",
        "period_start",
        "period_end",
        "cutoff_date",
        "due_date",
        "state",
        "version",
        "submitted_at",
        "figures",
    ]
    horizon = slot_rules.horizon(today)

    next_id = (
        ReportSubmission.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1

    # Everything read from the database is read first: nothing may be queried on the connection
    # while COPY streams the rows.
    plan = []
    for obligation in obligations:
        unit_ids = list(obligation.reporting_units().values_list("pk", flat=True))
        for period in obligation.periods(starts_on, horizon):
            plan.append((obligation.pk, period, *obligation.dates_for(period), unit_ids))

    def rows():
        pk = next_id
        for obligation_id, period, cutoff, due, unit_ids in plan:
            for unit_id in unit_ids:
                state, submitted = _state(rng, period, due, today)
                pk += 1
                yield (
                    pk - 1,
                    obligation_id,
                    unit_id,
                    period.key,
                    period.start.isoformat(),
                    period.end.isoformat(),
                    cutoff.isoformat(),
                    due.isoformat(),
                    state,
                    1 if state == "open" else 2,
                    submitted,
                    "{}",
                )

    written = gen.writer.write(ReportSubmission, columns, rows())
    freshness.data_changed(freshness.PERIODIC)  # COPY sends no signal
    return {"reporting_obligations": len(obligations), "report_submissions": written}


def _state(rng: random.Random, period: P.Period, due: dt.date, today: dt.date):
    if period.start > today:
        return "open", None
    roll = rng.random()
    past_due = due < today
    if (past_due and roll < 0.15) or (not past_due and roll < 0.6):
        return "open", None
    late = past_due and roll > 0.85
    day = (
        due + dt.timedelta(days=rng.randint(1, 20))
        if late
        else due - dt.timedelta(days=rng.randint(0, 10))
    )
    day = min(day, today)
    stamp = f"{day.isoformat()} 02:00:00+00"
    if past_due and 0.80 < roll <= 0.85:
        return "returned", stamp
    if past_due and roll < 0.6:
        return "accepted", stamp
    return "submitted", stamp
