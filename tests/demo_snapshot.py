"""The demo data for tests, seeded for real once per process and then written back as rows.

Why: about a hundred tests start from the demo world (every browser test, the admin's, the
dashboard cache's, and each module that shares one), and `seed_demo` builds it through the
application's own write paths — history, tallies, data versions — in two to three seconds.
Over the suite that was some five minutes of a 2-core machine's time spent building the same
rows again.

How: the first time a process seeds for a given configuration, `seed` runs the real command and
notes every row it added, table by table. Later calls, when the tables it filled are empty again
(a flushed transactional test, a rolled-back one), insert those rows with plain INSERTs in one
transaction, set the id sequences past them (PostgreSQL), and renew every page's data version,
as the real writes would have. Anything that could make the copy differ from a fresh seed falls
back to seeding for real: the seed changed a row that was there before it, a row it added
refers to one that was there before it (content types and permissions are re-created with new
ids by each flush), a table it fills is not empty, or a setting differs (the key holds them all,
the password hasher and the day included).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone


@dataclass(frozen=True)
class _Rows:
    table: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


_snapshots: dict[str, list[_Rows] | None] = {}  # None: this configuration cannot be copied


def seed() -> None:
    """`seed_demo --founding-only` (with DEBUG on, as `make run` has it), or its rows again."""
    key = _key()
    snapshot = _snapshots.get(key)
    if snapshot is not None and _restore(snapshot):
        return
    before = _read_all()
    _seed_for_real()
    if key not in _snapshots:
        _snapshots[key] = _capture(before, _read_all())


def _seed_for_real() -> None:
    debug = settings.DEBUG
    settings.DEBUG = True
    try:
        call_command("seed_demo", founding_only=True, stdout=_Quiet())
    finally:
        settings.DEBUG = debug


class _Quiet:
    def write(self, *_args, **_kwargs) -> None:
        pass

    def flush(self) -> None:
        pass


def _key() -> str:
    # DEBUG is the seed's own switch; django-axes fills in its defaults on first use.
    values = {
        name: getattr(settings, name)
        for name in dir(settings)
        if name.isupper() and name != "DEBUG" and not name.startswith("AXES_")
    }
    text = repr(
        (
            sorted(values.items(), key=lambda item: item[0]),
            connection.vendor,
            connection.settings_dict["NAME"],
            timezone.localdate(),
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _read_all() -> dict[str, _Rows]:
    found = {}
    with connection.cursor() as cursor:
        for table in _tables():
            # Table names from Django's own models, quoted: no outside text.
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = tuple(column[0] for column in cursor.description)
            found[table] = _Rows(table, columns, tuple(map(tuple, cursor.fetchall())))
    return found


def _capture(before: dict[str, _Rows], after: dict[str, _Rows]) -> list[_Rows] | None:
    added = []
    for table, rows in after.items():
        old = set(before[table].rows) if table in before else set()
        if not old <= set(rows.rows):
            return None  # the seed changed or removed a row that was there
        if old and set(rows.rows) != old:
            return None  # the seed added to a table that was not empty
        if not old and rows.rows:
            added.append(rows)
    filled = {rows.table for rows in added}
    prior = {table for table, rows in before.items() if rows.rows}
    for model in _models():
        if model._meta.db_table not in filled:
            continue
        for field in model._meta.get_fields():
            target = getattr(field, "related_model", None)
            if (
                field.concrete
                and not field.many_to_many  # its own table's rows are checked as a model's
                and target is not None
                and target._meta.db_table in prior
            ):
                return None  # a row refers to one that a flush re-creates with another id
    return added


def _models() -> list:
    return list(apps.get_models(include_auto_created=True))


def _restore(snapshot: list[_Rows]) -> bool:
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for rows in snapshot:
            cursor.execute(f"SELECT 1 FROM {quote(rows.table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                return False
        for rows in snapshot:
            columns = ", ".join(quote(column) for column in rows.columns)
            marks = ", ".join(["%s"] * len(rows.columns))
            cursor.executemany(
                f"INSERT INTO {quote(rows.table)} ({columns}) VALUES ({marks})",  # noqa: S608
                rows.rows,
            )
        filled = {rows.table for rows in snapshot}
        models = [model for model in _models() if model._meta.db_table in filled]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    from directives import freshness

    freshness.data_changed()  # every page's data version, as the seed's own writes renew them
    return True
