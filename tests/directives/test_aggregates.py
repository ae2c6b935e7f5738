"""The maintained assignment counts stay exactly equal to a fresh count, whatever the writes."""

from __future__ import annotations

import contextlib
import datetime as dt
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F, ProtectedError, Sum

from directives import actions, aggregates
from directives.models import (
    TRANSITIONS,
    Assignment,
    AssignmentTally,
    DeadlineChange,
    DocumentTally,
    ExtensionRequest,
    ProgressClosed,
    ReportGroup,
    Status,
    TransitionError,
    Unit,
    UnitKind,
)
from tests.factories import AssignmentFactory, DirectiveFactory, DocumentFactory, UnitFactory

START = dt.datetime(2021, 1, 4, 9, 0, tzinfo=dt.timezone.utc)


def build_tree() -> list[Unit]:
    root = UnitFactory(name="Tỉnh gốc", kind=UnitKind.PROVINCE)
    boards = [UnitFactory(name=f"Ban {i}", parent=root) for i in range(2)]
    districts = [UnitFactory(name=f"Huyện {i}", parent=root) for i in range(2)]
    communes = [UnitFactory(name=f"Xã {i}", parent=districts[i % 2]) for i in range(4)]
    return [root, *boards, *districts, *communes]


def random_deadline(rng: random.Random) -> dt.date | None:
    if rng.random() < 0.15:
        return None
    return dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(0, 120))


