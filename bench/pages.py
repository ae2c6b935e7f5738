"""The pages the benchmark measures — the ONE table to edit.

Each row names a Django URL (by name), the load account that requests it, and optional URL
kwargs, query string and POST body. Values may use these placeholders, filled per data set by
bench/probe.py:

  {assignment} {version} {percent}  an assignment the user's unit leads (not done), its version
                                    and percent; POST rows rotate over many such assignments, and
                                    run.py sends each the version it has by then (one more per
                                    save), so every POST is saved — run.py counts the saves
  {unit}        the user's unit id          {province}  the province (leader's unit) id
  {today}       today, YYYY-MM-DD           {past}      a past as-of date, a year ago
  {document}    the newest document of the first province (the leader's) that the unit-leader
                also sees part of (an assignment led in the district's subtree)
  {big_document}  the document with the most assignments: the load data's large central one
                (min(10,000, half the assignments)), not the newest, so not the default
  {unit_of_staff}  the staff account's unit (the admin changelist filters on it)

Accounts (made by generate_load_data, prefix "load-"): staff (a department of the first
province), leader (leader of the first province), unit-leader (leader of one of its districts),
commune (staff of a commune), central (leader of the national root), inspector, admin (superuser).

A row whose URL name does not resolve is reported "not available" — so rows for pages that are
not merged yet are harmless. kind="export" rows are timed once (seconds, peak memory, rows
exported) instead of being loaded with wrk. `target` is the issue's minimum ratio to the
baseline's requests/s.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    name: str
    url_name: str
    user: str
    kwargs: dict[str, str] = field(default_factory=dict)
    query: str = ""
    method: str = "GET"
    body: dict[str, str] | None = None
    kind: str = "page"  # "page" (wrk) or "export" (timed once, with peak memory)
    target: float | None = None


BASELINE = "baseline"  # the URL name of the bare template page every figure is divided by

PAGES: list[Page] = [
    Page("home, staff", "home", "staff"),
    Page("home, province leader", "home", "leader"),
    Page("home, central leader", "home", "central"),
    # Pages built on other branches: the rows are ready for when they are merged.
    Page("staff list", "assignment_list", "staff", target=0.15),
    Page(
        "admin changelist, same filter",
        "admin:directives_assignment_changelist",
        "admin",
        query="lead_unit__id__exact={unit_of_staff}",
    ),
    Page("assignment page", "assignment_detail", "staff", {"pk": "{assignment}"}, target=0.20),
    Page(
        "progress POST",
        "assignment_progress",
        "staff",
        {"pk": "{assignment}"},
        method="POST",
        body={
            "progress-percent": "{percent}",
            "progress-note": "Cập nhật khi đo tải",
            "progress-version": "{version}",
        },
        target=0.15,
    ),
    # The JSON API (issue 19): the same list and the same write, by the same staff account
    # (its session; a bearer token takes the same path after one indexed look-up).
    Page("API assignment list", "api:assignment_list", "staff", target=0.15),
    Page(
        "API progress POST",
        "api:assignment_progress",
        "staff",
        {"pk": "{assignment}"},
        method="POST",
        body={
            "percent": "{percent}",
            "note": "Cập nhật qua API khi đo tải",
            "version": "{version}",
        },
        target=0.15,
    ),
    Page("dashboard, province", "dashboard", "leader", query="doc={document}", target=0.10),
    Page("dashboard, unit", "dashboard", "unit-leader", query="doc={document}", target=0.10),
    Page(
        "dashboard, past as-of",
        "dashboard",
        "leader",
        query="doc={document}&on={past}",
        target=0.10,
    ),
    Page("calendar", "calendar_month", "staff"),
    Page("search", "search_results", "staff", query="q=ke+hoach"),
    Page("Excel export", "report_xlsx", "central", query="doc={big_document}", kind="export"),
]
