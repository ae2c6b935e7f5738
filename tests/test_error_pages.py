"""Error pages: Vietnamese, plain, never a traceback; 503 when the database is unreachable.

The real outage (PostgreSQL stopped and started under a running app) is in
tests/test_database_outage.py; here the same handlers run on every database.
"""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from directives.models import Assignment


@pytest.fixture
def failing_home(monkeypatch):
    def fail_with(error):
        def visible_to(self, user):
            raise error

        monkeypatch.setattr(type(Assignment.objects.all()), "visible_to", visible_to)

    return fail_with


@pytest.mark.parametrize(
    "error", [OperationalError("connection refused"), InterfaceError("connection already closed")]
)
def test_unreachable_database_gives_a_friendly_503(staff_user, failing_home, error):
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    failing_home(error)
    response = client.get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert "Hệ thống tạm thời gián đoạn" in content
    assert "connection" not in content and "Traceback" not in content


def test_other_errors_give_a_friendly_500(staff_user, failing_home):
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    failing_home(ZeroDivisionError("bí mật nội bộ"))
    response = client.get(reverse("home"))
    assert response.status_code == 500
    content = response.content.decode()
    assert "Đã xảy ra lỗi" in content and "bí mật nội bộ" not in content


def test_unknown_page_is_a_friendly_404(client, staff_user):
    client.force_login(staff_user)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_error_pages_carry_the_security_headers(staff_user, failing_home):
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    failing_home(OperationalError("down"))
    response = client.get(reverse("home"))
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_error_page_works_without_the_static_manifest(settings):
    """Production storage before collectstatic has run: the error page must still render."""
    from tracker.errors import render_error

    # Changing STORAGES resets the cached static storage (Django's setting_changed handler).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    response = render_error("errors/503.html", 503)
    assert response.status_code == 503
    assert "/static/css/app.css" in response.content.decode()
