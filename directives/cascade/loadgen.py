"""Sub-assignments in the synthetic load data (issue 17), for `generate_load_data`.

A share of the open top-level assignments led by a province or a district is split: a
province's parts go to its districts (and some of those parts on to the district's communes —
two levels down), a district's to its communes. One province-led assignment gets `WIDE` parts
(fewer below 4,000 assignments), the benchmark's "parent with 200 children". `--assignments`
counts the top-level assignments; the parts come on top. Every part keeps the rules: its lead
unit lies below its parent's, its assigner is the parent's lead unit, its deadline is not later
than the parent's (with its initial DeadlineChange), and its history follows TRANSITIONS (not
started, or started with one progress update). The parts draw from a random generator of their
own, so the rest of the data is the same with or without them.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import F
from django.db.models.functions import Mod

from directives.models import Assignment, DeadlineChange, ProgressUpdate, Status, UnitKind

# One in SHARE of the candidate parents (by id) (open, led by a province or a district) is split.
SHARE = 20
WIDE = 200
PARTS = [
    "Triển khai trên địa bàn",
    "Tổng hợp số liệu, báo cáo kết quả",
    "Tuyên truyền, phổ biến",
    "Kiểm tra, đôn đốc cơ sở",
]
NS, IP = Status.NOT_STARTED.value, Status.IN_PROGRESS.value


def generate(gen) -> dict[str, int]:
    """Write the parts for generator `gen` (directives.loadgen.Generator) after its
    assignments; returns the counts to report."""
    rng = random.Random(gen.o.seed * 7919 + 17)  # noqa: S311 - synthetic data
    below: dict[int, list[int]] = {}
    for info in gen.provinces:
        below[info["id"]] = info["districts"] or info["bodies"]
        n = len(info["districts"])
        for c, commune in enumerate(info["communes"]):
            below.setdefault(info["districts"][c % n], []).append(commune)
    fields = ("pk", "directive_id", "lead_unit_id", "deadline", "deadline_basis")
    candidates = Assignment.objects.filter(
        status__in=[NS, IP],
        lead_unit__kind__in=[UnitKind.PROVINCE, UnitKind.DISTRICT],
        parent__isnull=True,
    ).order_by("pk")
    wide = candidates.filter(lead_unit__kind=UnitKind.PROVINCE).values_list(*fields).first()
    parents = list(
        candidates.annotate(pick=Mod(F("pk"), SHARE)).filter(pick=0).values_list(*fields)
    )
    if wide is not None:
        parents = [wide, *(p for p in parents if p[0] != wide[0])]
    rows: dict[str, list] = {"assignments": [], "updates": [], "changes": []}
    # Small runs (tests) keep the wide parent in proportion; any benchmark size has all 200.
    wide_count = min(WIDE, max(2, gen.o.assignments // 20))
    for parent in parents:
        units = below.get(parent[2])
        if not units:
            continue
        n = wide_count if parent is wide else rng.randint(2, 4)
        for i in range(n):
            child = _part(gen, rng, rows, parent, units[i % len(units)], depth=1)
            grand = below.get(child[2])
            if grand and parent is not wide and rng.random() < 0.5:
                for j in range(rng.randint(1, 3)):
                    _part(gen, rng, rows, child, grand[j % len(grand)], depth=2)
    _write(gen, rows)
    gen.report.wide_parent = wide[0] if wide else None
    return {
        "sub_assignments": len(rows["assignments"]),
        "split_parents": sum(1 for p in parents if below.get(p[2])),
    }


def _part(gen, rng, rows, parent: tuple, lead: int, *, depth: int) -> tuple:
    """One part of `parent` (pk, directive, lead, deadline, basis) for `lead`; returns the same
    shape for the part, so it can be split in turn."""
    ids = gen.ids
    pk = ids[Assignment]
    ids[Assignment] += 1
    parent_pk, directive, parent_lead, deadline, basis = parent
    if deadline is not None:
        earlier = rng.randrange(0, 10)
        deadline = deadline - dt.timedelta(days=earlier)
        if earlier or not basis:  # the parent's basis names the parent's date
            basis = f"Trước ngày {deadline:%d/%m/%Y}"
    today = gen.today
    created_day = min(today, (deadline or dt.date.fromordinal(today)).toordinal() - 20)
    created_day = max(created_day, today - 400)
    created = _stamp(gen, rng, created_day, 0)
    status = IP if rng.random() < 0.5 else NS
    percent, last, version = 0, None, 1
    author = gen.lead_member.get(lead)
    if status == IP:
        start = min(today, created_day + rng.randrange(1, 8))
        last = _stamp(gen, rng, start, 1)
        rows["updates"].append(
            (ids[ProgressUpdate], pk, author, lead, last, "Bắt đầu thực hiện", 0, "", "", NS, IP)
        )
        ids[ProgressUpdate] += 1
        percent = rng.randint(10, 90)
        last = _stamp(gen, rng, min(today, start + rng.randrange(1, 20)), 2)
        rows["updates"].append(
            (ids[ProgressUpdate], pk, author, lead, last, "Đang thực hiện phần việc", percent,
             "", "", "", "")
        )  # fmt: skip
        ids[ProgressUpdate] += 1
        version += 2
    d_iso = deadline.isoformat() if deadline is not None else None
    if deadline is not None or basis:
        rows["changes"].append(
            (ids[DeadlineChange], pk, DeadlineChange.Kind.INITIAL.value, None, d_iso, basis, "",
             None, created)
        )  # fmt: skip
        ids[DeadlineChange] += 1
        version += 1
    result = rng.choice(PARTS)
    rows["assignments"].append(
        (pk, directive, lead, "", result, d_iso, basis, d_iso, 0, status, False, percent, None,
         None, version, last, created, parent_pk, parent_lead, depth)
    )  # fmt: skip
    return (pk, directive, lead, deadline, basis)


def _stamp(gen, rng, ordinal: int, seq: int) -> str:
    second = 3600 + seq * 600 + rng.randrange(600)
    return (
        f"{gen.iso(ordinal)} {second // 3600:02d}:{second % 3600 // 60:02d}:"
        f"{second % 60:02d}{gen.writer.tz}"
    )


def _write(gen, rows) -> None:
    from directives.loadgen import _assignment_search, _progress_search

    w = gen.writer
    w.write(
        Assignment,
        [
            "id", "directive_id", "lead_unit_id", "contact_person", "expected_result", "deadline",
            "deadline_basis", "original_deadline", "extension_count", "status", "redo",
            "percent", "completed_on", "reported_done_on", "version", "last_update_at",
            "created_at", "parent_id", "assigned_by_unit_id", "depth", "search_title",
            "search_text",
        ],
        [(*row, *_assignment_search(row[4], row[3], row[6])) for row in rows["assignments"]],
    )  # fmt: skip
    w.write(
        ProgressUpdate,
        [
            "id", "assignment_id", "author_id", "unit_id", "created_at", "note", "percent",
            "difficulties", "proposals", "status_before", "status_after", "search_text",
        ],
        [(*row, _progress_search(row[5], row[7], row[8])) for row in rows["updates"]],
    )  # fmt: skip
    w.write(
        DeadlineChange,
        [
            "id", "assignment_id", "kind", "old_deadline", "new_deadline", "new_basis", "reason",
            "changed_by_id", "changed_at",
        ],
        rows["changes"],
    )  # fmt: skip
