"""The benchmark's in-process half (bench/probe.py) and its page table (bench/pages.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load(name: str):
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture
def probe(db, settings):
    settings.DEBUG = True
    call_command(
        "generate_load_data",
        *["--units", "120", "--assignments", "300", "--documents", "4", "--seed", "5"],
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    return load("probe")


def test_page_table_is_well_formed():
    pages = load("pages")
    names = [p.name for p in pages.PAGES]
    assert len(names) == len(set(names))
    for page in pages.PAGES:
        assert page.method in {"GET", "POST"} and page.kind in {"page", "export"}
        assert (page.body is not None) == (page.method == "POST")
        assert page.auth in {"session", "token"}
        # Only the API takes a bearer token; its list and progress POST are measured with one.
        assert (page.auth == "token") <= page.url_name.startswith("api:")
    api = {(p.url_name, p.method): p.auth for p in pages.PAGES if p.url_name.startswith("api:")}
    assert api[("api:assignment_list", "GET")] == "token"
    assert api[("api:assignment_progress", "POST")] == "token"


def test_bench_pages_names_rows_by_comma_or_semicolon():
    chosen = load("pages").chosen
    assert chosen("") == set()
    assert chosen("home, staff;API progress POST") == {"home, staff", "API progress POST"}
    assert chosen("API assignment list, API progress POST") == {
        "API assignment list",
        "API progress POST",
    }


def test_page_table_covers_every_page_for_every_role_that_uses_it():
    """Issue 15: home, list, assignment page, calendar, notifications and three searches for
    every role; progress POST for staff; dashboards, as-of and the list behind a number for
    leaders and the inspector."""
    pages = load("pages").PAGES
    have = {(p.url_name, p.user, p.method) for p in pages}
    everyone = ("staff", "commune", "unit-leader", "leader", "central", "inspector")
    for user in everyone:
        for url_name in ("home", "assignment_list", "assignment_detail", "calendar_month"):
            assert (url_name, user, "GET") in have, (url_name, user)
        assert ("notification_list", user, "GET") in have
        searches = [p for p in pages if p.url_name == "search_results" and p.user == user]
        assert len({p.query for p in searches}) == 3, user
    for user in ("staff", "commune"):
        assert ("assignment_progress", user, "POST") in have
    for user in ("unit-leader", "leader", "central", "inspector"):
        boards = [p.query for p in pages if p.url_name == "dashboard" and p.user == user]
        assert any("on=" in q for q in boards) and any("on=" not in q for q in boards)
        assert ("dashboard_assignments", user, "GET") in have


def test_a_leaders_assignment_page_row_opens_one_they_may_see(probe):
    from directives.models import Assignment

    Page = load("pages").Page
    page = Page("assignment", "assignment_detail", "leader", {"pk": "{assignment}"})
    out = probe.collect([page])
    entry = out["pages"]["assignment"]
    assert entry["status"] == 200
    pk = int(entry["variants"][0]["path"].rstrip("/").rsplit("/", 1)[1])
    assert Assignment.objects.visible_to(probe.account("leader")).filter(pk=pk).exists()


def test_probe_counts_queries_and_reports_missing_pages(probe):
    Page = load("pages").Page
    out = probe.collect(
        [
            Page("home", "home", "staff"),
            Page("changelist", "admin:directives_assignment_changelist", "admin", query="x=1"),
            Page("missing", "no_such_page", "staff"),
            Page("missing user", "home", "nobody"),
        ]
    )
    home = out["pages"]["home"]
    assert home["available"] and home["status"] == 200 and home["queries"] >= 3
    assert home["variants"][0]["path"] == "/"
    assert out["pages"]["changelist"]["variants"][0]["path"].endswith("?x=1")
    assert home["cold_ms"] > 0 and home["warm_ms"] > 0
    assert out["pages"]["missing"] == {
        "user": "staff",
        "method": "GET",
        "kind": "page",
        "url_name": "no_such_page",
        "auth": "session",
        "available": False,
        "reason": "URL name 'no_such_page' does not resolve",
    }
    assert out["pages"]["missing user"]["reason"] == "no account load-nobody"
    assert len(out["sessions"]["staff"]) == probe.SESSIONS_PER_USER
    assert out["baseline_queries"]["staff"] >= 2
    assert out["dataset"]["assignments"] == 300


def test_probe_times_a_dashboard_uncached_and_reused(probe):
    """The cold time is a request after a data change: it reads the assignments again."""
    Page = load("pages").Page
    out = probe.collect([Page("dashboard", "dashboard", "leader", query="doc={document}")])
    board = out["pages"]["dashboard"]
    assert board["status"] == 200
    assert board["cold_ms"] > board["warm_ms"] > 0


def test_probe_gives_post_rows_one_assignment_each(probe):
    Page = load("pages").Page
    page = Page(
        "post",
        "admin:directives_assignment_change",
        "staff",
        {"object_id": "{assignment}"},
        method="POST",
        body={"progress-version": "{version}", "progress-percent": "{percent}"},
    )
    staff = probe.account("staff")
    variants = probe.variants(page, staff)
    assert len(variants) > 1
    assert len({v["path"] for v in variants}) == len(variants)
    assert all("progress-version=" in v["body"] and v["version"] for v in variants)


def test_probe_exports_the_large_document_and_counts_its_rows(probe):
    Page = load("pages").Page
    export = Page("export", "report_xlsx", "central", query="doc={big_document}", kind="export")
    out = probe.collect([export])
    measured = out["pages"]["export"]["export"]
    assert measured["status"] == 200
    assert measured["rows"] == 150  # min(10,000, 300 // 2): the central leader sees every row
    assert measured["bytes"] > 0


def test_probe_times_a_queued_export_by_building_its_file(probe, settings, tmp_path):
    """A report above the task threshold answers with a redirect and is built in the background
    (issue 19): the probe runs that task, so it times the file, not the redirect."""
    from directives.models import ExportFile

    settings.TRACKER_EXPORT_TASK_ROWS = 100
    settings.MEDIA_ROOT = tmp_path
    Page = load("pages").Page
    export = Page("export", "report_xlsx", "central", query="doc={big_document}", kind="export")
    measured = probe.collect([export])["pages"]["export"]["export"]
    assert measured["queued"] is True
    assert measured["status"] == 200
    assert measured["rows"] == 150
    assert measured["bytes"] > 1000  # a workbook, not a redirect's empty body
    assert not ExportFile.objects.exists()  # the kept file is removed after measuring


def test_probe_document_is_one_the_unit_leader_sees_part_of(probe):
    from directives.models import Assignment, Document, Membership

    Page = load("pages").Page
    page = Page("dashboard", "dashboard", "unit-leader", query="doc={document}")
    unit_leader = probe.account("unit-leader")
    path = probe.variants(page, unit_leader)[0]["path"]
    document = Document.objects.get(pk=int(path.rsplit("doc=", 1)[1]))
    province = Membership.objects.get(user__username="load-leader").unit
    district = Membership.objects.get(user=unit_leader).unit
    assert document.issuing_unit == province
    assert Assignment.objects.filter(
        directive__document=document, lead_unit__path__startswith=district.path
    ).exists()
    newer = Document.objects.filter(issuing_unit=province, issue_date__gt=document.issue_date)
    for other in newer:
        assert not Assignment.objects.filter(
            directive__document=other, lead_unit__path__startswith=district.path
        ).exists()


def test_probe_token_rows_use_a_bearer_token_and_no_session(probe, client):
    """The API rows are measured as machines use the API: a personal token of the account,
    made by the probe (a new one each run, the previous one revoked), no session cookie."""
    from directives.models import ApiToken, ProgressUpdate

    pages = load("pages")
    by_name = {p.name: p for p in pages.PAGES}
    rows = [by_name["API assignment list"], by_name["API progress POST"]]
    first = probe.collect(rows)
    key = first["tokens"]["staff"]
    assert key.startswith("tdnv_")
    listed, posted = (first["pages"][p.name] for p in rows)
    assert listed["auth"] == "token" and listed["status"] == 200
    assert posted["auth"] == "token" and posted["status"] == 201
    assert ProgressUpdate.objects.filter(note="Cập nhật qua API khi đo tải").count() == 1
    # The key works on its own, with no session: what wrk sends.
    assert "sessionid" not in client.cookies
    response = client.get(listed["variants"][0]["path"], HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json()["results"]
    # A second probe run revokes the first run's token: one bench token at a time.
    second = probe.collect(rows[:1])
    assert second["tokens"]["staff"] != key
    staff_tokens = ApiToken.objects.filter(user__username="load-staff", name="bench")
    assert staff_tokens.active().count() == 1
    stale = client.get(listed["variants"][0]["path"], HTTP_AUTHORIZATION=f"Bearer {key}")
    assert stale.status_code == 401


def test_probe_session_rows_get_no_token(probe):
    Page = load("pages").Page
    out = probe.collect([Page("home", "home", "staff")])
    assert out["tokens"] == {} and out["pages"]["home"]["auth"] == "session"


def test_a_page_slower_than_the_run_is_timed_alone_after_a_save_under_writes(monkeypatch):
    """When no request ends within a run, one is timed alone; under writes it follows a save,
    so it meets the page as the run's requests did, not the region they left in the cache."""
    run = load("run")
    events = []
    monkeypatch.setattr(run, "drain", lambda port: None)
    monkeypatch.setattr(
        run,
        "wrk",
        lambda port, method, variants, *args: {
            "requests": 0 if variants[0]["path"] == "/dashboard/" else 100,
            "rps": 0.0 if variants[0]["path"] == "/dashboard/" else 1000.0,
            "p50": 1.0,
            "p95": 2.0,
            "errors": 0,
        },
    )

    def fetch(port, path, *args):
        events.append(("fetch", path))
        return 2.5

    monkeypatch.setattr(run, "fetch", fetch)

    class Writes:
        def save(self):
            events.append(("save", None))

    page = {
        "user": "central",
        "method": "GET",
        "variants": [{"path": "/dashboard/", "body": ""}],
        "url_name": "dashboard",
    }
    probe = {
        "sessions": {"central": ["s1"]},
        "csrf": "c",
        "tokens": {},
        "baseline_queries": {"central": 2},
    }
    row: dict = {"queries": 54, "status": 200}  # from the probe
    run.measure(8000, "overview", page, probe, {}, row, Writes())
    timed = events.index(("fetch", "/dashboard/"), 2)  # after the two warm-up fetches
    assert events[timed - 1] == ("save", None)
    assert row["p50_ms"] == 2500 and "right after a save" in row["estimated"]

    events.clear()
    row = {"queries": 54, "status": 200}
    run.measure(8000, "overview", page, probe, {}, row)  # warm or cache off: no save
    assert ("save", None) not in events and "save" not in row["estimated"]
