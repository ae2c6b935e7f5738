"""make bench — requests/s and latency of each page, as a ratio to a bare Django page.

For each backend (PostgreSQL, SQLite) and data size it: generates the data set (once; kept in
bench/data/ and in PostgreSQL databases named $BENCH_PG_DB_<size> for the next run), starts the
application under gunicorn with production settings and 2 workers, and loads each page of
bench/pages.py with wrk for a few seconds between two runs of the baseline page of the same
length (the baseline figures are their mean), so page and baseline see the same machine. The
dashboards and overviews are measured three times: with the cached region (warm), with the cache
off, and with the cache on while staff save progress in the background at 2 writes/s (the
"progress POST, staff" row's assignments; issue 14). It prints a table, writes
bench/results.json and bench/results.png (a run of a few rows, with BENCH_PAGES, writes
bench/results-partial.json and .png instead, so it never replaces the full table; BENCH_RESULTS
names another file).

Environment (defaults in brackets):
  BENCH_SIZES [10000,100000,1000000]   assignments per data set
  BENCH_BACKENDS [postgres,sqlite]     SQLite stops at BENCH_SQLITE_MAX [100000]
  BENCH_DURATION [5]   seconds per wrk run    BENCH_CONNECTIONS [4]   wrk connections
  BENCH_PG_URL [postgres://postgres@127.0.0.1:5432]   BENCH_PG_DB [tracker_bench]
  BENCH_PAGES   page names to run, comma-separated, or semicolon-separated when a name has a
                comma ("Excel export;dashboard, province") (default: all)
  BENCH_REGENERATE=1   regenerate data sets even when a matching one exists
  BENCH_RESULTS [bench/results.json; bench/results-partial.json with BENCH_PAGES]   the JSON
                written (relative to the project); the chart beside it, same name, .png
Load goes to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

# bench/ is this script's folder, first on sys.path
from pages import PAGES, WRITER, WRITES_PER_SECOND, chosen

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
DATA = BENCH / "data"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
HOST = "127.0.0.1"  # the only address load is ever sent to

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000,1000000").split(",") if s]
BACKENDS = [b for b in os.environ.get("BENCH_BACKENDS", "postgres,sqlite").split(",") if b]
SQLITE_MAX = int(os.environ.get("BENCH_SQLITE_MAX", "100000"))
DURATION = int(os.environ.get("BENCH_DURATION", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
PG_DB = os.environ.get("BENCH_PG_DB", "tracker_bench")
ONLY = chosen(os.environ.get("BENCH_PAGES", ""))
RESULTS = ROOT / os.environ.get(
    "BENCH_RESULTS", "bench/results-partial.json" if ONLY else "bench/results.json"
)
REGENERATE = os.environ.get("BENCH_REGENERATE") == "1"
SEED = 1
# Bumped when generate_load_data makes different data (2: the large central document; 3: the
# sub-assignments of issue 17), so a kept data set of an older generator is made again.
DATA_VERSION = 3

LUA = r"""
-- Each entry: path, body, cookie, variant number, version the variant starts at (POST), and
-- an Authorization header ("Bearer …") for the API's token rows, which send no cookie and no
-- CSRF token (a machine has neither).
local reqs = {%(requests)s}
local method = "%(method)s"
local counter = 0
local uses = {}
local threads = {}
setup = function(thread) table.insert(threads, thread) end
saved, refused, bad, hits = 0, 0, 0, 0
bad_codes = {}
bad_text = ""
request = function()
  counter = counter + 1
  local r = reqs[(counter - 1) %% #reqs + 1]
  local headers = {["Host"] = "%(host)s"}
  if r[6] ~= "" then headers["Authorization"] = r[6] else headers["Cookie"] = r[3] end
  local body = r[2]
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    if r[6] == "" then headers["X-CSRFToken"] = "%(csrf)s" end
    -- Every save moves the assignment's version on by one: send the one it has now.
    uses[r[4]] = (uses[r[4]] or 0) + 1
    body = string.gsub(body, "VERSION_NOW", tostring(r[5] + uses[r[4]] - 1))
  end
  return wrk.format(method, r[1], headers, body)
end
response = function(status, headers, body)
  -- A saved form redirects (no JavaScript), a saved API write answers 201; a refused one
  -- (conflict, invalid) answers 200 (the page) or 4xx (the API). Any other answer (a redirect
  -- to sign-in, an error; for a token: 401 bad token, 403 read-only, 429 rate limit) is a
  -- failed request: the row says so, with the count of each such status.
  local failed = false
  if method == "POST" then
    if status == 302 or status == 201 then saved = saved + 1
    elseif status == 200 or status == 400 or status == 409 then refused = refused + 1
    else failed = true end
  elseif status ~= 200 then
    failed = true
  end
  if failed then
    bad = bad + 1
    bad_codes[status] = (bad_codes[status] or 0) + 1
    local parts = {}
    for code, n in pairs(bad_codes) do
      table.insert(parts, string.format("\"%%d\": %%d", code, n))
    end
    bad_text = table.concat(parts, ", ")
  end
  if headers["X-Region-Cache"] == "hit" then hits = hits + 1 end
end
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  local t = threads[1]
  io.write(string.format(
    "WRKJSON {\"requests\": %%d, \"seconds\": %%f, \"errors\": %%d, "
    .. "\"p50\": %%f, \"p95\": %%f, \"p99\": %%f, \"saved\": %%d, \"refused\": %%d, "
    .. "\"failed\": %%d, \"failed_statuses\": {%%s}, \"cache_hits\": %%d}\n",
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    t:get("saved"), t:get("refused"), t:get("bad"), t:get("bad_text"), t:get("hits")))
end
"""


def log(message: str) -> None:
    print(message, flush=True)


# ------------------------------------------------------------------------------------------------
# Tools


def ensure_tools() -> None:
    """gunicorn (the production server) and matplotlib into the venv, wrk from Debian."""
    missing = [
        name
        for name, module in (("gunicorn>=23,<28", "gunicorn"), ("matplotlib>=3.8,<4", "matplotlib"))
        if subprocess.run([PYTHON, "-c", f"import {module}"], capture_output=True).returncode
    ]
    if missing:
        log(f"Installing {', '.join(missing)} into .venv …")
        subprocess.run([PYTHON, "-m", "pip", "install", "--quiet", *missing], check=True)
    if not shutil.which("wrk"):
        log("Installing wrk (Debian package) …")
        apt = ["apt-get", "install", "-y", "-qq", "wrk"]
        if subprocess.run(apt, capture_output=True).returncode:
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(apt, check=True)


# ------------------------------------------------------------------------------------------------
# Environments and data sets


def production_env(database_url: str, static_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        DJANGO_CONN_MAX_AGE="600",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL="WARNING",
        # The API's per-token rate limit would cut the load off at 600/min (issue 19): the
        # throttle still runs (its counter's UPDATE is part of what is measured).
        DJANGO_API_RATE="100000000/minute",
    )
    return env


SECRET_KEY = secrets.token_urlsafe(50)


def database_url(backend: str, size: int) -> str:
    if backend == "postgres":
        return f"{PG_URL}/{PG_DB}_{size}"
    return f"sqlite:///{DATA / f'bench-{size}.sqlite3'}"


def create_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=capture,
    )
    return result.stdout if capture else ""


def prepare(backend: str, size: int, env: dict[str, str]) -> dict:
    """Migrate and generate the data set unless an identical one is there; returns its record."""
    marker = DATA / f"{backend}-{size}.json"
    if backend == "postgres":
        create_pg_database(f"{PG_DB}_{size}")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "createcachetable", "-v", "0")
    wanted = {
        "backend": backend,
        "size": size,
        "seed": SEED,
        "updates": size * 5,
        "data_version": DATA_VERSION,
    }
    # The scorecards of the periods that ended, counted once as the hourly task does in
    # production (nothing to do when they are stored already).
    if marker.exists() and not REGENERATE:
        record = json.loads(marker.read_text())
        if {k: record.get(k) for k in wanted} == wanted:
            log(f"  data set {backend} {size:,}: kept from {record['generated_on']}")
            manage(env, "store_scorecards", "-v", "0")
            return record
    log(f"  generating {size:,} assignments on {backend} …")
    started = time.perf_counter()
    output = manage(
        env,
        "generate_load_data",
        "--reset",
        "--force",
        "--assignments",
        str(size),
        "--updates",
        str(size * 5),
        "--seed",
        str(SEED),
        capture=True,
    )
    seconds = round(time.perf_counter() - started, 1)
    summary = [x for x in output.splitlines() if x.startswith(("Đã sinh", "Văn bản lớn"))]
    log("    " + "\n    ".join(summary))
    log(f"    {seconds} s")
    manage(env, "store_scorecards", "-v", "0")
    record = {**wanted, "generation_seconds": seconds, "generated_on": time.strftime("%F %T")}
    marker.write_text(json.dumps(record))
    return record


# ------------------------------------------------------------------------------------------------
# Serving and loading


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "tracker.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            request = urllib.request.Request(
                f"http://{HOST}:{port}/healthz", headers={"Host": HOST}
            )
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return server, port
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def lua_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk(
    port: int,
    method: str,
    variants: list[dict],
    cookies: list[str],
    csrf: str,
    seconds: int,
    bearer: str = "",
):
    """One wrk run rotating over request variants and session cookies; returns its figures.

    With `bearer` (an API token), every request carries `Authorization: Bearer …` instead of
    the cookies and CSRF token."""
    requests = []
    authorization = f"Bearer {bearer}" if bearer else ""
    for i in range(max(len(variants), len(cookies))):
        number = i % len(variants)
        v = variants[number]
        cookie = "" if bearer else f"sessionid={cookies[i % len(cookies)]}; csrftoken={csrf}"
        body, version = v["body"], int(v.get("version") or 0)
        if method == "POST" and version:
            # The version field's value becomes the one the assignment has when it is sent.
            body = "&".join(
                f"{key}=VERSION_NOW" if key.endswith("version") else f"{key}={value}"
                for key, _sep, value in (pair.partition("=") for pair in body.split("&"))
            )
        quoted = ", ".join(map(lua_quote, (v["path"], body, cookie)))
        requests.append(
            "{" + quoted + f", {number + 1}, {version}, {lua_quote(authorization)}" + "}"
        )
    script = LUA % {"requests": ", ".join(requests), "method": method, "csrf": csrf, "host": HOST}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        # One thread: the rotation (one fresh version per POST) is per Lua state.
        result = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{CONNECTIONS}",
                f"-d{seconds}s",
                "--timeout",
                "60s",  # a slow page is measured, not counted as an error
                "-s",
                f.name,
                f"http://{HOST}:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(f.name)
    line = next(x for x in result.stdout.splitlines() if x.startswith("WRKJSON "))
    figures = json.loads(line.removeprefix("WRKJSON "))
    figures["rps"] = figures["requests"] / figures["seconds"] if figures["seconds"] else 0.0
    return figures


def fetch(port: int, path: str, cookie: str, csrf: str = "", bearer: str = "") -> float:
    """One GET with a session (and the CSRF cookie wrk sends, which the dashboard's cached
    region is keyed on), or with an API token alone; returns its seconds."""
    headers = {"Host": HOST}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    else:
        headers["Cookie"] = f"sessionid={cookie}" + (f"; csrftoken={csrf}" if csrf else "")
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers=headers)
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()
    return time.perf_counter() - started


def drain(port: int, limit: float = 300) -> None:
    """Wait until both workers are free: two health checks at once each answer quickly."""
    from concurrent.futures import ThreadPoolExecutor

    def health(_):
        started = time.perf_counter()
        request = urllib.request.Request(f"http://{HOST}:{port}/healthz", headers={"Host": HOST})
        with urllib.request.urlopen(request, timeout=limit) as response:
            response.read()
        return time.perf_counter() - started

    deadline = time.time() + limit
    with ThreadPoolExecutor(2) as pool:
        while time.time() < deadline:
            if max(pool.map(health, range(2))) < 0.5:
                return
            time.sleep(0.5)


def progress_rows(env: dict[str, str]) -> int:
    """Progress updates in the benchmark database: a POST row's saves are counted here, before
    and after its run, not from the answers (an expired session's redirect is not a save)."""
    code = "from directives.models import ProgressUpdate; print(ProgressUpdate.objects.count())"
    return int(manage(env, "shell", "-v", "0", "-c", code, capture=True).split()[-1])


def with_current_versions(env: dict[str, str], variants: list[dict]) -> list[dict]:
    """The POST variants with the version each assignment has now. The probe read them before
    any row ran; another POST row on the same assignments (the page's and the API's progress
    POST, by the same account) has moved them on since, and every request would be refused."""
    pks = sorted({int(v["assignment"]) for v in variants if v.get("assignment")})
    code = (
        "import json; from directives.models import Assignment; print(json.dumps(dict("
        f"Assignment.objects.filter(pk__in={pks!r}).values_list('pk', 'version'))))"
    )
    now = json.loads(manage(env, "shell", "-v", "0", "-c", code, capture=True).splitlines()[-1])
    return [{**v, "version": str(now.get(v.get("assignment"), v["version"]))} for v in variants]


class Writer:
    """Progress saves in the background at a steady rate, as staff elsewhere save theirs while
    a leader reads (issue 14): the WRITER row's assignments in turn, each with the version it
    has by then, through the application itself (so every save renews what it renews in
    production). Counts saves (302) and anything else."""

    def __init__(self, port: int, page: dict, cookie: str, csrf: str, env: dict[str, str]):
        import threading

        self.port, self.cookie, self.csrf = port, cookie, csrf
        self.variants = with_current_versions(env, page["variants"])
        self.uses: dict[int, int] = {}
        self.saved = self.other = 0
        self.number = 0
        self.lock = threading.Lock()  # the versions: one save at a time, whoever asks
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def save(self) -> None:
        """The next save, now (the background thread's, or one asked for between two)."""
        with self.lock:
            try:
                self.post(self.number)
            except OSError:
                self.other += 1
            self.number += 1

    def post(self, number: int) -> None:
        import http.client

        index = number % len(self.variants)
        v = self.variants[index]
        version = int(v["version"]) + self.uses.get(index, 0)
        body = "&".join(
            f"{key}={version}" if key.endswith("version") else f"{key}={value}"
            for key, _sep, value in (pair.partition("=") for pair in v["body"].split("&"))
        )
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            connection.request(
                "POST",
                v["path"],
                body=body.encode(),
                headers={
                    "Host": HOST,
                    "Cookie": f"sessionid={self.cookie}; csrftoken={self.csrf}",
                    "X-CSRFToken": self.csrf,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            status = connection.getresponse().status
        finally:
            connection.close()
        if status == 302:
            self.saved += 1
            self.uses[index] = self.uses.get(index, 0) + 1
        else:
            self.other += 1

    def run(self) -> None:
        interval = 1 / WRITES_PER_SECOND
        next_at = time.monotonic()
        while not self.stop.is_set():
            self.save()
            next_at += interval
            self.stop.wait(max(0.0, next_at - time.monotonic()))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def is_dashboard(page: dict) -> bool:
    return page.get("url_name") == "dashboard"


def measure(
    port: int,
    name: str,
    page: dict,
    probe: dict,
    env: dict[str, str],
    row: dict,
    writes: Writer | None = None,
) -> None:
    """Load one page with wrk between two baseline runs (`writes` saving in the background, if
    given); fill `row` with its figures."""
    baseline_path = [{"path": "/bench/baseline/", "body": ""}]
    cookies = probe["sessions"][page["user"]]
    csrf = probe["csrf"]
    # Token rows (the API as machines use it): the account's bearer token, no cookie. The
    # baseline page around them is still the signed-in session's, as for every row.
    bearer = probe["tokens"][page["user"]] if page.get("auth") == "token" else ""
    # Warm up as the measured requests will ask: every session (the dashboard's region is
    # cached per session and CSRF cookie) and every GET variant; a POST would spend a version.
    fetch(port, baseline_path[0]["path"], cookies[0], csrf)
    if page["method"] == "GET":
        try:
            for cookie in [""] if bearer else cookies:
                for variant in page["variants"][:4]:
                    fetch(port, variant["path"], cookie, csrf, bearer)
        except (urllib.error.URLError, TimeoutError) as error:
            # A page that fails or outlasts the server's timeout (gunicorn's 30 s) is a failed
            # row, as a user would see it — not the end of the run.
            reason = getattr(error, "code", None) or type(error).__name__
            row.update(available=True, failed=1, failed_statuses={str(reason): 1})
            row["warm_up_failed"] = f"{reason} on {variant['path']}"
            log(f"  {name:34} FAILED on warm-up: {reason} ({variant['path']})")
            drain(port)
            return
    drain(port)
    before = wrk(port, "GET", baseline_path, cookies, csrf, DURATION)
    variants = page["variants"]
    if page["method"] == "POST":
        variants = with_current_versions(env, variants)
    saved_before = progress_rows(env) if page["method"] == "POST" else 0
    measured = wrk(port, page["method"], variants, cookies, csrf, DURATION, bearer)
    drain(port)
    if page["method"] == "POST":
        row["saved_rows"] = progress_rows(env) - saved_before
    if measured["requests"] == 0 and page["method"] == "GET":
        # Slower than the whole run: time one request alone and estimate from it. Under
        # writes, right after a save, as the run's requests met the page: the region the
        # unfinished requests kept would otherwise answer it from the cache (a national
        # overview of 2.2 s read 12 ms that way).
        if writes is not None:
            writes.save()
        seconds = fetch(port, page["variants"][0]["path"], cookies[0], csrf, bearer)
        measured.update(rps=min(2, CONNECTIONS) / seconds, p50=seconds * 1000, p95=seconds * 1000)
        row["estimated"] = "no request finished within the run; one request timed alone" + (
            ", right after a save" if writes is not None else ""
        )
    after = wrk(port, "GET", baseline_path, cookies, csrf, DURATION)
    # The baseline is the mean of the runs just before and just after the page, so a change of
    # load on the shared machine during the pair shows in both.
    base = {k: (before[k] + after[k]) / 2 for k in ("rps", "p50", "p95")}
    row.update(
        rps=round(measured["rps"], 1),
        p50_ms=round(measured["p50"], 2),
        p95_ms=round(measured["p95"], 2),
        errors=measured["errors"],
        failed=measured.get("failed", 0) + before.get("failed", 0) + after.get("failed", 0),
        failed_statuses=measured.get("failed_statuses", {}),
        requests=measured["requests"],
        **(
            {"saved": measured.get("saved", 0), "refused": measured.get("refused", 0)}
            if page["method"] == "POST"
            else {}
        ),
        **({"cache_hits": measured.get("cache_hits", 0)} if is_dashboard(page) else {}),
        baseline_rps=round(base["rps"], 1),
        baseline_p50_ms=round(base["p50"], 2),
        baseline_p95_ms=round(base["p95"], 2),
        baseline_queries=probe["baseline_queries"][page["user"]],
        baseline_rps_before_after=[round(before["rps"], 1), round(after["rps"], 1)],
        rps_ratio=round(measured["rps"] / base["rps"], 3) if base["rps"] else 0.0,
    )
    drain(port)
    log(
        f"  {name:34} {row['rps']:7.1f} req/s ({row['rps_ratio']:.0%} of baseline "
        f"{row['baseline_rps']:.0f}), p50 {row['p50_ms']:.1f} ms, "
        f"p95 {row['p95_ms']:.1f} ms, "
        f"{row['queries']} queries, HTTP {row['status']}"
        + (f", {row['errors']} errors" if row["errors"] else "")
        + (
            f", {row['failed']} FAILED answers (not 200 or a save; by status: "
            f"{row['failed_statuses']})"
            if row["failed"]
            else ""
        )
        + (f", {row['cache_hits']} cache hits" if "cache_hits" in row else "")
        + (
            f", {row['saved_rows']} saved (rows), {row['refused']} refused"
            if page["method"] == "POST"
            else ""
        )
    )


def shell_cost(port: int, probe: dict, backend: str, size: int) -> dict:
    """The baseline page (signed in) against the minimal page (no session, no database)."""
    user = next(iter(probe["sessions"]))
    cookies, csrf = probe["sessions"][user], probe["csrf"]
    minimal = wrk(port, "GET", [{"path": "/bench/minimal/", "body": ""}], [""], csrf, DURATION)
    baseline = wrk(port, "GET", [{"path": "/bench/baseline/", "body": ""}], cookies, csrf, DURATION)
    row = {
        "backend": backend,
        "size": size,
        "page": "baseline ÷ minimal page",
        "kind": "shell",
        "available": True,
        "minimal_rps": round(minimal["rps"], 1),
        "baseline_rps": round(baseline["rps"], 1),
        "failed": minimal.get("failed", 0) + baseline.get("failed", 0),
        "rps_ratio": round(baseline["rps"] / minimal["rps"], 3) if minimal["rps"] else 0.0,
        "target": 0.5,
    }
    log(
        f"  {'baseline ÷ minimal page':34} {row['baseline_rps']:.0f} ÷ {row['minimal_rps']:.0f}"
        f" req/s = {row['rps_ratio']:.0%} (target ≥ 50 %)"
    )
    return row


def bench_one(backend: str, size: int, static_root: Path) -> list[dict]:
    env = production_env(database_url(backend, size), static_root)
    record = prepare(backend, size, env)
    log("  probing pages (query counts, sessions) …")
    probe = json.loads(
        subprocess.run(
            [PYTHON, str(BENCH / "probe.py")],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    rows = []
    measured: list[tuple[str, dict]] = []
    server, port = start_server(env)
    try:
        rows.append(shell_cost(port, probe, backend, size))
        for name, page in probe["pages"].items():
            row = {"backend": backend, "size": size, "page": name, **page}
            row.pop("variants", None)
            rows.append(row)
            if ONLY and name not in ONLY:
                row.update(available=False, reason="skipped (BENCH_PAGES)")
                continue
            if not page["available"]:
                log(f"  {name:34} not available ({page['reason']})")
                continue
            if page["kind"] == "export":
                e = page["export"]
                log(
                    f"  {name:34} {e['rows']:,} rows in {e['seconds']:.2f} s, "
                    f"peak {e['peak_python_mb']} MB (Python), {e['bytes']:,} bytes, "
                    f"HTTP {e['status']}"
                    + (" (built by the background task, run in-process)" if e.get("queued") else "")
                )
                continue
            measure(port, name, page, probe, env, row)
            measured.append((name, page))
    finally:
        stop_server(server)
    dashboards = [(name, page) for name, page in measured if is_dashboard(page)]
    if dashboards:
        # The same dashboards again with their cached region switched off: what a leader gets
        # right after any write, and what every request costs without a shared cache.
        log("  dashboards with the region cache off …")
        off_env = {**env, "DJANGO_DASHBOARD_CACHE": "0"}
        server, port = start_server(off_env)
        try:
            for name, page in dashboards:
                row = {"backend": backend, "size": size, "page": f"{name}, cache off", **page}
                row.pop("variants", None)
                rows.append(row)
                measure(port, f"{name}, cache off", page, probe, off_env, row)
        finally:
            stop_server(server)
    writer = probe["pages"].get(WRITER)
    if dashboards and writer and writer.get("available"):
        # And with the cache on while staff save progress at a steady rate: a write expires
        # only the regions that can show it (issue 14), so a leader elsewhere keeps hits.
        log(f"  dashboards under {WRITES_PER_SECOND} writes/s ({WRITER}) …")
        server, port = start_server(env)
        try:
            for name, page in dashboards:
                row = {"backend": backend, "size": size, "page": f"{name}, under writes", **page}
                row.pop("variants", None)
                rows.append(row)
                cookie = probe["sessions"][writer["user"]][0]
                saved_before = progress_rows(env)
                with Writer(port, writer, cookie, probe["csrf"], env) as writes:
                    started = time.perf_counter()
                    measure(port, f"{name}, under writes", page, probe, env, row, writes)
                    seconds = time.perf_counter() - started
                # Saves are counted as rows in the database, not from the answers.
                saved = progress_rows(env) - saved_before
                row.update(
                    writes_saved=saved,
                    writes_answered_302=writes.saved,
                    writes_other=writes.other,
                    writes_per_s=round(saved / seconds, 2),
                )
        finally:
            stop_server(server)
    for row in rows:
        row["generation_seconds"] = record.get("generation_seconds")
    return rows


# ------------------------------------------------------------------------------------------------
# Reporting


def ratio(a, b) -> str:
    return f"{a / b:.2f}" if a is not None and b else "—"


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'backend':8} {'size':>9}  {'page':34} {'req/s':>7} {'×base':>6} {'p50 ms':>7} "
        f"{'×base':>6} {'p95 ms':>7} {'×base':>6} {'SQL':>4} {'SQL b.':>6} {'cold ms':>8} "
        f"{'target':>7}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for r in rows:
        start = f"{r['backend']:8} {r['size']:>9,}  {r['page']:34}"
        if not r.get("available"):
            print(f"{start} not available — {r.get('reason', '')}")
            continue
        if r.get("kind") == "shell":
            verdict = "ok" if r["rps_ratio"] >= r["target"] else "MISS"
            print(
                f"{start} baseline {r['baseline_rps']:.0f} ÷ minimal {r['minimal_rps']:.0f} req/s"
                f" = {r['rps_ratio']:.2f} (target ≥ {r['target']:.0%}) {verdict}"
            )
            continue
        if r.get("failed"):
            print(
                f"{start} FAILED: {r['failed']} answers were not 200 (or a save), by status: "
                f"{r.get('failed_statuses') or '—'}"
            )
            continue
        if r.get("kind") == "export":
            e = r["export"]
            print(
                f"{start} {e['rows']:,} rows, {e['seconds']:.2f} s, "
                f"peak {e['peak_python_mb']} MB Python, max RSS {e['max_rss_mb']} MB, "
                f"{e['bytes']:,} bytes (target < 3 s, < 200 MB)"
                + (", built by the background task" if e.get("queued") else "")
            )
            continue
        if "rps" not in r:
            print(f"{start} skipped")
            continue
        target = r.get("target")
        verdict = ""
        if target:
            verdict = f"≥{target:.0%} " + ("ok" if r["rps_ratio"] >= target else "MISS")
        print(
            f"{start} {r['rps']:7.1f} {r['rps_ratio']:6.2f} {r['p50_ms']:7.1f} "
            f"{ratio(r['p50_ms'], r['baseline_p50_ms']):>6} {r['p95_ms']:7.1f} "
            f"{ratio(r['p95_ms'], r['baseline_p95_ms']):>6} {r['queries']:>4} "
            f"{r['baseline_queries']:>6} {r.get('cold_ms', 0):8.1f} {verdict:>7}"
        )
    print(
        "(×base: the page's figure divided by the baseline page's, measured just before and just "
        "after it; SQL b.: the baseline's query count; cold ms: one request right after a data "
        "change, when no cached dashboard region can be reused, timed in-process)"
    )
    # Cross-size checks from the issue.
    by = {(r["backend"], r["size"], r["page"]): r for r in rows if "rps" in r}
    for backend in BACKENDS:
        sizes = sorted({s for b, s, _ in by if b == backend})
        if len(sizes) < 2:
            continue
        small, large = sizes[0], sizes[-1]
        for page in sorted({p for b, _, p in by if b == backend}):
            a, z = by.get((backend, small, page)), by.get((backend, large, page))
            if a and z and a.get("p50_ms") and z.get("p50_ms"):  # every page (issue 15)
                slower = z["p50_ms"] / a["p50_ms"]
                print(
                    f"{backend} {page}: p50 at {large:,} is {slower:.2f}× the p50 at {small:,} "
                    f"(target ≤ 1.5×) {'ok' if slower <= 1.5 else 'MISS'}"
                )
                if a.get("cold_ms") and z.get("cold_ms"):
                    cold = z["cold_ms"] / a["cold_ms"]
                    print(
                        f"{backend} {page}: uncached, {z['cold_ms']:.0f} ms at {large:,} is "
                        f"{cold:.2f}× the {a['cold_ms']:.0f} ms at {small:,} "
                        f"(target ≤ 1.5×) {'ok' if cold <= 1.5 else 'MISS'}"
                    )
        for size in sizes:
            staff, admin = (
                by.get((backend, size, "staff list")),
                by.get((backend, size, "admin changelist, same filter")),
            )
            if staff and admin:
                faster = staff["rps"] / admin["rps"]
                print(
                    f"{backend} {size:,}: staff list is {faster:.1f}× the admin changelist's "
                    f"req/s (target ≥ 10×) {'ok' if faster >= 10 else 'MISS'}"
                )


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # A line per page × role (a hundred and more): the legend beside the axes, in columns.
    most = max((len({r["page"] for r in rows if r["backend"] == b}) for b in BACKENDS), default=1)
    columns = max(1, -(-most // 45))
    fig, axes = plt.subplots(
        1, len(BACKENDS), figsize=((7 + 4 * columns) * len(BACKENDS), 11), squeeze=False
    )
    for ax, backend in zip(axes[0], BACKENDS, strict=True):
        pages = sorted({r["page"] for r in rows if r["backend"] == backend and "rps" in r})
        colours = plt.get_cmap("tab20").colors  # twenty distinct colours: no two pages alike
        for index, page in enumerate(pages):
            points = sorted(
                (r["size"], r["rps_ratio"])
                for r in rows
                if r["backend"] == backend and r["page"] == page and "rps" in r
            )
            ax.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                marker="osD^v<>"[index % 7],
                color=colours[index % len(colours)],
                label=page,
            )
        ax.set_xscale("log")
        ax.set_xlabel("assignments")
        ax.set_ylabel("requests/s ÷ baseline requests/s")
        ax.set_title(f"{backend}: pages against a bare Django page")
        ax.set_ylim(bottom=0)
        ax.axhline(0.1, color="grey", linestyle=":", linewidth=1)
        ax.grid(True, which="both", alpha=0.3)
        if pages:
            ax.legend(
                fontsize="x-small", ncol=columns, loc="upper left", bbox_to_anchor=(1.01, 1.0)
            )
    fig.savefig(path, dpi=110, bbox_inches="tight")


def main() -> None:
    unknown = ONLY - {page.name for page in PAGES}
    if unknown:
        sys.exit(f"BENCH_PAGES names no row of bench/pages.py: {'; '.join(sorted(unknown))}")
    DATA.mkdir(exist_ok=True)
    ensure_tools()
    started = time.perf_counter()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as static_root:
        env = production_env("sqlite:///unused.sqlite3", Path(static_root))
        manage(env, "collectstatic", "--noinput", "-v", "0")
        for backend in BACKENDS:
            for size in SIZES:
                if backend == "sqlite" and size > SQLITE_MAX:
                    continue
                log(f"\n== {backend}, {size:,} assignments ==")
                rows.extend(bench_one(backend, size, Path(static_root)))
    print_table(rows)
    results = {
        "generated_at": time.strftime("%F %T"),
        "duration_per_run_s": DURATION,
        "connections": CONNECTIONS,
        "workers": 2,
        "machine": {"cores": os.cpu_count(), "load_average": os.getloadavg()},
        "rows": rows,
    }
    if ONLY:
        results["pages"] = sorted(ONLY)
        results["sizes"], results["backends"] = SIZES, BACKENDS
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    chart = RESULTS.with_suffix(".png")
    plot(rows, chart)
    elapsed = time.perf_counter() - started
    log(f"\nWrote {RESULTS} and {chart} in {elapsed:.0f} s.")


if __name__ == "__main__":
    sys.exit(main())
