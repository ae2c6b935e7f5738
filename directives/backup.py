"""Backup and restore: the database and the uploaded files in one archive, checked on the way
back.

An archive (`tracker-<engine>-<time>.tar.gz`) holds:
- `database.sqlite3` (SQLite's online backup API: a consistent copy while the app runs) or
  `database.dump` (pg_dump's custom format, taken in the same snapshot as the row counts);
- `media/…`, every file under MEDIA_ROOT;
- `manifest.json`: the engine, every table's row count and every file's SHA-256.

Restore goes only into an empty database (and an empty MEDIA_ROOT), refuses an archive whose
checksums or paths are wrong, and afterwards compares every table's row count with the manifest.

An archive holds password hashes, sessions and calendar-feed tokens, so it is private: written
with mode 0600 (set explicitly, whatever the umask) into a folder of mode 0700. With
DJANGO_BACKUP_AGE_RECIPIENTS (age public keys) it is also encrypted (`….tar.gz.age`, through
pyrage); restoring it needs the matching secret key in DJANGO_BACKUP_AGE_IDENTITY, which belongs
where restores are done, not on the server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
MEDIA = "media"


ENCRYPTED_SUFFIX = ".age"
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


class BackupError(Exception):
    """The backup or restore cannot go ahead; the message says why, in one line."""


def _private_folder(folder: Path, *, make_private: bool) -> None:
    """Create `folder` (and missing parents) with mode 0700; an existing folder is made 0700
    only when it is our own (BACKUP_ROOT), never a folder the operator chose for one file."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for path in reversed(missing):
        path.mkdir(mode=PRIVATE_FOLDER)
        os.chmod(path, PRIVATE_FOLDER)  # mkdir's mode is reduced by the umask: set it outright
    if make_private:
        os.chmod(folder, PRIVATE_FOLDER)


def _open_private(path: Path):
    """A new file only its owner can read, whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.fchmod(descriptor, PRIVATE_FILE)
    return os.fdopen(descriptor, "wb")


def readable_by_others(path: Path) -> bool:
    """Whether the file's group or anyone else may read it."""
    return bool(path.stat().st_mode & 0o044)


def _recipients() -> list:
    keys = [k.strip() for k in settings.BACKUP_AGE_RECIPIENTS if k.strip()]
    if not keys:
        return []
    from pyrage import RecipientError, x25519

    try:
        return [x25519.Recipient.from_str(key) for key in keys]
    except RecipientError as error:
        raise BackupError(
            f"DJANGO_BACKUP_AGE_RECIPIENTS: khóa công khai age không hợp lệ ({error})."
        ) from error


def _decrypt(archive: Path, into: Path) -> Path:
    """Decrypt an `.age` archive into `into` with the key in DJANGO_BACKUP_AGE_IDENTITY."""
    import pyrage

    key = settings.BACKUP_AGE_IDENTITY.strip()
    if not key:
        raise BackupError(
            "Bản sao lưu đã mã hóa: hãy đặt khóa bí mật age vào DJANGO_BACKUP_AGE_IDENTITY."
        )
    try:
        identity = pyrage.x25519.Identity.from_str(key)
    except pyrage.IdentityError as error:
        raise BackupError(
            "DJANGO_BACKUP_AGE_IDENTITY không phải khóa bí mật age hợp lệ."
        ) from error
    plain = into / "archive.tar.gz"
    try:
        with archive.open("rb") as source, _open_private(plain) as sink:
            pyrage.decrypt_io(source, sink, [identity])
    except (pyrage.DecryptError, OSError) as error:
        raise BackupError(
            f"Không giải mã được {archive.name}: sai khóa hoặc tệp hỏng ({error})."
        ) from error
    return plain


@dataclass(frozen=True)
class Result:
    archive: Path
    tables: dict[str, int]
    files: dict[str, str]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_checksums(root: Path) -> dict[str, str]:
    """SHA-256 of every file under `root`, by its path relative to it (POSIX separators)."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256_of(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# --- row counts ----------------------------------------------------------------------------------


def sqlite_row_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    # Names come from the database's own catalogue, quoted.
    return {n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in sorted(names)}  # noqa: S608


def postgres_row_counts(cursor) -> dict[str, int]:
    from psycopg import sql

    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    counts = {}
    for (name,) in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(name)))
        counts[name] = cursor.fetchone()[0]
    return counts


def row_counts(using: str = "default") -> dict[str, int]:
    """Every table's row count in the database Django is configured for."""
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return sqlite_row_counts(connection.connection)
    with connection.cursor() as cursor:
        return postgres_row_counts(cursor.cursor if hasattr(cursor, "cursor") else cursor)


# --- PostgreSQL plumbing -------------------------------------------------------------------------


