"""Time the leaders' overview in-process, one render per user and date, with its slowest queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<bench database> \\
        .venv/bin/python bench/overview_time.py load-unit-leader load-leader load-central

The users are generate_load_data's accounts; each is timed for today and for a year ago.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402

import tracker.urls  # noqa: E402, F401 - the URLconf first, as a request would load it
from directives.leaders.overview import build_overview  # noqa: E402
from directives.leaders.overview_views import _context  # noqa: E402


def main(usernames: list[str]) -> None:
    translation.activate("vi")
    users = get_user_model().objects
    for name in usernames:
        user = users.get(username=name)
        for on in ["", (dt.date.today() - dt.timedelta(days=365)).isoformat()]:
            query = QueryDict(mutable=True)
            if on:
                query["on"] = on
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                context = _context(build_overview(user, query))
                render_to_string("directives/leader/overview.html", context)
            seconds = time.perf_counter() - start
            print(
                f"{name:18} on={on or 'today':10} {seconds:7.2f} s  {len(queries)} queries  "
                f"in scope={context['board'].totals.total}"
            )
            slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
            for q in slowest:
                print(f"    {q['time']} s  {q['sql'][:100]}")


if __name__ == "__main__":
    main(sys.argv[1:])
