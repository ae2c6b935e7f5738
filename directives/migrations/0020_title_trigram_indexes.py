"""Trigram indexes on the folded titles of documents and directives (PostgreSQL; issue 15).

Search shows title matches first. With only the body text indexed, a word common in bodies and
rare in titles ("kế hoạch" in documents) made the title run read every body match (7,000
documents at a million assignments: 64 ms) to keep the few titled ones; with the title indexed
too, PostgreSQL combines both indexes and reads those few (4 ms). SQLite scans, with the same
answers.
"""

from django.db import migrations

TABLES = ("document", "directive")


def title_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS directives_{table}_title_trgm "
            f"ON directives_{table} USING gin (search_title gin_trgm_ops)"
        )


def drop_title_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS directives_{table}_title_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0019_api_bench_token_window"),
    ]

    operations = [migrations.RunPython(title_indexes, drop_title_indexes, elidable=False)]
