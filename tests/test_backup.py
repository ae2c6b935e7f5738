"""Backup and restore round trip: every table's row count and every file's checksum survive,
on the database the suite runs on (SQLite and, in .ci/run, PostgreSQL)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from directives.backup import media_checksums, row_counts, sqlite_row_counts

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def media(tmp_path, settings):
    """Uploaded files, with nested folders, a Vietnamese name and binary content."""
    root = tmp_path / "media"
    (root / "minh-chung" / "2021").mkdir(parents=True)
    (root / "minh-chung" / "2021" / "Báo cáo tiến độ.pdf").write_bytes(
        b"%PDF-1.4\n" + bytes(range(256))
    )
    (root / "minh-chung" / "anh.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 1000)
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def seeded(transactional_db, settings):
    """The demo data, committed so pg_dump (another connection) sees it."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database of the suite's engine, as a DATABASE_URL; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    params = connection.settings_dict
    name = f"{params['NAME']}_restore_{os.getpid()}"
    admin = {
        "dbname": "postgres",
        "host": params["HOST"] or None,
        "port": params["PORT"] or None,
        "user": params["USER"] or None,
        "password": params["PASSWORD"] or None,
        "autocommit": True,
    }
    with psycopg.connect(**admin) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    user = f"{params['USER']}@" if params["USER"] else ""
    try:
        yield f"postgres://{user}{params['HOST']}:{params['PORT']}/{name}"
    finally:
        with psycopg.connect(**admin) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args: str, database_url: str, media_root: Path) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media_root),
    }
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def restored_row_counts(database_url: str) -> dict[str, int]:
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return sqlite_row_counts(db)
    import psycopg

    from directives.backup import postgres_row_counts

    url = database_url.replace("postgres://", "postgresql://")
    with psycopg.connect(url) as db, db.cursor() as cursor:
        return postgres_row_counts(cursor)


def test_backup_then_restore_into_an_empty_database_keeps_everything(
    seeded, media, tmp_path, empty_database
):
    archive = tmp_path / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "Đã sao lưu" in out.getvalue()
    source_counts = row_counts()
    assert source_counts["directives_assignment"] == 25  # the demo, so the check has content

    restored_media = tmp_path / "restored-media"
    result = manage("restore", str(archive), database_url=empty_database, media_root=restored_media)
    assert result.returncode == 0, result.stderr
    assert "khớp với bản sao lưu" in result.stdout

    assert restored_row_counts(empty_database) == source_counts
    assert media_checksums(restored_media) == media_checksums(media)
    assert len(media_checksums(restored_media)) == 2


def test_restore_refuses_a_database_that_is_not_empty(seeded, media, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    before = row_counts()
    with pytest.raises(CommandError, match="không trống"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert row_counts() == before


def _rewrite(archive: Path, target: Path, change) -> None:
    """Copy an archive member by member, letting `change(name, data)` alter or add members."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as sink:
        members = [(m, source.extractfile(m).read()) for m in source.getmembers() if m.isfile()]
        for name, data in change([(m.name, d) for m, d in members]):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            sink.addfile(info, io.BytesIO(data))


def test_restore_refuses_a_tampered_archive(seeded, media, tmp_path, empty_database):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    tampered = tmp_path / "tampered.tar.gz"
    _rewrite(
        archive,
        tampered,
        lambda members: [(n, d + b"x" if n.endswith(".pdf") else d) for n, d in members],
    )
    target_media = tmp_path / "m"
    result = manage("restore", str(tampered), database_url=empty_database, media_root=target_media)
    assert result.returncode != 0
    assert "bị hỏng" in result.stderr
    assert not target_media.exists()


def test_restore_refuses_paths_that_climb_out(seeded, media, tmp_path, empty_database):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    evil = tmp_path / "evil.tar.gz"
    _rewrite(archive, evil, lambda members: [*members, ("media/../../escaped.txt", b"x")])
    result = manage("restore", str(evil), database_url=empty_database, media_root=tmp_path / "m")
    assert result.returncode != 0
    assert "không hợp lệ" in result.stderr
    assert not (tmp_path / "escaped.txt").exists()


def test_backup_manifest_lists_tables_and_file_checksums(seeded, media, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = tar.getnames()
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["directives_directive"] == 5
    assert set(manifest["files"]) == {"minh-chung/2021/Báo cáo tiến độ.pdf", "minh-chung/anh.png"}
    assert "media/minh-chung/anh.png" in names


def make_dry_run(*args: str) -> str:
    """What `make` would run (-n: nothing is run, not even the install step)."""
    result = subprocess.run(  # noqa: S603
        ["make", "-n", *args],  # noqa: S607 - make from PATH, as the README says
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,  # noqa: S607
    )
    return result.stdout


def test_make_backup_and_restore_call_the_commands():
    assert 'manage.py backup --output "/tmp/sao-luu.tar.gz"' in make_dry_run(
        "backup", "OUT=/tmp/sao-luu.tar.gz"
    )
    assert 'manage.py restore "/tmp/sao-luu.tar.gz"' in make_dry_run(
        "restore", "FILE=/tmp/sao-luu.tar.gz"
    )
