"""Indexes for bounded search and listings at a million assignments (issue 15): newest-first
walks over assignments and documents, and the directives a leader's units lead or coordinate
read from indexes alone (docs/performance.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("directives", "0017_scorecard_stored_periods"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["created_at", "id"], name="assignment_created_order"),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["lead_unit", "directive"], name="assignment_lead_directive"),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["id", "directive"], name="assignment_id_directive"),
        ),
        migrations.AddIndex(
            model_name="document",
            index=models.Index(fields=["issue_date", "id"], name="document_issue_order"),
        ),
    ]
