"""Database checks shared by the security tests: nothing written, as row counts and as SQL."""

from __future__ import annotations

from django.apps import apps
from django.db import connection


def row_counts() -> dict[str, int]:
    """Every table's row count, in one query."""
    tables = sorted(
        {m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed}
    )
    quote = connection.ops.quote_name
    # Table names come from the model registry, never from input.
    sql = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM {quote(t)}" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {t: (before[t], after[t]) for t in before if before[t] != after[t]}


def writes(queries) -> list[str]:
    """Statements that change data, except the session expiry refresh of every request and the
    API's bookkeeping of each request: its rate-limit counter (on the token's row, or in the
    cache for a session; a refused request spends its client's budget too, by design) and its
    token's "last used" time (at most every 5 min)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
        and "django_session" not in q["sql"]
        and not ("django_cache" in q["sql"] and ":throttle_token_" in q["sql"])
        and not (
            q["sql"].lstrip().upper().startswith("UPDATE")
            and "directives_apitoken" in q["sql"]
            and any(
                f'SET "{field}"' in q["sql"]
                for field in ("last_used_at", "window_requests", "window_started_at")
            )
        )
    ]
