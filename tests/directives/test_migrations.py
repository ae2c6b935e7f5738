"""Migration 0008 (progress has an owner): past coordinating updates keep their text, are
marked, and the lead unit's percent and last update are recomputed from its own rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Slow (migrates the database back and forth): left out of `make test-quick`, run by `make test`.
pytestmark = pytest.mark.slow

BEFORE = [("directives", "0007_scale_tally_and_indexes")]
AFTER = [("directives", "0008_progress_owner")]
UTC = dt.UTC


def at(day: int, hour: int = 3) -> dt.datetime:
    return dt.datetime(2021, 1, day, hour, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps(transactional_db):
    """The schema as it was before 0008; migrated to the newest again afterwards."""
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def history(apps):
    """Two assignments in the old shape: on the first a coordinating unit overwrote the lead's
    percent (and a completion report then copied it); the second has only lead updates."""
    Unit = apps.get_model("directives", "Unit")
    Document = apps.get_model("directives", "Document")
    Directive = apps.get_model("directives", "Directive")
    Assignment = apps.get_model("directives", "Assignment")
    ProgressUpdate = apps.get_model("directives", "ProgressUpdate")
    ExtensionRequest = apps.get_model("directives", "ExtensionRequest")
    # Historical models do not compute the materialised path; write it as Unit.save would
    # (later migrations read it).
    root = Unit.objects.create(name="Tỉnh", short_name="T", kind="province", path="")
    root.path = f"{root.pk:06d}/"
    root.save()
    lead = Unit.objects.create(name="Huyện ủy", kind="party_committee", parent=root, path="")
    helper = Unit.objects.create(name="Ban Tuyên giáo", kind="party_board", parent=root, path="")
    for unit in (lead, helper):
        unit.path = f"{root.path}{unit.pk:06d}/"
        unit.save()
    document = Document.objects.create(subject="Kết luận", issue_date=dt.date(2020, 11, 17))
    directive = Directive.objects.create(document=document, number="1", position=1, title="x")

    def update(assignment, unit, day, percent, note, before="", after=""):
        return ProgressUpdate.objects.create(
            assignment=assignment,
            unit=unit,
            created_at=at(day),
            note=note,
            percent=percent,
            status_before=before,
            status_after=after,
        )

    mixed = Assignment.objects.create(
        directive=directive,
        lead_unit=lead,
        status="awaiting_signoff",
        percent=10,
        last_update_at=at(20),
        version=6,
    )
    mixed.coordinating_units.set([helper])
    update(mixed, lead, 5, 0, "Bắt đầu", "not_started", "in_progress")
    update(mixed, lead, 10, 70, "Chủ trì 70")
    update(mixed, helper, 15, 10, "Phối hợp 10")
    ExtensionRequest.objects.create(
        assignment=mixed, requested_at=at(12), new_deadline=dt.date(2021, 3, 1), reason="x"
    )
    update(mixed, lead, 20, 10, "Báo cáo hoàn thành", "in_progress", "awaiting_signoff")
    plain = Assignment.objects.create(
        directive=directive, lead_unit=lead, percent=40, last_update_at=at(2), version=3
    )
    plain.coordinating_units.set([helper])
    update(plain, lead, 2, 40, "Chủ trì 40")
    return mixed.pk, plain.pk


def test_0008_marks_coordinating_updates_and_recomputes_the_leads_numbers(old_apps):
    mixed, plain = history(old_apps)
    apps = migrate(AFTER)
    Assignment = apps.get_model("directives", "Assignment")
    ProgressUpdate = apps.get_model("directives", "ProgressUpdate")
    rows = {
        u.note: (u.coordinating, u.percent)
        for u in ProgressUpdate.objects.filter(assignment_id=mixed)
    }
    assert rows == {
        "Bắt đầu": (False, 0),
        "Chủ trì 70": (False, 70),
        "Phối hợp 10": (True, 10),  # kept, text and figure, as the unit's own report
        "Báo cáo hoàn thành": (False, 70),  # had copied the coordinating 10 %
    }
    assert Assignment.objects.values_list("percent", "last_update_at", "version").get(pk=mixed) == (
        70,
        at(20),
        6,
    )
    assert Assignment.objects.values_list("percent", "last_update_at").get(pk=plain) == (
        40,
        at(2),
    )
    assert not ProgressUpdate.objects.filter(assignment_id=plain, coordinating=True).exists()


def test_0008_gives_zero_and_no_date_without_a_lead_report_and_100_when_done(old_apps):
    Unit = old_apps.get_model("directives", "Unit")
    Document = old_apps.get_model("directives", "Document")
    Directive = old_apps.get_model("directives", "Directive")
    Assignment = old_apps.get_model("directives", "Assignment")
    ProgressUpdate = old_apps.get_model("directives", "ProgressUpdate")
    lead = Unit.objects.create(name="Sở A", kind="department", path="")
    helper = Unit.objects.create(name="Sở B", kind="department", path="")
    for unit in (lead, helper):  # the path is the chain of ids (later migrations read it)
        unit.path = f"{unit.pk:06d}/"
        unit.save()
    document = Document.objects.create(subject="Kết luận", issue_date=dt.date(2020, 11, 17))
    directive = Directive.objects.create(document=document, number="1", position=1, title="x")
    only_theirs = Assignment.objects.create(
        directive=directive, lead_unit=lead, percent=55, last_update_at=at(9)
    )
    done = Assignment.objects.create(
        directive=directive,
        lead_unit=lead,
        status="done",
        completed_on=dt.date(2021, 1, 8),
        percent=100,
        last_update_at=at(9),
    )
    for assignment in (only_theirs, done):
        assignment.coordinating_units.set([helper])
        ProgressUpdate.objects.create(
            assignment=assignment, unit=helper, created_at=at(9), note="Phối hợp", percent=55
        )
    ProgressUpdate.objects.create(
        assignment=done,
        unit=lead,
        created_at=at(8),
        note="Xác nhận",
        percent=100,
        status_before="awaiting_signoff",
        status_after="done",
    )
    apps = migrate(AFTER)
    Assignment = apps.get_model("directives", "Assignment")
    assert Assignment.objects.values_list("percent", "last_update_at").get(pk=only_theirs.pk) == (
        0,
        None,
    )
    assert Assignment.objects.values_list("percent", "last_update_at").get(pk=done.pk) == (
        100,
        at(8),
    )
