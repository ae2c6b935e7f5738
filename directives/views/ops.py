"""Operations: the health check a load balancer polls, and the benchmark's baseline page.

`/healthz` is public (the proxy has no session) and says only "ok" or "unavailable". The baseline
is an ordinary signed-in page rendering a tiny template through the full middleware stack, so the
benchmark can state every page's cost as a ratio to what Django itself costs here. The minimal
page is the baseline's own yardstick: one template, no session, no database — what the shell
(session, user, membership) adds to every page is the gap between the two.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" when the database answers a trivial query, else 503 — within 3 s either way:
    a new connection gives up after 2 s, a pooled one is waited for 2 s at most (settings), and
    on PostgreSQL the query itself may take 2 s."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL statement_timeout = 2000")
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("unavailable", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@require_GET
def baseline(request: HttpRequest) -> TemplateResponse:
    """A bare signed-in page: the yardstick every benchmarked page is divided by."""
    return TemplateResponse(request, "ops/baseline.html", {})


@require_GET
@login_not_required
def minimal(request: HttpRequest) -> TemplateResponse:
    """A public page of one template that reads neither the session nor the database."""
    return TemplateResponse(request, "ops/minimal.html", {})