class Story:
    """Random writes through every path that can change an assignment's tally key."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.units = build_tree()
        self.documents = [DocumentFactory(issuing_unit=self.units[0]) for _ in range(2)]
        self.directives = [DirectiveFactory(document=self.documents[i % 2]) for i in range(3)]
        self.clock = START

    def tick(self) -> dt.datetime:
        self.clock += dt.timedelta(hours=self.rng.randrange(1, 48))
        return self.clock

    def pick(self) -> Assignment | None:
        pks = list(Assignment.objects.values_list("pk", flat=True))
        return Assignment.objects.get(pk=self.rng.choice(pks)) if pks else None

    def new_assignment(self) -> Assignment:
        return Assignment(
            directive=self.rng.choice(self.directives),
            lead_unit=self.rng.choice(self.units),
            deadline=random_deadline(self.rng),
        )

    # -- the steps ------------------------------------------------------------------------

    def create(self):
        AssignmentFactory(
            directive=self.rng.choice(self.directives),
            lead_unit=self.rng.choice(self.units),
            deadline=random_deadline(self.rng),
            coordinating=self.rng.sample(self.units, 2),
        )

    def bulk_create(self):
        Assignment.objects.bulk_create([self.new_assignment() for _ in range(3)])

    def progress(self, a: Assignment):
        percent = min(100, a.percent + self.rng.randrange(0, 30))
        # Awaiting sign-off, done and suspended work refuses it, and nothing may have changed.
        with contextlib.suppress(ProgressClosed):
            actions.record_progress(
                a, user=None, note="Cập nhật", percent=percent, at=self.tick(), trusted=True
            )

    def transition(self, a: Assignment):
        action = self.rng.choice(list(TRANSITIONS))
        # An action not allowed from this status raises, and nothing may have changed.
        with contextlib.suppress(TransitionError):
            actions.transition(
                a, action, user=None, note="", at=self.tick(), acting_as=TRANSITIONS[action].actor
            )

    def deadline(self, a: Assignment):
        kind = self.rng.choice(list(DeadlineChange.Kind))
        actions.set_deadline(
            a, deadline=random_deadline(self.rng), basis="Thử", kind=kind, at=self.tick()
        )

    def extension(self, a: Assignment):
        new = (a.deadline or dt.date(2021, 1, 1)) + dt.timedelta(days=self.rng.randrange(1, 60))
        try:
            request = actions.request_extension(
                a, user=None, new_deadline=new, reason="Cần thêm thời gian", trusted=True
            )
        except TransitionError:
            request = ExtensionRequest.objects.get(assignment=a, state="pending")
        approve = self.rng.random() < 0.6
        actions.decide_extension(
            request, user=None, approve=approve, note="" if approve else "Không", trusted=True
        )

    def move_directive(self, a: Assignment):
        directive = a.directive
        others = [d for d in self.documents if d.pk != directive.document_id]
        directive.document = self.rng.choice(others)
        directive.number = f"m{self.rng.randrange(10**6)}"  # unique within the document
        directive.save()

    def change_directive(self, a: Assignment):
        a.directive = self.rng.choice(self.directives)
        a.save()

    def change_lead_unit(self, a: Assignment):
        a.lead_unit = self.rng.choice(self.units)
        a.save()

    def queryset_update(self, a: Assignment):
        unit = self.rng.choice(self.units)
        field = self.rng.choice(["deadline", "lead_unit"])
        value = random_deadline(self.rng) if field == "deadline" else unit
        Assignment.objects.filter(lead_unit=a.lead_unit).update(**{field: value})

    def bulk_update(self, a: Assignment):
        a.deadline = random_deadline(self.rng)
        Assignment.objects.bulk_update([a], ["deadline"])

    def move_unit(self, _a):
        unit = self.rng.choice(self.units[1:])
        parent = self.rng.choice([u for u in self.units if not u.is_within(unit)] or [None])
        unit.refresh_from_db()
        unit.parent = Unit.objects.get(pk=parent.pk)
        unit.save()
        for u in self.units:
            u.refresh_from_db()

    def delete(self, a: Assignment):
        try:
            if self.rng.random() < 0.5:
                a.delete()
            else:
                Assignment.objects.filter(pk=a.pk).delete()
        except ProtectedError:
            pass  # it has history: refused, and nothing may have changed

    def rolled_back(self, a: Assignment):
        with pytest.raises(RuntimeError), transaction.atomic():
            a.status, a.completed_on = Status.DONE, dt.date(2021, 3, 1)
            a.save()
            raise RuntimeError

    STEPS = (
        "progress",
        "transition",
        "transition",
        "transition",
        "deadline",
        "extension",
        "change_lead_unit",
        "move_directive",
        "change_directive",
        "queryset_update",
        "bulk_update",
        "move_unit",
        "delete",
        "rolled_back",
    )

    def step(self) -> str:
        if self.rng.random() < 0.2 or not Assignment.objects.exists():
            name = self.rng.choice(["create", "bulk_create"])
            getattr(self, name)()
            return name
        name = self.rng.choice(self.STEPS)
        getattr(self, name)(self.pick())
        return name


@pytest.mark.parametrize("seed", range(6))
def test_tally_equals_a_fresh_count_after_random_actions(db, seed):
    story = Story(random.Random(seed))
    done = []
    for _ in range(60):
        done.append(story.step())
        assert aggregates.differences() == [], done
    assert Assignment.objects.count() > 0
    assert AssignmentTally.objects.filter(count__lt=0).count() == 0
    assert DocumentTally.objects.filter(count__lt=0).count() == 0
    assert {"move_directive", "change_directive"} & set(done)


def test_document_tally_counts_each_top_level_assignment_once_under_its_document(db):
    root, board, *_ = build_tree()
    first, second = DocumentFactory(issuing_unit=root), DocumentFactory(issuing_unit=root)
    parent = AssignmentFactory(
        directive=DirectiveFactory(document=first), lead_unit=board, deadline=dt.date(2021, 2, 9)
    )
    AssignmentFactory(directive=parent.directive, lead_unit=root, parent=parent)  # a part of it
    AssignmentFactory(directive=DirectiveFactory(document=second), lead_unit=board, deadline=None)
    held = {
        (row[1], row[2], row[3]): n
        for row, n in aggregates.stored().items()
        if row[0] == aggregates.DOCUMENT
    }
    assert held == {
        (first.pk, Status.NOT_STARTED, dt.date(2021, 2, 9)): 1,
        (second.pk, Status.NOT_STARTED, None): 1,
    }
    # The directive moves to the other document, its assignment's count with it.
    directive = parent.directive
    directive.document = second
    directive.save()
    assert DocumentTally.objects.filter(document=first).aggregate(n=Sum("count"))["n"] == 0
    assert DocumentTally.objects.filter(document=second).aggregate(n=Sum("count"))["n"] == 2
    assert aggregates.differences() == []


def test_tally_counts_each_assignment_under_every_unit_above_it(db):
    root, board, *_ = build_tree()
    commune = Unit.objects.get(name="Xã 1")
    AssignmentFactory(lead_unit=commune, deadline=dt.date(2021, 2, 9))
    counted = {row[1] for row in aggregates.stored() if row[0] == aggregates.UNIT}
    assert counted == set(aggregates.units_of_path(commune.path))
    assert root.pk in counted and board.pk not in counted


def test_report_counts_agree_with_the_standing_rules(db):
    story = Story(random.Random(42))
    for _ in range(80):
        story.step()
    for unit in story.units:
        subtree = Assignment.objects.filter(lead_unit__path__startswith=unit.path)
        for on in (dt.date(2021, 1, 1), dt.date(2021, 2, 15), dt.date(2021, 6, 1)):
            counts = aggregates.report_counts(unit, on=on)
            standing = subtree.with_standing(on=on)
            for group in ReportGroup.values:
                assert counts[group] == standing.filter(report_group_value=group).count()
            assert counts["total"] == subtree.count()
            assert counts["due_soon"] == subtree.due_soon(on=on).count()
            for status in Status.values:
                assert counts[f"status_{status}"] == subtree.filter(status=status).count()


def test_report_counts_give_the_headline_rate(db):
    unit = UnitFactory()
    AssignmentFactory(lead_unit=unit, deadline=dt.date(2021, 1, 10))
    done = AssignmentFactory(lead_unit=unit, deadline=dt.date(2021, 1, 10))
    for action in ("start", "report_done", "confirm"):
        actions.transition(
            done,
            action,
            user=None,
            note="",
            at=dt.datetime(2021, 1, 5, tzinfo=dt.timezone.utc),
            acting_as=TRANSITIONS[action].actor,
            confirm_below=True,
        )
    counts = aggregates.report_counts(unit, on=dt.date(2021, 1, 20))
    assert (counts["done_on_time"], counts["overdue_unfinished"]) == (1, 1)
    assert str(counts["rate"]) == "50.00"


def test_deleting_an_assignment_with_history_is_refused_and_counts_stay(assignment):
    actions.record_progress(assignment, user=None, note="x", percent=10, trusted=True)
    with pytest.raises(ProtectedError):
        assignment.delete()
    assert aggregates.differences() == []


def test_bulk_create_ignoring_conflicts_is_refused(db):
    with pytest.raises(ValueError, match="tally"):
        Assignment.objects.bulk_create([], ignore_conflicts=True)


def test_check_aggregates_passes_when_exact(assignment, capsys):
    call_command("check_aggregates")
    assert "khớp" in capsys.readouterr().out


def test_check_aggregates_reports_a_difference_and_exits_1(assignment, capsys):
    AssignmentTally.objects.filter(unit=assignment.lead_unit).update(count=F("count") + 1)
    with pytest.raises(CommandError) as error:
        call_command("check_aggregates")
    assert error.value.returncode == 1
    out = capsys.readouterr().out
    assert f"đơn vị {assignment.lead_unit_id}" in out
    assert "lưu 2, đếm lại 1" in out


def test_check_aggregates_reports_a_document_count_that_is_off(assignment, capsys):
    DocumentTally.objects.update(count=F("count") - 1)
    with pytest.raises(CommandError):
        call_command("check_aggregates")
    assert f"văn bản {assignment.directive.document_id}" in capsys.readouterr().out
    call_command("check_aggregates", "--rebuild")
    assert aggregates.differences() == []


def test_check_aggregates_rebuild_repairs_the_counts(assignment, capsys):
    AssignmentTally.objects.all().delete()
    call_command("check_aggregates", "--rebuild")
    assert "khớp" in capsys.readouterr().out
    assert aggregates.differences() == []


def test_the_migration_fills_the_document_tally_from_a_fresh_count(db):
    import importlib
    import types

    from django.apps import apps
    from django.db import connection

    story = Story(random.Random(7))
    for _ in range(30):
        story.step()
    DocumentTally.objects.all().delete()
    migration = importlib.import_module("directives.migrations.0023_document_tally")
    migration.count_per_document(apps, types.SimpleNamespace(connection=connection))
    assert DocumentTally.objects.exists()
    assert aggregates.differences() == []
