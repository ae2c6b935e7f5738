"""While PostgreSQL is down, requests get a friendly Vietnamese 503 (never a traceback), and the
running application recovers by itself once the database is back.

The test starts its own throwaway PostgreSQL cluster on a free port (so it never disturbs the
server other work uses), runs the application against it in a separate long-lived process, stops
the cluster, asks again, starts it, asks again. It needs PostgreSQL's server binaries, so it runs
when the suite runs on PostgreSQL (.ci/run does).
"""

from __future__ import annotations

import glob
import http.cookiejar
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.security.outage_server import PASSWORD, USERNAME

ROOT = Path(__file__).resolve().parents[1]
BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL's server binaries; .ci/run runs this file on PostgreSQL",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayCluster:
    """A PostgreSQL cluster in a temporary folder, owned by the postgres user when run as root."""

    def __init__(self) -> None:
        self.bin = Path(BINARIES[-1])
        self.folder = Path(tempfile.mkdtemp(prefix="tracker-outage-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")

    def run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, text=True)  # noqa: S603

    def create(self) -> None:
        self.run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-w",
            "-l",
            str(self.folder / "log"),
            "start",
        )

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(  # noqa: S603 - best effort: the test is over
                [
                    *self.as_postgres,
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "stop",
                ],
                capture_output=True,
                check=False,
            )
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def cluster():
    cluster = ThrowawayCluster()
    try:
        cluster.create()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()  # stopped and deleted even when the test fails


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to check, not to follow


class Browser:
    """Cookies, the CSRF token, and every answer as (status, headers, body)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=30) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def sign_in(self) -> int:
        self.request("/accounts/login/")
        token = next(c.value for c in self.cookies if c.name == "csrftoken")
        status, _headers, _body = self.request(
            "/accounts/login/",
            {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        return status


# Persistent connections (health-checked), and the connection pool deploy/env.example suggests.
CONNECTIONS = {
    "persistent": {"DJANGO_CONN_MAX_AGE": "600"},  # a persistent connection the restart breaks
    "pool": {"DJANGO_DB_POOL": "1", "DJANGO_DB_POOL_MIN_SIZE": "1", "DJANGO_DB_POOL_MAX_SIZE": "2"},
}


@pytest.fixture(params=sorted(CONNECTIONS))
def app(request, cluster, tmp_path):
    """The application with production settings against the throwaway cluster, kept running."""
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith("DJANGO_") and k != "DATABASE_URL"
        },
        "DATABASE_URL": cluster.url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "outage-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        **CONNECTIONS[request.param],
    }
    for command in (
        ["migrate", "-v0"],
        ["createcachetable"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    port = free_port()
    log = (tmp_path / "app.log").open("w")  # the server's log: tracebacks go here, not the page
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.security.outage_server", str(port)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "ready", (tmp_path / "app.log").read_text()
        browser = Browser(f"http://127.0.0.1:{port}")
        browser.connections = request.param
        yield browser
    finally:
        process.stdin.close()
        process.wait(timeout=30)
        log.close()


def test_database_outage_gives_a_friendly_503_and_the_app_recovers(cluster, app):
    assert app.sign_in() == 302
    assert app.request("/")[0] == 200

    cluster.stop()
    for _ in range(2):  # the broken connection, then a refused new one
        started = time.monotonic()
        status, headers, body = app.request("/")
        took = time.monotonic() - started
        print(f"\n503 during the outage ({app.connections}): {took:.3f} s")
        assert status == 503
        assert took < 3, f"the 503 page took {took:.2f} s"  # a worker is not held for long
        assert headers["Retry-After"] == "30"
        assert "Hệ thống tạm thời gián đoạn" in body and '<html lang="vi">' in body
        assert "Traceback" not in body and "OperationalError" not in body
    started = time.monotonic()
    assert app.request("/healthz")[:1] == (503,)
    assert time.monotonic() - started < 3  # a load balancer's probe gets its answer in time
    assert app.sign_in() == 503  # signing in needs the database too

    cluster.start()
    status, _headers, body = app.request("/")
    assert status == 200  # the same running process and session: it recovered by itself
    assert "Xin chào" in body
    assert app.request("/healthz")[:1] == (200,)
