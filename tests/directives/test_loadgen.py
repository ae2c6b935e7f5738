"""generate_load_data: realistic bulk data that keeps every rule the application keeps."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from directives import aggregates, calendar
from directives.models import (
    Assignment,
    DeadlineChange,
    Directive,
    Document,
    ExtensionRequest,
    Membership,
    ProgressUpdate,
    Status,
    Unit,
)
from directives.text import search_key

ARGS = ["--units", "200", "--documents", "6", "--assignments", "400", "--updates", "2000"]
ARGS += ["--today", "2026-06-01", "--seed", "3"]
TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def generated(db, settings):
    settings.DEBUG = True
    call_command("generate_load_data", *ARGS, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_generates_the_requested_sizes(generated):
    # --assignments counts the top-level ones; sub-assignments (issue 17) come on top.
    assert Assignment.objects.filter(parent=None).count() == 400
    assert 1600 <= ProgressUpdate.objects.count() <= 2400
    assert Unit.objects.filter(kind="province").count() == 34
    assert Unit.objects.count() <= 200
    assert Directive.objects.values("document").distinct().count() == 6


def test_one_large_central_document_takes_half_the_assignments(db, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("generate_load_data", *ARGS, stdout=out)
    top_level = Assignment.objects.filter(parent=None)
    per_document = Counter(top_level.values_list("directive__document", flat=True))
    (big, n), (_, runner_up) = per_document.most_common(2)
    assert n == 200  # min(10,000, 400 // 2)
    assert runner_up < n
    assert sum(per_document.values()) == 400  # taken out of --assignments, not added
    assert len(per_document) == 6  # one of --documents
    assert f"Văn bản lớn: id {big}, 200 phân công." in out.getvalue()
    document = Document.objects.select_related("issuing_unit").get(pk=big)
    assert document.issuing_unit.parent_id is None  # the national root issues it
    assert document.subject.startswith("Kết luận của Ban Bí thư về ")
    assert document.directives.count() == 5
    assert Document.objects.newest_first().first().pk != big
    assert document.issue_date < TODAY - dt.timedelta(days=60)
    # Led all over the nation, as central documents are: a province leader sees a share.
    paths = Assignment.objects.filter(directive__document=big).values_list(
        "lead_unit__path", flat=True
    )
    assert len({path.split("/")[1] for path in paths}) > 20
    assert not Directive.objects.filter(assignments=None).exists()


def test_a_single_document_has_no_large_one(db, settings):
    settings.DEBUG = True
    out = io.StringIO()
    args = ["--units", "100", "--documents", "1", "--assignments", "50", "--today", "2026-06-01"]
    call_command("generate_load_data", *args, stdout=out)
    assert Assignment.objects.filter(parent=None).count() == 50
    assert "Văn bản lớn" not in out.getvalue()
    assert not Directive.objects.filter(assignments=None).exists()


def test_histories_follow_the_workflow_and_percent_never_drops(generated):
    statuses = Counter()
    for a in Assignment.objects.prefetch_related("updates"):
        statuses[a.status] += 1
        current, percent, reported = Status.NOT_STARTED, 0, None
        for update in sorted(a.updates.all(), key=lambda u: (u.created_at, u.pk)):
            assert update.percent >= percent, a.pk
            percent = update.percent
            if update.status_after:
                assert update.status_before == current, a.pk
                current = update.status_after
                if current == Status.AWAITING_SIGNOFF:
                    reported = timezone.localdate(update.created_at)
        assert current == a.status
        assert a.percent == percent
        assert a.reported_done_on == reported
        assert (a.completed_on is not None) == (a.status == Status.DONE)
        if a.status == Status.DONE:
            assert a.completed_on == reported and a.percent == 100
        assert a.completed_on is None or a.completed_on <= TODAY
    assert len(statuses) == len(Status.values), statuses


def test_deadline_history_matches_the_assignment(generated):
    for a in Assignment.objects.prefetch_related("deadline_changes", "extension_requests"):
        changes = sorted(a.deadline_changes.all(), key=lambda c: (c.changed_at, c.pk))
        if a.deadline is None and not changes:
            continue
        assert changes[0].kind == DeadlineChange.Kind.INITIAL
        assert changes[0].new_deadline == a.original_deadline
        assert changes[-1].new_deadline == a.deadline
        extensions = [c for c in changes if c.kind == DeadlineChange.Kind.EXTENSION]
        assert len(extensions) == a.extension_count
        states = Counter(r.state for r in a.extension_requests.all())
        assert states[ExtensionRequest.State.APPROVED] == a.extension_count
        assert states[ExtensionRequest.State.PENDING] <= 1
    assert Assignment.objects.filter(extension_count__gt=0).exists()


def test_tet_deadlines_are_the_last_working_day_before_the_break(generated):
    tet = Assignment.objects.filter(deadline_basis__startswith="Trước Tết Nguyên đán")
    assert tet.exists()
    for a in tet:
        year = calendar.to_lunar(a.deadline + dt.timedelta(days=20)).year
        assert a.deadline == calendar.last_working_day_before_tet(year)
        assert a.deadline_basis.endswith(calendar.can_chi_year(year))


def test_derived_columns_are_what_save_would_write(generated):
    """Search finds generated rows exactly as it finds saved ones: every folded column equals
    what the model's save() writes (a word at the start of a title included)."""
    paths = dict(Unit.objects.values_list("pk", "path"))
    for unit in Unit.objects.all():
        parent = paths[unit.parent_id] if unit.parent_id else ""
        assert unit.path == f"{parent}{unit.pk:06d}/"
        assert unit.search_text == search_key(unit.name, unit.short_name, *unit.alias_list())
    samples = [
        Document.objects.all()[:20],
        Directive.objects.all()[:50],
        Assignment.objects.all()[:200],
        ProgressUpdate.objects.all()[:200],
    ]
    for rows in samples:
        assert rows, "the generator wrote rows of every kind"
        for row in rows:
            for column, value in row.search_columns().items():
                assert getattr(row, column) == value, (row._meta.model_name, row.pk, column)


def test_maintained_counts_are_exact(generated):
    assert aggregates.differences() == []


def test_same_seed_gives_the_same_data(generated, settings):
    def digest():
        return list(
            Assignment.objects.order_by("pk").values_list(
                "status", "deadline", "lead_unit__name", "percent"
            )
        )

    first = digest()
    call_command("generate_load_data", "--reset", *ARGS, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert digest() == first


def test_refuses_a_database_with_data_unless_reset(generated):
    with pytest.raises(CommandError, match="--reset"):
        call_command("generate_load_data", *ARGS)


def test_refuses_when_debug_is_off_without_force(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("generate_load_data", *ARGS)
    assert not Assignment.objects.exists()


def test_accounts_sign_in_and_see_their_units_work(generated, client):
    membership = Membership.objects.select_related("user").get(user__username="load-staff")
    assert client.login(username="load-staff", password="load-password-12345")
    response = client.get("/")
    assert response.status_code == 200
    assert Assignment.objects.visible_to(membership.user).exists()
    assert membership.unit.short_name in response.content.decode()
