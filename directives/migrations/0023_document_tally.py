"""The maintained counts per document (`DocumentTally`), filled from a fresh count."""

import django.db.models.deletion
from django.db import migrations, models

# aggregates.key_for's "late", in SQL (as migration 0009 and aggregates.rebuild count).
_LATE_SQL = (
    "CASE WHEN a.deadline IS NULL THEN FALSE "
    "WHEN a.status = 'done' AND a.completed_on > a.deadline THEN TRUE "
    "WHEN a.status = 'awaiting_signoff' "
    "AND (a.reported_done_on IS NULL OR a.reported_done_on > a.deadline) THEN TRUE "
    "ELSE FALSE END"
)


def count_per_document(apps, schema_editor):
    """Top-level assignments per document, status, deadline and late: as aggregates.rebuild."""
    Assignment = apps.get_model("directives", "Assignment")
    Directive = apps.get_model("directives", "Directive")
    Tally = apps.get_model("directives", "DocumentTally")
    a, d = Assignment._meta.db_table, Directive._meta.db_table
    t = Tally._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {t} (document_id, status, deadline, late, count) "  # noqa: S608
            f"SELECT d.document_id, a.status, a.deadline, {_LATE_SQL}, COUNT(*) "
            f"FROM {a} a JOIN {d} d ON d.id = a.directive_id WHERE a.parent_id IS NULL "
            f"GROUP BY d.document_id, a.status, a.deadline, {_LATE_SQL} ORDER BY 1, 2, 3"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0022_calendar_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="DocumentTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("not_started", "Chưa thực hiện"),
                            ("in_progress", "Đang thực hiện"),
                            ("awaiting_signoff", "Chờ xác nhận"),
                            ("done", "Đã hoàn thành"),
                            ("suspended", "Tạm hoãn"),
                        ],
                        max_length=20,
                        verbose_name="trạng thái",
                    ),
                ),
                ("deadline", models.DateField(blank=True, null=True, verbose_name="thời hạn")),
                ("late", models.BooleanField(default=False, verbose_name="hoàn thành quá hạn")),
                ("count", models.IntegerField(default=0, verbose_name="số phân công")),
                (
                    "document",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="directives.document",
                        verbose_name="văn bản",
                    ),
                ),
            ],
            options={
                "verbose_name": "bảng đếm phân công theo văn bản",
                "verbose_name_plural": "bảng đếm phân công theo văn bản",
                "indexes": [
                    models.Index(
                        fields=["document", "status", "deadline"], name="doctally_doc_status_dl"
                    )
                ],
            },
        ),
        migrations.RunPython(count_per_document, migrations.RunPython.noop),
    ]
