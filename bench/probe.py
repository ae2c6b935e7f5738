"""In-process half of the benchmark: runs inside Django against the benchmark database.

Prints one JSON object: which pages resolve, their request variants (paths, bodies), session
cookies per account, an API token per account that has a token row (`auth="token"`), the SQL
query count of each page (Django's test client under CaptureQueriesContext: a first visit, so
nothing cached is used), the time of one request right after a data change and of the same
request repeated, and, for export rows, time, peak memory and the number of rows exported.
bench/run.py calls it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import sys
import time
import tracemalloc
from functools import cache
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402
from pages import BASELINE, PAGES, WRITER, Page, chosen  # noqa: E402

from directives.api import exports as large_export  # noqa: E402
from directives.leaders.reporting import build_report  # noqa: E402
from directives.leaders.views import _with_defaults  # noqa: E402
from directives.models import (  # noqa: E402
    TAKES_PROGRESS,
    Assignment,
    Document,
    ExportFile,
    Membership,
    ProgressUpdate,
    Status,
    Unit,
)

SESSIONS_PER_USER = 8
POST_VARIANTS = 60
settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def account(user: str):
    return get_user_model().objects.get(username=f"load-{user}")


def unit_id(user) -> int | None:
    membership = Membership.objects.filter(user=user).first()
    return membership.unit_id if membership else None


@cache
def big_document() -> str:
    """The document with the most assignments (the load data's large central one)."""
    rows = (
        Assignment.objects.values("directive__document")
        .annotate(n=Count("pk"))
        .order_by("-n", "directive__document")[:1]
    )
    return str(rows[0]["directive__document"]) if rows else ""


@cache
def wide_parent() -> str:
    """The assignment with the most sub-assignments (the load data's 200-part parent)."""
    rows = (
        Assignment.objects.filter(parent__isnull=False)
        .values("parent")
        .annotate(n=Count("pk"))
        .order_by("-n", "parent")[:1]
    )
    return str(rows[0]["parent"]) if rows else "0"


@cache
def province_document(province: int | None, district: int | None) -> str:
    """The newest document of the province that the district's leader also sees part of (one
    led inside the district's subtree), so the province and unit dashboards show the same
    document; the province's newest if none is."""
    documents = Document.objects.filter(issuing_unit_id=province).newest_first()
    if district is not None:
        path = Unit.objects.get(pk=district).path
        led_inside = Assignment.objects.filter(
            directive__document=OuterRef("pk"), lead_unit__path__startswith=path
        )
        chosen = documents.filter(Exists(led_inside)).values_list("pk", flat=True).first()
        if chosen is not None:
            return str(chosen)
    return str(documents.values_list("pk", flat=True).first() or "")


@cache
def biggest_obligation() -> str:
    """The periodic-report obligation with the most slots (the load data's national monthly
    one: every people's committee of the country × 14 months)."""
    from directives.models import ReportSubmission

    rows = (
        ReportSubmission.objects.values("obligation")
        .annotate(n=Count("pk"))
        .order_by("-n", "obligation")[:1]
    )
    return str(rows[0]["obligation"]) if rows else "0"


def district_of_unit_leader() -> int | None:
    try:
        return unit_id(account("unit-leader"))
    except get_user_model().DoesNotExist:
        return None


def context_rows(page: Page, user) -> list[dict[str, str]]:
    """Placeholder values; several rows (one per assignment) for POST pages."""
    unit = unit_id(user)
    staff_unit = unit_id(account("staff"))
    leader_unit = unit_id(account("leader"))
    today = timezone.localdate()
    base = {
        "unit": str(unit or ""),
        "unit_of_staff": str(staff_unit or ""),
        "province": str(leader_unit or ""),
        "today": today.isoformat(),
        "past": (today - dt.timedelta(days=365)).isoformat(),
        "document": province_document(leader_unit, district_of_unit_leader()),
        "big_document": big_document(),
        "wide_parent": wide_parent(),
        "obligation": biggest_obligation(),
        "year": str(today.year),
        "current_quarter": f"{today.year}-Q{(today.month - 1) // 3 + 1}",
    }
    own = unit or staff_unit
    # GET pages show one open assignment the unit leads. POST rows need many: a variant sent
    # again while its previous save is still in flight would be refused as a conflict, so the
    # rotation should be several times the connections — open ones it leads first, then what
    # it coordinates; only work that takes progress (not awaiting sign-off, done or suspended).
    mine = Q(lead_unit_id=own) | Q(coordinating_units=own)
    candidates = (
        Assignment.objects.filter(pk__in=Assignment.objects.filter(mine).values("pk"))
        .filter(status__in=TAKES_PROGRESS)
        .annotate(
            led_open=Case(
                When(~Q(status=Status.DONE) & Q(lead_unit_id=own), then=Value(0)),
                default=Value(1),
            )
        )
        .order_by("led_open", "deadline", "pk")
        .values_list("pk", "version", "percent")
    )
    if page.method != "POST":
        candidates = candidates.filter(led_open=0)
    limit = POST_VARIANTS if page.method == "POST" else 1
    found = list(candidates[:limit])
    if not found and page.method != "POST":
        # Leaders and the inspector lead nothing themselves: an open assignment they may see.
        found = list(
            Assignment.objects.visible_to(user)
            .exclude(status=Status.DONE)
            .order_by("deadline", "pk")
            .values_list("pk", "version", "percent")[:1]
        )
    rows = [
        {**base, "assignment": str(pk), "version": str(v), "percent": str(p)} for pk, v, p in found
    ]
    return rows or [{**base, "assignment": "0", "version": "1", "percent": "0"}]


def fill(template: str, values: dict[str, str]) -> str:
    return template.format(**values)


def variants(page: Page, user) -> list[dict[str, str]]:
    out = []
    for values in context_rows(page, user):
        kwargs = {k: fill(v, values) for k, v in page.kwargs.items()}
        path = reverse(page.url_name, kwargs=kwargs or None)
        if page.query:
            path += "?" + fill(page.query, values)
        body = urlencode({k: fill(v, values) for k, v in (page.body or {}).items()})
        out.append(
            {
                "path": path,
                "body": body,
                "version": values.get("version", ""),
                "assignment": values.get("assignment", ""),
            }
        )
    return out


def token_for(user) -> str:
    """A new read-and-write API token named "bench" for the load account; returns its key.

    The account's earlier "bench" tokens are revoked (the key of each is never kept, so a later
    run could not use them anyway). The token counts as just used: its "last used" is written
    at most every few minutes, so a machine's requests almost never pay for that write."""
    from directives.actions import create_api_token
    from directives.models import ApiToken
    from directives.models.api_token import Scope

    ApiToken.objects.active().filter(user=user, name="bench").update(revoked_at=timezone.now())
    token, key = create_api_token(user, name="bench", scopes=Scope.WRITE)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return key


def count_queries(
    page: Page, user, variant: dict[str, str], bearer: str = ""
) -> tuple[int, int, int]:
    client = Client()
    headers = {}
    if bearer:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {bearer}"
    else:
        client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        if page.method == "POST":
            response = client.post(
                variant["path"],
                variant["body"],
                content_type="application/x-www-form-urlencoded",
                **headers,
            )
        else:
            response = client.get(variant["path"], **headers)
        size = len(b"".join(response) if response.streaming else response.content)
    return len(captured), response.status_code, size


def cold_and_warm(
    page: Page, user, variant: dict[str, str], bearer: str = ""
) -> tuple[float, float]:
    """Milliseconds of one GET right after a data change (nothing cached can be reused) and of
    the same GET repeated (what the cached dashboard region saves); both in this process."""
    from directives.freshness import data_changed

    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer}"} if bearer else {}
    if not bearer:
        client.force_login(user)
    client.get(variant["path"], **headers)  # templates compiled, CSRF cookie set
    timings = []
    for renew in (True, False):
        if renew:
            data_changed()
        started = time.perf_counter()
        response = client.get(variant["path"], **headers)
        _ = b"".join(response) if response.streaming else response.content
        timings.append(round((time.perf_counter() - started) * 1000, 1))
    return timings[0], timings[1]


