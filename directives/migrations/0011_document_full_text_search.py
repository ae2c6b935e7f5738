"""A document's folded search text now includes its full text (`source_text`), so a word of
the body finds it. Recomputed here for the documents already stored; the trigram index of
migration 0005 on `search_text` serves the longer column as before."""

from django.db import migrations

from directives.text import search_key

BATCH = 500


def with_full_text(apps, schema_editor):
    Document = apps.get_model("directives", "Document")
    rows = Document.objects.only("pk", "number", "subject", "issuer", "signer", "source_text")
    changed = []
    for document in rows.iterator(chunk_size=BATCH):
        document.search_text = search_key(
            document.number,
            document.subject,
            document.issuer,
            document.signer,
            document.source_text,
        )
        changed.append(document)
        if len(changed) == BATCH:
            Document.objects.bulk_update(changed, ["search_text"])
            changed = []
    Document.objects.bulk_update(changed, ["search_text"])


def without_full_text(apps, schema_editor):
    Document = apps.get_model("directives", "Document")
    rows = Document.objects.only("pk", "number", "subject", "issuer", "signer")
    changed = []
    for document in rows.iterator(chunk_size=BATCH):
        document.search_text = search_key(
            document.number, document.subject, document.issuer, document.signer
        )
        changed.append(document)
    Document.objects.bulk_update(changed, ["search_text"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("directives", "0010_reminder_runs")]

    operations = [migrations.RunPython(with_full_text, without_full_text, elidable=True)]
