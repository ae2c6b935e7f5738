"""Rendered regions of the leaders' pages kept in the shared cache (the dashboard, the overview).

A region is reused only while the data it shows is unchanged: its key holds the data versions
of its scopes (`directives.freshness`) — a document's for its dashboard, the leader's unit's (or
everything's) for the overview — so a write expires only the regions that can show it. It also
holds the language, the day (overdue counts move at midnight) and the full URL (filters, date).

A new release's regions are new too: the key holds a fingerprint of the code, templates and
compiled translations the process runs (`release`), so after a deployment no region rendered by
the old templates is served until the next write.

Who may reuse a region: the dashboard's holds the session's CSRF token in its decision forms,
so it is kept per session and CSRF cookie; the overview's holds no token, so it is kept per user
(what it shows is decided by the user, the URL and the data).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from directives import freshness

# How long an unused rendered region stays in the cache; the data versions, not this, keep it
# right.
REGION_SECONDS = 3600
# For the benchmark (and operators): whether an answer reused a cached region.
REGION_CACHE_HEADER = "X-Region-Cache"


@functools.cache
def release() -> str:
    """A fingerprint of what renders a region: every Python module, template and compiled
    catalogue of the project (names, sizes and modification times), read once per process."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder in ("directives", "templates", "locale", "tracker"):
        for parent, dirs, files in sorted(os.walk(root / folder)):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".py", ".html", ".mo")):
                    stat = (Path(parent) / name).stat()
                    digest.update(f"{parent}/{name}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def region_key(request: HttpRequest, name: str, scopes: list[str], *, per_session: bool):
    """The cache key of this request's region, or None when it must not be cached."""
    if not settings.DASHBOARD_REGION_CACHE or not scopes:
        return None
    if per_session:
        session = request.session.session_key
        csrf = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
        if not (session and csrf):
            return None
        owner = [session, csrf]
    else:
        owner = [str(request.user.pk)]
    version = freshness.data_version(*scopes)
    if version is None:
        return None
    parts = [
        release(),
        version,
        *owner,
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        request.get_full_path(),
    ]
    return f"tracker:{name}:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cached(key: str | None):
    """What is kept under `key` (a region, or another value kept by its data versions: the
    periodic reports' count); None on a miss, without a key or without the cache."""
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - without the cache the region is computed, as on a miss
        return None


def keep(key: str | None, region) -> None:
    """Keep `region` (or another value) under `key` for an hour unused, if the cache answers."""
    if key is None:
        return
    with contextlib.suppress(Exception):  # without the cache the next request computes it again
        cache.set(key, region, REGION_SECONDS)


def kept(name: str, scope: str, parts: list[str], compute: Callable[[], object]):
    """`compute()`, kept in the shared cache under `scope`'s data version (with the epoch) and
    `parts`; computed each time when the caches of computed data are off
    (DJANGO_DASHBOARD_CACHE=0) or the cache cannot be reached. For values, not regions: the
    reports-due count, the list's directive choices."""
    version = freshness.data_version(scope) if settings.DASHBOARD_REGION_CACHE else None
    if version is None:
        return compute()
    key = f"tracker:{name}:" + hashlib.sha256("\n".join([version, *parts]).encode()).hexdigest()
    found = cached(key)  # None on a miss or without the cache: computed
    if found is None:
        found = compute()
        keep(key, found)
    return found


def cache_state(key: str | None, computed: bool) -> str:
    return "off" if key is None else "miss" if computed else "hit"


def respond(
    request: HttpRequest,
    key: str | None,
    *,
    page: str,
    name: str,
    partial: bool,
    compute: Callable[[], dict],
) -> HttpResponse:
    """The region `name` of template `page`, reused under `key` or computed (`compute` gives its
    context) and kept; alone for an htmx swap (`partial`), else in its page (which shows the
    `region` it is given)."""
    region = cached(key)
    context: dict = {}
    if region is None:
        context = compute()
        region = render_to_string(f"{page}#{name}", context, request=request)
        keep(key, region)
    region = mark_safe(region)  # noqa: S308 - our own template's output, escaped when rendered
    if partial:
        response = HttpResponse(region)
    else:
        response = TemplateResponse(request, page, {**context, "region": region})
    response[REGION_CACHE_HEADER] = cache_state(key, bool(context))
    return response