def _pg_params(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _pg_connect(settings_dict: dict):
    import psycopg

    return psycopg.connect(
        dbname=settings_dict["NAME"],
        host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
    )


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{command[0]}: {message[-1] if message else result.returncode}")


# --- backup -------------------------------------------------------------------------------------


def backup(output: Path | None = None, *, using: str = "default") -> Result:
    """Write an archive of the database and MEDIA_ROOT; returns where and what it holds."""
    connection = connections[using]
    engine = connection.vendor
    if engine not in ("sqlite", "postgresql"):
        raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu {engine}.")
    recipients = _recipients()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    suffix = ".tar.gz" + (ENCRYPTED_SUFFIX if recipients else "")
    chosen = output is not None
    output = Path(output or Path(settings.BACKUP_ROOT) / f"tracker-{engine}-{stamp}{suffix}")
    if recipients and not output.name.endswith(ENCRYPTED_SUFFIX):
        output = output.with_name(output.name + ENCRYPTED_SUFFIX)
    _private_folder(output.parent, make_private=not chosen)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if engine == "sqlite":
            database = work / SQLITE_FILE
            connection.ensure_connection()
            copy = sqlite3.connect(database)
            try:
                connection.connection.backup(copy)  # online and consistent, even while in use
                tables = sqlite_row_counts(copy)
            finally:
                copy.close()
        else:
            database = work / POSTGRES_FILE
            tables = _pg_dump(connection.settings_dict, database)
        files = media_checksums(media_root)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "database": {"name": database.name, "sha256": sha256_of(database)},
            "tables": tables,
            "files": files,
        }
        partial = output.with_name(output.name + ".partial")
        plain = work / "archive.tar.gz" if recipients else partial
        with _open_private(plain) as sink, tarfile.open(fileobj=sink, mode="w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(database, arcname=database.name)
            for name in files:
                archive.add(media_root / name, arcname=f"{MEDIA}/{name}", recursive=False)
        if recipients:
            import pyrage

            with plain.open("rb") as source, _open_private(partial) as sink:
                pyrage.encrypt_io(source, sink, recipients)
        partial.replace(output)  # never a half-written archive under the final name
    return Result(output, tables, files)


def _pg_dump(settings_dict: dict, target: Path) -> dict[str, int]:
    """Dump in the same snapshot the row counts are read in, so they describe the dump."""
    args, env = _pg_params(settings_dict)
    with _pg_connect(settings_dict) as db:
        db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = db.execute("SELECT pg_export_snapshot()").fetchone()[0]
        with db.cursor() as cursor:
            tables = postgres_row_counts(cursor)
        _run(
            [
                "pg_dump",
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                str(settings_dict["NAME"]),
            ],
            env,
        )
        db.rollback()
    return tables


# --- restore ------------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and all(part and not any(ord(c) < 32 for c in part) for part in path.parts)
    )


def read_archive(archive: Path, into: Path) -> dict:
    """Unpack `archive` into `into` after checking every member; returns the manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest = _unpack(tar, into)
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Không đọc được tệp sao lưu {archive}: {error}") from error
    database = into / manifest["database"]["name"]
    if (
        not _safe_member(database.name)
        or not database.is_file()
        or sha256_of(database) != manifest["database"]["sha256"]
    ):
        raise BackupError("Tệp cơ sở dữ liệu trong bản sao lưu bị hỏng (sai mã kiểm tra).")
    for name, digest in manifest["files"].items():
        path = into / MEDIA / name
        if not _safe_member(name) or not path.is_file() or sha256_of(path) != digest:
            raise BackupError(f"Tệp đính kèm {name!r} trong bản sao lưu bị hỏng hoặc thiếu.")
    return manifest


def _unpack(tar: tarfile.TarFile, into: Path) -> dict:
    # Checked by hand rather than trusting extraction filters: only plain files and folders,
    # relative paths, no "..", no control characters.
    members = tar.getmembers()
    for member in members:
        if not _safe_member(member.name) or not (member.isfile() or member.isdir()):
            raise BackupError(f"Tệp sao lưu có mục không hợp lệ: {member.name!r}")
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError) as error:
        raise BackupError("Tệp sao lưu không có manifest.json hợp lệ.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Không hỗ trợ định dạng sao lưu {manifest.get('format')!r}.")
    for member in members:
        if member.isfile():
            target = into / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
    return manifest


def restore(archive: Path, *, using: str = "default") -> Result:
    """Restore `archive` into the configured database and MEDIA_ROOT, both of which must be
    empty; then check every table's row count against the manifest."""
    connection = connections[using]
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        archive = Path(archive)
        readable = _decrypt(archive, work) if archive.name.endswith(ENCRYPTED_SUFFIX) else archive
        manifest = read_archive(readable, work)
        if manifest["engine"] != connection.vendor:
            raise BackupError(
                f"Bản sao lưu của {manifest['engine']} không khôi phục được vào "
                f"{connection.vendor}."
            )
        if connection.introspection.table_names():
            raise BackupError(
                "Cơ sở dữ liệu đích không trống: chỉ khôi phục vào một cơ sở dữ liệu mới, trống."
            )
        if media_root.exists() and any(media_root.iterdir()):
            raise BackupError(f"Thư mục tệp đính kèm {media_root} không trống.")
        database = work / manifest["database"]["name"]
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(database)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            args, env = _pg_params(connection.settings_dict)
            connection.close()
            _run(
                [
                    "pg_restore",
                    *args,
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={connection.settings_dict['NAME']}",
                    str(database),
                ],
                env,
            )
        connection.close()  # forget any state from before the restore
        for name in manifest["files"]:
            target = media_root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / MEDIA / name, target)
    tables = row_counts(using)
    if tables != manifest["tables"]:
        differing = sorted(
            t
            for t in set(tables) | set(manifest["tables"])
            if tables.get(t) != manifest["tables"].get(t)
        )
        raise BackupError(f"Số dòng sau khi khôi phục khác bản sao lưu ở các bảng: {differing}")
    if media_checksums(media_root) != manifest["files"]:
        raise BackupError("Tệp đính kèm sau khi khôi phục khác bản sao lưu.")
    return Result(Path(archive), tables, manifest["files"])
