"""Folded search columns (directives.search): add them, fill existing rows, and on PostgreSQL
index them with trigrams so `LIKE '% word%'` is an index scan, not a full read."""

from django.db import migrations, models

from directives.text import search_key

BATCH = 2000

# (model, {column: source fields}); Unit's search_text existed already, in an older form.
COLUMNS = [
    ("Document", {"search_title": ("number", "subject"),
                  "search_text": ("number", "subject", "issuer", "signer")}),
    ("Directive", {"search_title": ("number", "title"),
                   "search_text": ("number", "title", "text")}),
    ("Assignment", {"search_title": ("expected_result",),
                    "search_text": ("expected_result", "contact_person", "deadline_basis")}),
    ("ProgressUpdate", {"search_text": ("note", "difficulties", "proposals")}),
]
TRIGRAM_INDEXED = ["unit", "document", "directive", "assignment", "progressupdate"]


def _unit_key(unit):
    aliases = [line.strip() for line in unit.aliases.splitlines() if line.strip()]
    return search_key(unit.name, unit.short_name, *aliases)


def fill(apps, schema_editor):
    for model_name, columns in COLUMNS:
        model = apps.get_model("directives", model_name)
        batch = []
        for obj in model.objects.order_by("pk").iterator(chunk_size=BATCH):
            for column, sources in columns.items():
                setattr(obj, column, search_key(*(getattr(obj, f) for f in sources)))
            batch.append(obj)
            if len(batch) == BATCH:
                model.objects.bulk_update(batch, list(columns))
                batch = []
        model.objects.bulk_update(batch, list(columns))
    Unit = apps.get_model("directives", "Unit")
    units = list(Unit.objects.all())
    for unit in units:
        unit.search_text = _unit_key(unit)
    Unit.objects.bulk_update(units, ["search_text"], batch_size=BATCH)


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite scans; the same LIKE gives the same answers there.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in TRIGRAM_INDEXED:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS directives_{table}_search_trgm "
            f"ON directives_{table} USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TRIGRAM_INDEXED:
        schema_editor.execute(f"DROP INDEX IF EXISTS directives_{table}_search_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ('directives', '0004_staff_attachments'),
    ]

    operations = [
        migrations.AddField(
            model_name='assignment',
            name='search_text',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='assignment',
            name='search_title',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='directive',
            name='search_title',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='document',
            name='search_text',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='document',
            name='search_title',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name='progressupdate',
            name='search_text',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
