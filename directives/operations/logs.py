"""Structured logs: every record carries the request's id and the client's address, and with
DJANGO_LOG_FORMAT=json each is one JSON object per line (for journald, Loki, Elasticsearch…).

The request id comes from our proxy's `X-Request-ID` (deploy/nginx.conf sets it, so nginx's log
and ours share it) when the request comes from a trusted proxy and the id looks like one;
otherwise a new one is made. It goes back to the client in the `X-Request-ID` header, so a user
reporting a problem can quote it.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from directives.operations.proxies import client_ip, is_in

_CONTEXT: contextvars.ContextVar[dict | None] = contextvars.ContextVar("request", default=None)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
access_log = logging.getLogger("directives.requests")


def request_id_for(request: HttpRequest) -> str:
    offered = request.META.get("HTTP_X_REQUEST_ID", "")
    from_proxy = is_in(request.META.get("REMOTE_ADDR"), settings.TRACKER_TRUSTED_PROXIES)
    if from_proxy and _REQUEST_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


def request_context(get_response: Callable[[HttpRequest], HttpResponse]):
    """Give the request an id, expose it (and the client address) to every log record made while
    it is answered, and log one line per request when DJANGO_LOG_FORMAT=json."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request.id = request_id_for(request)
        # Kept until the response is finished (below), so Django's own "Not Found: …" and
        # "Request Entity Too Large: …" lines, written after the middleware returns, carry it.
        _CONTEXT.set({"request_id": request.id, "client": client_ip(request)})
        started = time.perf_counter()
        response = get_response(request)
        response["X-Request-ID"] = request.id
        if settings.TRACKER_ACCESS_LOG:
            match = getattr(request, "resolver_match", None)
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "view": match.view_name if match else None,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        return response

    return middleware


@receiver(request_finished, dispatch_uid="forget_request_context")
def _forget_request_context(**kwargs) -> None:
    _CONTEXT.set(None)  # what a worker logs between requests belongs to none of them


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `client` to every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _CONTEXT.get() or {}
        record.request_id = context.get("request_id")
        record.client = context.get("client")
        return True


# Attributes every LogRecord has; anything else was passed in `extra` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, client, any extras
    and the traceback, if any. Values that are not JSON (a request object) become text."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and key != "request":
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