def fetch_export(client: Client, user, path: str) -> tuple[int, bytes, bool]:
    """(status, file, queued) of an export as its user gets it.

    A large report's export answers with a redirect to the notifications and is built by a
    background task (issue 19): that task is run here, as the worker runs it, so the time is
    what the user waits for the file, not the redirect's (the benchmark timed 0.19 s for a
    10,000-row Excel file that way). The kept file is read, then removed.
    """
    response = client.get(path)
    body = b"".join(response) if response.streaming else response.content
    if response.status_code != 302 or response.url != reverse("notification_list"):
        return response.status_code, body, False
    url = urlsplit(path)
    kind = "csv" if url.path.endswith(".csv") else "xlsx"
    export = ExportFile.objects.get(pk=large_export.export_report.call(user.pk, url.query, kind))
    with export.file.open("rb") as kept:
        body = kept.read()
    export.file.delete(save=False)
    export.delete()
    return 200, body, True


def measure_export(page: Page, user, variant: dict[str, str]) -> dict:
    client = Client()
    client.force_login(user)
    started = time.perf_counter()
    status, body, queued = fetch_export(client, user, variant["path"])
    seconds = time.perf_counter() - started
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    status, _, _ = fetch_export(client, user, variant["path"])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # The rows the export writes: the report's assignments for the same filters.
    query = QueryDict(urlsplit(variant["path"]).query)
    rows = build_report(user, _with_defaults(query)).listed().count()
    return {
        "status": status,
        "queued": queued,  # built by the background task, run here (seconds include it)
        "rows": rows,
        "seconds": round(seconds, 3),
        "peak_python_mb": round(peak / 2**20, 1),
        "max_rss_mb": round(rss_after / 1024, 1),
        "rss_growth_mb": round((rss_after - rss_before) / 1024, 1),
        "bytes": len(body),
    }


