"""Error pages: plain, Vietnamese, never a traceback — and a 503 while the database is away.

Every handler renders without context processors, so an error page never needs the session,
the user or the database (which may be what failed). The stylesheet URL is looked up defensively
for the same reason.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.templatetags.static import static

# Seconds a browser (or a monitoring probe) is told to wait before trying again.
RETRY_AFTER_SECONDS = 30


def _stylesheet() -> str:
    try:
        return static("css/app.css")
    except ValueError:  # manifest storage without its manifest: still show a page
        return "/" + settings.STATIC_URL.strip("/") + "/css/app.css"


def render_error(template_name: str, status: int, context: dict | None = None) -> HttpResponse:
    body = loader.get_template(template_name).render(
        {"stylesheet": _stylesheet(), **(context or {})}
    )
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400, or 413 when the request body is over the limits (nothing was read, nothing written)."""
    if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        return render_error("errors/413.html", 413)
    from directives.params import BadParameter

    if request.path.startswith("/api/"):
        # The API answers in JSON even when a middleware refused the request (issue 19).
        from django.http import JsonResponse

        detail = str(exception) if isinstance(exception, BadParameter) else ""
        return JsonResponse({"detail": detail or "Bad request", "code": "invalid"}, status=400)
    # A refused parameter says which one and why (directives.params); nothing else is echoed.
    detail = str(exception) if isinstance(exception, BadParameter) else ""
    return render_error("errors/400.html", 400, {"detail": detail})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error("errors/403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render_error("errors/404.html", 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its token (an old tab, a cross-site post): say how to recover."""
    return render_error("errors/403_csrf.html", 403)


def is_database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, (OperationalError, InterfaceError))


def server_error(request: HttpRequest) -> HttpResponse:
    """500 — or 503 with Retry-After when the error is the database being unreachable.

    Django calls this while handling the exception, so `sys.exc_info()` tells which one. The
    connection is not reused after such an error (Django closes unusable connections at the end
    of the request and CONN_HEALTH_CHECKS tests persistent ones), so the next request after the
    database returns succeeds without restarting the application.
    """
    if is_database_unavailable(sys.exc_info()[1]):
        response = render_error("errors/503.html", 503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return render_error("errors/500.html", 500)
