"""Every page × role of bench/pages.py timed in this process, with its query count.

    DJANGO_DEBUG=0 DJANGO_SECRET_KEY=… DATABASE_URL=postgres://…/tracker_perf \
        .venv/bin/python bench/inprocess.py [substring …]

For each row (whose name contains one of the substrings, when given): one warm-up request, then
three timed ones (median and best, milliseconds), and the SQL queries of one more request under
CaptureQueriesContext. POST rows send the version the assignment has by then, so each is a
save. API rows also run with a bearer token (made here, `bench` of the account, kept). No wrk,
no gunicorn: a quick way to find the slow pages before `make bench` measures them properly.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]

import probe  # noqa: E402  (sets Django up)
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pages import PAGES, Page  # noqa: E402

from directives.models import Assignment  # noqa: E402

TIMED = 3


def request(client: Client, page: Page, variant: dict, headers: dict):
    if page.method == "POST":
        # Send the version the assignment has now, so every POST is a save.
        pk = variant["path"].rstrip("/").split("/")[-2]
        version = Assignment.objects.filter(pk=pk).values_list("version", flat=True).first()
        body = QueryDict(variant["body"], mutable=True)
        for key in body:
            if key.endswith("version"):
                body[key] = str(version)
        return client.post(
            variant["path"],
            body.urlencode(),
            content_type="application/x-www-form-urlencoded",
            **headers,
        )
    return client.get(variant["path"], **headers)


def run(page: Page, user, token: str | None) -> dict:
    variant = probe.variants(page, user)[0]
    client = Client()
    headers = {}
    if token:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    else:
        client.force_login(user)
    response = request(client, page, variant, headers)  # warm-up
    timings = []
    for _ in range(TIMED):
        started = time.perf_counter()
        response = request(client, page, variant, headers)
        _ = b"".join(response) if response.streaming else response.content
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = request(client, page, variant, headers)
    return {
        "status": response.status_code,
        "median_ms": round(statistics.median(timings), 1),
        "best_ms": round(min(timings), 1),
        "queries": len(captured),
        "path": variant["path"],
    }


def main(wanted: list[str]) -> None:
    users: dict[str, object] = {}
    results = []
    for page in PAGES:
        if page.kind != "page" or (wanted and not any(w in page.name for w in wanted)):
            continue
        user = users.get(page.user) or probe.account(page.user)
        users[page.user] = user
        modes = [None]
        if page.url_name.startswith("api:"):
            modes.append(probe.token_for(user))
        for token in modes:
            name = page.name + (" (token)" if token else "")
            try:
                row = {"name": name, **run(page, user, token)}
            except Exception as error:  # noqa: BLE001 - report and go on to the next page
                row = {"name": name, "error": repr(error)[:200]}
            results.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
