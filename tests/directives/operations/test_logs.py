"""Structured logs: a request id on every record and every response, JSON lines on request."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from directives.operations.logs import JsonFormatter, RequestContextFilter, request_context
from directives.operations.proxies import parse_networks
from tests.test_settings import PRODUCTION, manage


@pytest.fixture
def json_lines():
    """A handler set up as settings.LOGGING sets it up for DJANGO_LOG_FORMAT=json."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.operations")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def answer(request, logger):
    def view(request):
        logger.warning("trong yêu cầu", extra={"assignment": 7})
        return HttpResponse("ok")

    return request_context(view)(request)


def test_every_record_made_during_a_request_carries_its_id_and_client(json_lines, db):
    logger, lines = json_lines
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5")
    response = answer(request, logger)
    response.close()  # what the server does once the response is sent
    logger.warning("ngoài yêu cầu")
    inside, outside = lines()
    assert inside["request_id"] == response["X-Request-ID"] and len(inside["request_id"]) == 32
    assert inside["client"] == "203.0.113.5"
    assert inside["message"] == "trong yêu cầu" and inside["assignment"] == 7
    assert inside["level"] == "WARNING" and inside["logger"] == "tests.operations"
    assert outside["request_id"] is None


def test_exceptions_are_logged_as_one_json_line(json_lines):
    logger, lines = json_lines
    try:
        raise ValueError("hỏng")
    except ValueError:
        logger.exception("lỗi")
    (entry,) = lines()
    assert "ValueError: hỏng" in entry["exception"]


def test_the_proxys_request_id_is_kept_only_from_a_trusted_proxy(json_lines, settings):
    logger, _ = json_lines
    settings.TRACKER_TRUSTED_PROXIES = parse_networks(["10.0.0.2"], "test")
    factory = RequestFactory()
    through_proxy = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REQUEST_ID="abc123")
    assert answer(through_proxy, logger)["X-Request-ID"] == "abc123"
    forged = factory.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_REQUEST_ID="abc123")
    assert answer(forged, logger)["X-Request-ID"] != "abc123"
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_REQUEST_ID="a b\nforged line")
    assert answer(garbage, logger)["X-Request-ID"] != "a b\nforged line"


def test_every_response_carries_a_request_id(client, db):
    assert len(client.get(reverse("login"))["X-Request-ID"]) == 32


def test_djangos_own_lines_after_the_response_carry_the_id_and_later_ones_do_not(
    client, db, json_lines
):
    logger, lines = json_lines
    django_request = logging.getLogger("django.request")
    handler = logger.handlers[-1]
    django_request.addHandler(handler)
    try:
        response = client.get("/khong-co-trang-nay/")  # "Not Found: …" after the middleware
    finally:
        django_request.removeHandler(handler)
    logger.warning("giữa hai yêu cầu")
    not_found, between = lines()
    assert not_found["message"].startswith("Not Found")
    assert not_found["request_id"] == response["X-Request-ID"]
    assert between["request_id"] is None


def test_log_format_json_writes_json_lines_with_a_line_per_request(tmp_path):
    code = (
        "import logging; from django.test import Client; "
        "logging.getLogger('directives').warning('xin chào'); "
        "Client().get('/healthz', HTTP_HOST='theodoi.example.vn', secure=True)"
    )
    result = manage(
        "shell",
        "-c",
        code,
        env={
            **PRODUCTION,
            "DJANGO_LOG_FORMAT": "json",
            "DJANGO_LOG_LEVEL": "INFO",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
    )
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert {"message": "xin chào", "level": "WARNING"}.items() <= entries[0].items()
    access = next(e for e in entries if e["logger"] == "directives.requests")
    assert access["path"] == "/healthz" and access["view"] == "healthz"
    assert access["status"] in (200, 503) and access["request_id"]


def test_an_unknown_log_format_is_a_clear_error():
    result = manage("check", env={**PRODUCTION, "DJANGO_LOG_FORMAT": "xml"})
    assert result.returncode != 0 and "DJANGO_LOG_FORMAT" in result.stderr
