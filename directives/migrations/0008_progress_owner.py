"""Progress has an owner (issue 13): coordinating units' reports no longer count as the lead's.

Schema: `ProgressUpdate.coordinating`, true on a coordinating unit's report of its own part.

Data (`mark_coordinating_updates`), for the history written before this rule:
1. A progress update is marked `coordinating` when its unit is one of the assignment's
   coordinating units and not its lead unit, and it changes no workflow status
   (`status_after` is blank). Its text, percent, files and date stay as they are: it is still
   on the timeline, now as that unit's own report.
2. For each assignment that had such an update, the lead unit's numbers are recomputed from its
   other rows, oldest first: a plain report sets the percent, a sign-off sets 100, and a
   workflow row (which copied the assignment's percent when it was written) gets the lead's
   percent of that moment if it had copied a coordinating unit's figure. Then the assignment's
   `percent` is the last of these (0 without any lead report, 100 when done) and its
   `last_update_at` the latest of its lead rows and extension requests (NULL with none).
Assignments without a coordinating update are left untouched. The reverse migration keeps the
recomputed numbers (the coordinating figures were never the lead's) and drops the column.
The audit trail (django-simple-history) records nothing for these corrections; a dashboard
region cached before the migration is dropped at the next write or within the hour.
"""

from django.db import migrations, models
from django.db.models import Exists, F, OuterRef


def mark_coordinating_updates(apps, schema_editor):
    # Historical models: plain managers (the append-only guard of the app's manager is not
    # here), which this one-off correction needs.
    Assignment = apps.get_model("directives", "Assignment")
    ProgressUpdate = apps.get_model("directives", "ProgressUpdate")
    ExtensionRequest = apps.get_model("directives", "ExtensionRequest")
    through = Assignment.coordinating_units.through
    coordinates = through.objects.filter(
        assignment_id=OuterRef("assignment_id"), unit_id=OuterRef("unit_id")
    )
    theirs = (
        ProgressUpdate.objects.filter(status_after="", unit__isnull=False, coordinating=False)
        .exclude(unit_id=F("assignment__lead_unit_id"))
        .filter(Exists(coordinates))
    )
    affected = sorted(set(theirs.values_list("assignment_id", flat=True)))
    theirs.update(coordinating=True)
    for assignment in Assignment.objects.filter(pk__in=affected).order_by("pk"):
        percent = 0
        last = None
        rows = ProgressUpdate.objects.filter(assignment=assignment, coordinating=False)
        for row in rows.order_by("created_at", "pk"):
            if not row.status_after:
                percent = row.percent
            else:
                if row.status_after == "done":
                    percent = 100
                if row.percent != percent:
                    ProgressUpdate.objects.filter(pk=row.pk).update(percent=percent)
            last = row.created_at
        requested = (
            ExtensionRequest.objects.filter(assignment=assignment)
            .order_by("-requested_at")
            .values_list("requested_at", flat=True)
            .first()
        )
        if requested is not None and (last is None or requested > last):
            last = requested
        if assignment.status == "done":
            percent = 100
        Assignment.objects.filter(pk=assignment.pk).update(percent=percent, last_update_at=last)


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0007_scale_tally_and_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressupdate",
            name="coordinating",
            field=models.BooleanField(
                default=False,
                help_text="Phần việc của đơn vị phối hợp; không tính vào tiến độ của nhiệm vụ.",
                verbose_name="báo cáo của đơn vị phối hợp",
            ),
        ),
        migrations.RunPython(mark_coordinating_updates, migrations.RunPython.noop),
    ]
