"""Two app servers over one database: a session and a write on one are seen through the other.

Both are real gunicorn processes with production settings (debug off, hashed static files, the
shared database cache and database sessions), on two free ports of 127.0.0.1. On PostgreSQL they
use the test database itself; on SQLite, a file copy of it (an in-memory database cannot be
shared between processes).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.db import connection

from directives.models import UnitKind
from tests.factories import AssignmentFactory, UnitFactory, UserFactory

# Slow (two gunicorn servers started per test): left out of `make test-quick`, run by `make test`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PASSWORD = "mat-khau-dai-12345"


class FormFields(HTMLParser):
    """The fields a browser would submit from the form with id `form_id`."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.select, self.textarea = form_id, False, None, None
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id or self.form_id == "*"
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") not in {"checkbox", "radio"} or "checked" in a:
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value", "")))
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields.append((self.textarea, ""))

    def handle_data(self, data):
        if self.textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


class Browser:
    """Cookies and forms over urllib: enough of a browser to sign in and submit the admin."""

    def __init__(self):
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, url: str):
        return self.opener.open(url, timeout=30)

    def submit(self, url: str, form_id: str, changes: dict[str, str]):
        page = self.get(url).read().decode()
        parser = FormFields(form_id)
        parser.feed(page)
        fields = [(k, v) for k, v in parser.fields if k not in changes] + list(changes.items())
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310
        return self.opener.open(request, timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def shared_database_url(tmp_path: Path) -> str:
    """A URL other processes can open for the test database, with what the test wrote so far."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    copy = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{copy}"


@pytest.fixture
def start_servers(transactional_db, tmp_path):
    """Start n gunicorn servers on one database; stopped (before the database is flushed) after."""
    servers: list[subprocess.Popen] = []

    def start(n: int) -> list[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY="two-servers-share-this-secret-key-0123456789-abcdefghijklmnop",
            DJANGO_ALLOWED_HOSTS=HOST,
            DATABASE_URL=shared_database_url(tmp_path),
            DJANGO_STATIC_ROOT=str(tmp_path / "static"),
            DJANGO_LOG_LEVEL="WARNING",
        )
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        urls = []
        for _ in range(n):
            port = free_port()
            servers.append(
                subprocess.Popen(  # noqa: S603 - our own gunicorn
                    [sys.executable, "-m", "gunicorn", "tracker.wsgi:application"]
                    + ["--workers", "1", "--bind", f"{HOST}:{port}", "--log-level", "warning"],
                    cwd=ROOT,
                    env=env,
                    start_new_session=True,
                )
            )
            urls.append(f"http://{HOST}:{port}")
        for url in urls:
            wait_healthy(url)
        return urls

    yield start
    for server in servers:
        os.killpg(server.pid, signal.SIGTERM)
    for server in servers:
        server.wait(timeout=30)


def wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:  # noqa: S310
                if response.read() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"{url}/healthz never answered ok")


def test_session_and_write_on_one_server_are_seen_on_the_other(start_servers):
    admin = UserFactory(username="haimay", is_staff=True, is_superuser=True)
    province = UnitFactory(name="Tỉnh hai máy chủ", kind=UnitKind.PROVINCE)
    lead = UnitFactory(name="Sở hai máy chủ", parent=province)
    assignment = AssignmentFactory(lead_unit=lead, deadline=dt.date(2031, 1, 10))
    first, second = start_servers(2)

    browser = Browser()
    signed_in = browser.submit(
        f"{first}/accounts/login/", "*", {"username": admin.username, "password": PASSWORD}
    )
    assert signed_in.status == 302, signed_in.read()[:500]

    # The session made by the first server signs the user in on the second.
    home = browser.get(f"{second}/").read().decode()
    assert "haimay" in home or "Nguyễn" in home
    assert Browser().get(f"{second}/").status == 302  # without the cookie: the sign-in page

    # The second server's dashboard, rendered and kept in the shared cache…
    dashboard = f"{second}/dashboard/?doc={assignment.directive.document_id}"
    for _ in range(2):
        assert "Trong tháng 03/2031" not in browser.get(dashboard).read().decode()

    # A write through the first server's admin (it goes through actions.set_deadline)…
    saved = browser.submit(
        f"{first}/admin/directives/assignment/{assignment.pk}/change/",
        "assignment_form",
        {"deadline_phrase": "trong tháng 03/2031"},
    )
    assert saved.status == 302, saved.read().decode()[:2000]
    # …is what the second server shows.
    home = browser.get(f"{second}/").read().decode()
    assert "Trong tháng 03/2031 — 31/03/2031" in home
    history = (
        browser.get(f"{second}/admin/directives/assignment/{assignment.pk}/change/").read().decode()
    )
    assert "Trong tháng 03/2031" in history
    # …and the cached dashboard was dropped: the new deadline is among its milestones.
    assert "Trong tháng 03/2031" in browser.get(dashboard).read().decode()
