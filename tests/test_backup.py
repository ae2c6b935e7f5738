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

from directives.backup import (
    BackupError,
    backup,
    media_checksums,
    restore,
    row_counts,
    sqlite_row_counts,
)

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
    call_command("seed_demo", founding_only=True, stdout=io.StringIO())
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


# --- private archives (issue 22) ----------------------------------------------------------------


@pytest.fixture
def open_umask():
    """The usual umask, under which a plain open() makes files everyone can read."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_archives_are_private_whatever_the_umask(transactional_db, settings, tmp_path, open_umask):
    settings.BACKUP_ROOT = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    result = backup()
    assert mode(result.archive) == 0o600
    assert mode(settings.BACKUP_ROOT) == 0o700
    assert not (settings.BACKUP_ROOT / f"{result.archive.name}.partial").exists()


def test_an_existing_backup_folder_is_made_private(
    transactional_db, settings, tmp_path, open_umask
):
    settings.BACKUP_ROOT = tmp_path / "backups"
    settings.BACKUP_ROOT.mkdir(mode=0o755)
    settings.MEDIA_ROOT = tmp_path / "media"
    backup()
    assert mode(settings.BACKUP_ROOT) == 0o700


def test_a_chosen_file_is_private_and_its_folder_left_alone(
    transactional_db, settings, tmp_path, open_umask
):
    settings.MEDIA_ROOT = tmp_path / "media"
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    result = backup(shared / "today.tar.gz")
    assert mode(result.archive) == 0o600
    assert mode(shared) == 0o755  # the operator's folder: not ours to change


def test_restore_warns_about_an_archive_others_can_read(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = backup(tmp_path / "backup.tar.gz").archive
    archive.chmod(0o644)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="không trống"):  # the warning comes first regardless
        call_command("restore", str(archive), stdout=io.StringIO(), stderr=errors)
    assert "để người khác đọc được (quyền 644)" in errors.getvalue()
    assert f"chmod 600 {archive}" in errors.getvalue()
    archive.chmod(0o600)
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("restore", str(archive), stdout=io.StringIO(), stderr=errors)
    assert "Cảnh báo" not in errors.getvalue()


# --- optional encryption (age, through pyrage) ---------------------------------------------------


@pytest.fixture
def age_key(settings):
    pyrage = pytest.importorskip("pyrage")
    identity = pyrage.x25519.Identity.generate()
    settings.BACKUP_AGE_RECIPIENTS = [str(identity.to_public())]
    return str(identity)


def test_encrypted_backup_restores_with_the_key_from_the_environment(
    seeded, media, tmp_path, empty_database, age_key
):
    result = backup(tmp_path / "backup.tar.gz")
    assert result.archive.name == "backup.tar.gz.age"
    assert mode(result.archive) == 0o600
    content = result.archive.read_bytes()
    assert content.startswith(b"age-encryption.org/v1")
    assert "Báo cáo tiến độ".encode() not in content and b"pbkdf2_sha256" not in content

    target = tmp_path / "restored-media"
    refused = manage("restore", str(result.archive), database_url=empty_database, media_root=target)
    assert refused.returncode != 0 and "DJANGO_BACKUP_AGE_IDENTITY" in refused.stderr

    os.environ["DJANGO_BACKUP_AGE_IDENTITY"] = age_key
    try:
        restored = manage(
            "restore", str(result.archive), database_url=empty_database, media_root=target
        )
    finally:
        del os.environ["DJANGO_BACKUP_AGE_IDENTITY"]
    assert restored.returncode == 0, restored.stderr
    assert restored_row_counts(empty_database) == result.tables
    assert media_checksums(target) == media_checksums(media)


def test_an_encrypted_backup_is_refused_with_the_wrong_key(
    transactional_db, media, tmp_path, settings, age_key
):
    import pyrage

    archive = backup(tmp_path / "backup.tar.gz").archive
    settings.BACKUP_AGE_IDENTITY = str(pyrage.x25519.Identity.generate())
    with pytest.raises(BackupError, match="Không giải mã được"):
        restore(archive)


def test_a_bad_public_key_is_a_clear_error(transactional_db, settings, tmp_path):
    settings.BACKUP_AGE_RECIPIENTS = ["age1khong-phai-khoa"]
    with pytest.raises(BackupError, match="DJANGO_BACKUP_AGE_RECIPIENTS"):
        backup(tmp_path / "backup.tar.gz")
    assert list(tmp_path.iterdir()) == []
