"""Sign-off history: the reported date on the history rows, and the tally's "late" flag for work
awaiting sign-off (issue 13, items 3–4).

- `ProgressUpdate.done_on`: on a "report done" row the local day (settings.TIME_ZONE) it was
  reported; on a confirmation the assignment's completion date (the reported day). Done is no
  longer final (undo, reopen), so the as-of picture reads these dates from the history.
- The tally is recounted: an assignment awaiting sign-off is now "late" when it was reported after
  its deadline (or its report date is unknown), so the maintained counts agree with the pages.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate

AWAITING, DONE = "awaiting_signoff", "done"


def backfill_done_on(apps, schema_editor):
    ProgressUpdate = apps.get_model("directives", "ProgressUpdate")
    Assignment = apps.get_model("directives", "Assignment")
    local_day = TruncDate("created_at", tzinfo=ZoneInfo(settings.TIME_ZONE))
    ProgressUpdate.objects.filter(status_after=AWAITING, done_on__isnull=True).update(
        done_on=local_day
    )
    completed = Assignment.objects.filter(pk=OuterRef("assignment_id")).values("completed_on")[:1]
    ProgressUpdate.objects.filter(status_after=DONE, done_on__isnull=True).update(
        done_on=Coalesce(Subquery(completed, output_field=models.DateField()), local_day)
    )


_LATE_SQL = (
    "CASE WHEN a.deadline IS NULL THEN FALSE "
    "WHEN a.status = 'done' AND a.completed_on > a.deadline THEN TRUE "
    "WHEN a.status = 'awaiting_signoff' "
    "AND (a.reported_done_on IS NULL OR a.reported_done_on > a.deadline) THEN TRUE "
    "ELSE FALSE END"
)


def recount_tally(apps, schema_editor):
    """Replace the tally by a fresh count with the new "late" rule (as aggregates.rebuild)."""
    Unit = apps.get_model("directives", "Unit")
    Assignment = apps.get_model("directives", "Assignment")
    Tally = apps.get_model("directives", "AssignmentTally")
    pairs = [
        (unit_id, int(part))
        for unit_id, path in Unit.objects.values_list("pk", "path")
        for part in path.split("/")
        if part
    ]
    a, t = Assignment._meta.db_table, Tally._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS tally_ancestor")
        cursor.execute("CREATE TEMPORARY TABLE tally_ancestor (unit_id bigint, ancestor_id bigint)")
        cursor.executemany(
            "INSERT INTO tally_ancestor (unit_id, ancestor_id) VALUES (%s, %s)", pairs
        )
        cursor.execute(f"DELETE FROM {t}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {t} (unit_id, status, deadline, late, count) "  # noqa: S608
            f"SELECT p.ancestor_id, a.status, a.deadline, {_LATE_SQL}, COUNT(*) "
            f"FROM {a} a JOIN tally_ancestor p ON p.unit_id = a.lead_unit_id "
            f"GROUP BY p.ancestor_id, a.status, a.deadline, {_LATE_SQL} ORDER BY 1, 2, 3"
        )
        cursor.execute("DROP TABLE IF EXISTS tally_ancestor")


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0008_progress_owner"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressupdate",
            name="done_on",
            field=models.DateField(
                blank=True, null=True, verbose_name="ngày báo cáo hoàn thành"
            ),
        ),
        migrations.RunPython(backfill_done_on, migrations.RunPython.noop),
        migrations.RunPython(recount_tally, migrations.RunPython.noop),
    ]
