"""No lost data under concurrency.

PostgreSQL: 8 threads save progress on one assignment at once, with and without the version
the form was opened at. SQLite: two processes write to one database file at once and neither
sees "database is locked".
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from directives import actions
from directives.models import Assignment, ProgressUpdate, Role, Status, TransitionError
from tests.factories import AssignmentFactory, UnitFactory, member

ROOT = Path(__file__).resolve().parents[1]
THREADS = 8
ROUNDS = 5  # version-checked rounds: all threads hold the same version, one may win
APPENDS = 5  # unversioned saves per thread

requires_postgresql = pytest.mark.skipif(
    not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="row locks under real concurrency need PostgreSQL; .ci/run runs this file on it",
)


def run_together(work, arguments):
    """Run work(arg) in one thread per argument, released together; results in order."""
    barrier = threading.Barrier(len(arguments))
    results: list = [None] * len(arguments)

    def runner(index, argument):
        try:
            barrier.wait()
            results[index] = work(argument)
        except Exception as error:  # noqa: BLE001 - reported to the test as a result
            results[index] = error
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=runner, args=(i, a)) for i, a in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def crowd(transactional_db, settings):
    """One assignment and eight members of its lead unit (committed: threads must see them)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    unit = UnitFactory(name="Đơn vị đông người")
    assignment = AssignmentFactory(lead_unit=unit)
    users = [member(unit, Role.STAFF) for _ in range(THREADS)]
    return assignment, users


@requires_postgresql
def test_version_checked_saves_keep_the_winner_and_refuse_the_rest(crowd):
    assignment, users = crowd
    kept = []
    for round_ in range(ROUNDS):
        seen = Assignment.objects.get(pk=assignment.pk).version

        def save(user, seen=seen, round_=round_):
            percent = 10 * round_ + users.index(user)
            update = actions.record_progress(
                Assignment.objects.get(pk=assignment.pk),
                user=user,
                note=f"vòng {round_}",
                percent=percent,
                expected_version=seen,
            )
            return update.percent

        results = run_together(save, users)
        winners = [r for r in results if isinstance(r, int)]
        losers = [r for r in results if isinstance(r, actions.VersionConflict)]
        assert len(winners) == 1 and len(losers) == THREADS - 1, results
        assert all(conflict.current.version == seen + 1 for conflict in losers)
        kept += winners
    current = Assignment.objects.get(pk=assignment.pk)
    assert (
        list(
            ProgressUpdate.objects.filter(assignment=current)
            .order_by("pk")
            .values_list("percent", flat=True)
        )
        == kept
    )
    assert current.version == 1 + ROUNDS
    assert current.percent == kept[-1]


@requires_postgresql
def test_unversioned_saves_are_all_kept(crowd):
    assignment, users = crowd

    def save(user):
        for n in range(APPENDS):
            actions.record_progress(
                Assignment.objects.get(pk=assignment.pk), user=user, note=f"ghi {n}", percent=n
            )
        return APPENDS

    results = run_together(save, users)
    assert results == [APPENDS] * THREADS
    current = Assignment.objects.get(pk=assignment.pk)
    updates = ProgressUpdate.objects.filter(assignment=current)
    assert updates.count() == THREADS * APPENDS
    assert current.version == 1 + THREADS * APPENDS  # no increment lost
    assert current.percent == updates.order_by("-pk").first().percent


@requires_postgresql
def test_concurrent_workflow_moves_apply_once(crowd):
    assignment, users = crowd

    def start(user):
        actions.transition(
            Assignment.objects.get(pk=assignment.pk), "start", user=user, note="Bắt đầu"
        )
        return "started"

    results = run_together(start, users)
    assert results.count("started") == 1
    assert all(isinstance(r, TransitionError) for r in results if r != "started")
    current = Assignment.objects.get(pk=assignment.pk)
    assert current.status == Status.IN_PROGRESS
    moves = ProgressUpdate.objects.filter(assignment=current, status_after=Status.IN_PROGRESS)
    assert [(m.status_before, m.status_after) for m in moves] == [
        (Status.NOT_STARTED, Status.IN_PROGRESS)
    ]


# --- SQLite: two processes, one file ----------------------------------------------------------

SQLITE_WRITES = 150  # per process


def _writer_env(database: Path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_DEBUG": "1", **extra}


@pytest.mark.slow
def test_two_sqlite_processes_wait_for_each_other_instead_of_failing(tmp_path):
    database = tmp_path / "tracker.sqlite3"
    run = {"cwd": ROOT, "capture_output": True, "text": True, "check": True}
    for command in (["migrate", "-v0"], ["createcachetable"]):  # as `make run` sets a site up
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *command], env=_writer_env(database), **run
        )
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.security.sqlite_writer", "seed"],
        env=_writer_env(database),
        **run,
    )
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "tests.security.sqlite_writer",
                "write",
                str(SQLITE_WRITES),
                str(go),
            ],
            cwd=ROOT,
            env=_writer_env(database, WRITER=name),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    go.touch()
    reports = []
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    assert [r["error_count"] for r in reports] == [0, 0], reports
    assert [r["saved"] for r in reports] == [SQLITE_WRITES, SQLITE_WRITES]
    with sqlite3.connect(database) as db:
        updates = db.execute("SELECT COUNT(*) FROM directives_progressupdate").fetchone()[0]
        version = db.execute("SELECT version FROM directives_assignment").fetchone()[0]
    assert updates == 2 * SQLITE_WRITES
    assert version == 1 + 2 * SQLITE_WRITES
