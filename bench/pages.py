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
  {wide_parent}  the assignment with the most sub-assignments (200 in the load data, issue 17)
  {unit_of_staff}  the staff account's unit (the admin changelist filters on it)
  {obligation}  the periodic-report obligation with the most slots (every people's committee of
                the country, monthly)       {year}  the current year

Accounts (made by generate_load_data, prefix "load-"): staff (a department of the first
province), leader (leader of the first province), unit-leader (leader of one of its districts),
commune (staff of a commune), central (leader of the national root), inspector, admin (superuser).

`{assignment}` on a GET row is an open assignment the user's unit leads, or else (leaders, the
inspector) one they may see. A row whose URL name does not resolve is reported "not available" —
so rows for pages that are not merged yet are harmless. kind="export" rows are timed once
(seconds, peak memory, rows exported) instead of being loaded with wrk. `target` is the issue's
minimum ratio to the baseline's requests/s.
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
    # "session": the account's session cookies (and CSRF token on a POST), as a browser signs
    # in; "token": a personal API token (`Authorization: Bearer …`), as a machine does — no
    # cookie, no CSRF. The baseline page every row is divided by is always the session's.
    auth: str = "session"


BASELINE = "baseline"  # the URL name of the bare template page every figure is divided by

# Who uses which page (issue 15): staff and commune staff work on their unit's assignments;
# district, province and central leaders and the inspector read across units.
STAFF = ("staff", "commune")
LEADERS = ("unit-leader", "leader", "central", "inspector")
WHO = {
    "staff": "staff",
    "commune": "commune staff",
    "unit-leader": "district leader",
    "leader": "province leader",
    "central": "central leader",
    "inspector": "inspector",
}
# Three searches: a common word, a rare one, a unit's name.
SEARCHES = (("common word", "ke+hoach"), ("rare word", "bien+gioi"), ("unit name", "nam+can"))


def _everyone() -> list[Page]:
    rows: list[Page] = []
    for user in (*STAFF, *LEADERS):
        who = WHO[user]
        rows += [
            Page(f"home, {who}", "home", user, target=0.15),
            Page(f"list, {who}", "assignment_list", user, target=0.15),
            Page(
                f"assignment page, {who}",
                "assignment_detail",
                user,
                {"pk": "{assignment}"},
                target=0.20,
            ),
            Page(f"calendar, {who}", "calendar_month", user, target=0.15),
            Page(f"notifications, {who}", "notification_list", user, target=0.15),
        ]
        rows += [
            Page(f"search {label}, {who}", "search_results", user, query=f"q={q}", target=0.15)
            for label, q in SEARCHES
        ]
    for user in STAFF:
        rows.append(
            Page(
                f"progress POST, {WHO[user]}",
                "assignment_progress",
                user,
                {"pk": "{assignment}"},
                method="POST",
                body={
                    "progress-percent": "{percent}",
                    "progress-note": "Cập nhật khi đo tải",
                    "progress-version": "{version}",
                },
                target=0.20,
            )
        )
    for user in LEADERS:
        who = WHO[user]
        rows += [
            Page(f"dashboard, {who}", "dashboard", user, query="doc={document}", target=0.15),
            Page(
                f"dashboard, past as-of, {who}",
                "dashboard",
                user,
                query="doc={document}&on={past}",
                target=0.15,
            ),
            Page(
                f"dashboard's overdue list, {who}",
                "dashboard_assignments",
                user,
                query="doc={document}&group=overdue_unfinished",
                target=0.15,
            ),
        ]
    return rows


PAGES: list[Page] = [
    *_everyone(),
    Page(
        "admin changelist, same filter",
        "admin:directives_assignment_changelist",
        "admin",
        query="lead_unit__id__exact={unit_of_staff}",
    ),
    # The JSON API (issue 19): the same list and the same write, by the same staff account,
    # authenticated as the systems around the tracker are: a read-and-write personal token the
    # probe makes for the account (its rate limit still counted; run.py raises the budget).
    Page("API assignment list", "api:assignment_list", "staff", target=0.15, auth="token"),
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
        target=0.20,
        auth="token",
    ),
    Page("Excel export", "report_xlsx", "central", query="doc={big_document}", kind="export"),
    # Sub-assignments (issue 17): the page of the parent with 200 parts, its roll-up and list of
    # parts read in one query whatever their number (the central leader sees every province).
    Page(
        "parent page, 200 parts, central",
        "assignment_detail",
        "central",
        {"pk": "{wide_parent}"},
        target=0.20,
    ),
    # The unit scorecard (issue 17): every lead unit of the scope scored for the last finished
    # quarter, read from the counts stored when it ended (bench/run.py stores them after the
    # data set is made, as the hourly task does): the central leader ranks every unit of the
    # country (100 per page), a province leader its own. The quarter under way is counted live
    # from the stored state of what falls due in it.
    Page("scorecard, central", "scorecard", "central", target=0.15),
    Page("scorecard, province", "scorecard", "leader", target=0.15),
    Page("scorecard Excel export", "scorecard_xlsx", "central", kind="export"),
    Page(
        "scorecard, quarter under way, province",
        "scorecard",
        "leader",
        query="period={current_quarter}",
        target=0.15,
    ),
    # Periodic reports (issue 18): the national monthly obligation, seen by the central leader
    # (every unit) and by a province leader (its own units).
    Page("periodic list, central", "periodic_list", "central"),
    Page(
        "periodic period page, central",
        "periodic_obligation",
        "central",
        {"pk": "{obligation}"},
    ),
    Page(
        "periodic matrix, central",
        "periodic_matrix",
        "central",
        {"pk": "{obligation}"},
        query="year={year}",
    ),
    Page(
        "periodic matrix, province",
        "periodic_matrix",
        "leader",
        {"pk": "{obligation}"},
        query="year={year}",
    ),
    Page(
        "periodic matrix Excel",
        "periodic_matrix_xlsx",
        "central",
        {"pk": "{obligation}"},
        query="year={year}",
        kind="export",
    ),
    Page(
        "periodic compiled Word",
        "periodic_compiled_docx",
        "central",
        {"pk": "{obligation}"},
        kind="export",
    ),
    # The overview across every document (issue 14): three leaders, today and a year ago.
    Page("overview, central", "dashboard", "central", target=0.15),
    Page("overview, province", "dashboard", "leader", target=0.15),
    Page("overview, district", "dashboard", "unit-leader", target=0.15),
    Page("overview, central, past", "dashboard", "central", query="on={past}", target=0.15),
    Page("overview, province, past", "dashboard", "leader", query="on={past}", target=0.15),
    Page("overview, district, past", "dashboard", "unit-leader", query="on={past}", target=0.15),
    Page("overview Excel export", "overview_xlsx", "central", kind="export"),
]


# The saves made in the background while each dashboard is measured again "under writes"
# (issue 14): this row's variants, at WRITES_PER_SECOND.
WRITER = "progress POST, staff"
WRITES_PER_SECOND = 2


def chosen(spec: str) -> set[str]:
    """The row names of a BENCH_PAGES value: comma-separated, or semicolon-separated when a
    name has a comma ("Excel export;dashboard, province"); empty means every row."""
    return {name.strip() for name in spec.split(";" if ";" in spec else ",") if name.strip()}