def sessions(user) -> list[str]:
    cookies = []
    for _ in range(SESSIONS_PER_USER):
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return cookies


def collect(pages: list[Page] = PAGES) -> dict:
    out: dict = {
        "pages": {},
        "sessions": {},
        # API token of each account that has a row with auth="token" (one per account, as a
        # system of the province would hold one).
        "tokens": {},
        "csrf": get_random_string(32),
        "dataset": {
            # As generate_load_data's --assignments: top-level ones, their parts beside them.
            "assignments": Assignment.objects.filter(parent=None).count(),
            "sub_assignments": Assignment.objects.exclude(parent=None).count(),
            "progress_updates": ProgressUpdate.objects.count(),
            "vendor": connection.vendor,
        },
    }
    users: dict[str, object] = {}
    for page in pages:
        entry: dict = {
            "user": page.user,
            "method": page.method,
            "kind": page.kind,
            "url_name": page.url_name,
            "auth": page.auth,
        }
        out["pages"][page.name] = entry
        try:
            user = users.get(page.user) or account(page.user)
            users[page.user] = user
            reverse(page.url_name, kwargs={k: "1" for k in page.kwargs} or None)
        except NoReverseMatch:
            entry.update(available=False, reason=f"URL name '{page.url_name}' does not resolve")
            continue
        except get_user_model().DoesNotExist:
            entry.update(available=False, reason=f"no account load-{page.user}")
            continue
        entry["available"] = True
        first = variants(page, user)[0]
        if page.kind == "export":
            entry["export"] = measure_export(page, user, first)
            continue
        bearer = ""
        if page.auth == "token":
            bearer = out["tokens"].get(page.user) or token_for(user)
            out["tokens"][page.user] = bearer
        entry["queries"], entry["status"], entry["bytes"] = count_queries(page, user, first, bearer)
        if page.method == "GET":
            entry["cold_ms"], entry["warm_ms"] = cold_and_warm(page, user, first, bearer)
        # Variants after the query count: a POST there moved one assignment's version on.
        entry["variants"] = variants(page, user)
        entry["baseline"] = reverse(BASELINE)
    for name, user in users.items():
        out["sessions"][name] = sessions(user)
    out["baseline_queries"] = {
        name: count_queries(Page("baseline", BASELINE, name), user, {"path": reverse(BASELINE)})[0]
        for name, user in users.items()
    }
    return out


if __name__ == "__main__":
    # Only the rows run.py will load (BENCH_PAGES): a partial run skips the others' probing
    # (their query counts, and exports that take minutes at a million assignments).
    only = chosen(os.environ.get("BENCH_PAGES", ""))
    if only:
        only.add(WRITER)  # its variants are the background writes of the "under writes" rows
    json.dump(collect([p for p in PAGES if not only or p.name in only]), sys.stdout)
