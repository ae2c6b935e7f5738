"""EXPLAIN ANALYZE of the queries the pages make, on the benchmark data (PostgreSQL).

    DATABASE_URL=postgres://…/tracker_bench_1000000 .venv/bin/python bench/explain.py [name …]

Prints each query's plan and time; docs/performance.md records what they showed.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.utils import timezone  # noqa: E402

from directives.leaders.dashboard import Dashboard  # noqa: E402
from directives.leaders.reporting import build_report  # noqa: E402
from directives.models import (  # noqa: E402
    Assignment,
    AssignmentTally,
    Document,
    ProgressUpdate,
    Unit,
)


def user(name: str):
    return get_user_model().objects.get(username=f"load-{name}")


def unit_of(name: str) -> Unit:
    return user(name).membership.unit


def dashboard_rows(name: str, document: Document, **params) -> object:
    """The dashboard's one query over its document, as the page builds it."""
    data = QueryDict(mutable=True)
    data.update({"doc": str(document.pk), **params})
    report = build_report(user(name), data)
    return Dashboard(report).rows_queryset()


def queries() -> dict[str, object]:
    today = timezone.localdate()
    staff_unit = unit_of("staff")
    province = unit_of("leader")
    listing = Assignment.objects.select_related("directive__document", "lead_unit")
    some = Assignment.objects.filter(lead_unit=staff_unit).order_by("pk").first()
    province_document = Document.objects.filter(issuing_unit=province).latest("issue_date")
    big_document = Document.objects.annotate(n=Count("directives__assignments")).latest("n")
    return {
        "staff_list": listing.visible_to(user("staff")).standing_order(on=today)[:25],
        "staff_count": Assignment.objects.visible_to(user("staff")).values("pk"),
        "province_leader_list": listing.visible_to(user("leader")).standing_order(on=today)[:25],
        "unit_leader_list": listing.visible_to(user("unit-leader")).standing_order(on=today)[:25],
        "central_list": listing.visible_to(user("central")).standing_order(on=today)[:25],
        "admin_changelist_filter": listing.filter(lead_unit=staff_unit).order_by("-pk")[:50],
        "assignment_visible": Assignment.objects.filter(pk=some.pk).visible_to(user("staff")),
        "assignment_history": ProgressUpdate.objects.filter(assignment=some).order_by(
            "-created_at", "-pk"
        ),
        "unit_subtree": Unit.objects.subtree_of(province),
        "tally_province": AssignmentTally.objects.filter(unit=province),
        "tally_root": AssignmentTally.objects.filter(unit=unit_of("central")),
        "dashboard_province": dashboard_rows("leader", province_document),
        "dashboard_province_past": dashboard_rows(
            "leader", province_document, on=(today - dt.timedelta(days=365)).isoformat()
        ),
        "dashboard_unit": dashboard_rows("unit-leader", province_document),
        "dashboard_big_document_central": dashboard_rows("central", big_document),
        "overdue_in_province": Assignment.objects.filter(
            lead_unit__path__startswith=province.path
        ).overdue(on=today - dt.timedelta(days=0)),
    }


def main(names: list[str]) -> None:
    for name, qs in queries().items():
        if names and name not in names:
            continue
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"=== {name}\n{sql % tuple(repr(p) for p in params)}\n{plan}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
