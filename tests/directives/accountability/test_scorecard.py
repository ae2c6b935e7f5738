"""The unit scorecard (issue 17, item 5): counts, formula, ranking, exports, and a past period
that later work never changes."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document as read_docx
from openpyxl import load_workbook

from directives import actions
from directives.accountability.scorecard import (
    STORED_FIELDS,
    build_scorecard,
    count_period,
    parse_period,
    store_period,
)
from directives.accountability.tasks import just_finished, store_finished_periods, store_missing
from directives.models import (
    Action,
    Actor,
    DeadlineChange,
    ExplanationRequest,
    ScorecardFormula,
    ScoredPeriod,
    Unit,
    UnitPeriodScore,
)
from tests.factories import AssignmentFactory, DirectiveFactory, UnitFactory

D = dt.date
Q1 = "2021-Q1"


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def make(document, unit, deadline, coordinating=()):
    assignment = AssignmentFactory(
        directive=DirectiveFactory(document=document),
        lead_unit=unit,
        deadline=None,
        deadline_basis="",
        coordinating=list(coordinating),
    )
    actions.set_deadline(
        assignment,
        deadline=deadline,
        basis="",
        kind=DeadlineChange.Kind.INITIAL,
        at=at(D(2020, 12, 1)),
    )
    return assignment


def finish(assignment, reported: dt.date, confirmed: dt.date, quality: int | None = None):
    actions.transition(
        assignment, Action.START, user=None, note="", at=at(D(2020, 12, 5)), acting_as=Actor.LEAD
    )
    actions.transition(
        assignment, Action.REPORT_DONE, user=None, note="", at=at(reported), acting_as=Actor.LEAD
    )
    actions.transition(
        assignment,
        Action.CONFIRM,
        user=None,
        note="",
        at=at(confirmed),
        acting_as=Actor.ASSIGNER,
        confirm_below=True,
        quality=quality,
    )


def row(card, unit):
    return next(r for r in card.rows if r.unit.pk == unit.pk)


@pytest.fixture
def world(document, lead_unit, coordinating_unit, other_unit):
    on_time = make(document, lead_unit, D(2021, 2, 9), coordinating=[coordinating_unit])
    finish(on_time, D(2021, 2, 5), D(2021, 2, 6), quality=4)
    late = make(document, lead_unit, D(2021, 1, 15))
    finish(late, D(2021, 1, 20), D(2021, 1, 21), quality=2)
    overdue = make(document, other_unit, D(2021, 3, 1))
    later = make(document, other_unit, D(2021, 5, 1))  # falls due in Q2: not in Q1
    return {"on_time": on_time, "late": late, "overdue": overdue, "later": later}


def test_counts_quality_rate_and_score(world, lead_unit, other_unit, coordinating_unit):
    card = build_scorecard(parse_period(Q1))
    lead = row(card, lead_unit)
    assert (lead.fell_due, lead.on_time, lead.late, lead.overdue) == (2, 1, 1, 0)
    assert lead.rate == Decimal("100.00")
    assert lead.quality == Decimal("3.00")
    # Timeliness (100 + 50) / 2 = 75; score 75 × 70 % + 3 × 20 × 30 % = 52.5 + 18 = 70.5.
    assert lead.timeliness == Decimal("75.00")
    assert lead.score == Decimal("70.50")
    other = row(card, other_unit)
    assert (other.fell_due, other.overdue, other.score) == (1, 1, Decimal("0.00"))
    # A unit that only coordinated is listed with its part, unranked: it led nothing.
    helper = row(card, coordinating_unit)
    assert (helper.fell_due, helper.coordinated, helper.co_on_time) == (0, 1, 1)
    assert helper.score is None and helper.rank == 0
    assert [r.unit.pk for r in card.ranked] == [lead_unit.pk, other_unit.pk]
    assert [r.rank for r in card.ranked] == [1, 2]


def test_coordinating_work_weighs_less_in_a_lead_units_score(world, document, other_unit):
    # other_unit also coordinated the on-time assignment: (0 + 30 % × 100) ÷ (1 + 30 %).
    world["on_time"].coordinating_units.add(other_unit)
    other = row(build_scorecard(parse_period(Q1)), other_unit)
    assert other.score == Decimal("23.08")


def scores_of(card) -> dict:
    return {r.unit.pk: (r.score, r.overdue, r.quality, r.explanations) for r in card.rows}


@pytest.mark.parametrize("stored", [True, False], ids=["stored", "recounted"])
def test_a_past_period_is_unchanged_by_later_work(world, other_unit, lead_unit, stored):
    """Counted from history as of the period's end, Q1's scorecard reads the same after April's
    work — both when stored in March's aftermath and when counted again from history today."""
    before = build_scorecard(parse_period(Q1))
    scores = scores_of(before)
    # In April the overdue unit finishes, gets a later deadline recorded, and is rated 5;
    # the lead unit's late work is reopened.
    actions.set_deadline(
        world["overdue"],
        deadline=D(2021, 6, 30),
        basis="",
        kind=DeadlineChange.Kind.EXTENSION,
        at=at(D(2021, 4, 2)),
    )
    finish(world["overdue"], D(2021, 4, 10), D(2021, 4, 12), quality=5)
    actions.transition(
        world["late"],
        Action.REOPEN,
        user=None,
        note="Thiếu hồ sơ",
        at=at(D(2021, 4, 20)),
        acting_as=Actor.ASSIGNER,
    )
    if not stored:
        call_command("store_scorecards", "--recount", stdout=io.StringIO())
    after = build_scorecard(parse_period(Q1))
    assert scores_of(after) == scores
    # Q2 sees the new picture: the extended assignment fell due there, done on time.
    q2 = build_scorecard(parse_period("2021-Q2"))
    assert row(q2, other_unit).on_time == 1


def test_late_explanations_cost_points(world, lead_unit, leader_user, staff_user):
    ExplanationRequest.objects.create(
        assignment=world["late"],
        asked_by=leader_user,
        asked_at=at(D(2021, 1, 16)),
        question="Vì sao trễ?",
        reply_by=D(2021, 1, 18),
    )
    lead = row(build_scorecard(parse_period(Q1)), lead_unit)
    assert (lead.explanations, lead.explanations_late) == (1, 1)
    assert lead.score == Decimal("65.50")  # 70.5 less 5


def test_the_formula_is_the_admins(world, lead_unit):
    ScorecardFormula.objects.create(late_points=0, timeliness_weight=100)
    lead = row(build_scorecard(parse_period(Q1)), lead_unit)
    assert lead.score == Decimal("50.00")


def test_a_bounded_number_of_queries_whatever_the_units(world, document, db):
    """Counted live (the period under way), the scorecard runs the same queries for 3 units as
    for 9."""

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            build_scorecard(parse_period(Q1), today=D(2021, 3, 20))
        return len(ctx.captured_queries)

    few = queries()
    for i in range(6):
        make(document, UnitFactory(name=f"Đơn vị thêm {i}"), D(2021, 2, 1))
    assert queries() == few


def test_a_finished_period_is_counted_once_then_read_without_the_assignments(world, lead_unit):
    card = build_scorecard(parse_period(Q1))
    assert ScoredPeriod.objects.filter(key=Q1).count() == 1
    with CaptureQueriesContext(connection) as ctx:
        again = build_scorecard(parse_period(Q1))
    assert scores_of(again) == scores_of(card)
    # Read from the stored counts: no query reads the assignments or their history.
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "directives_assignment" not in tables and "directives_progressupdate" not in tables
    assert len(ctx.captured_queries) <= 4


def test_the_period_under_way_is_counted_live(world, document, other_unit):
    """Seen on 20/03/2021, Q1 is not finished: nothing is stored and new work counts at once."""
    on = D(2021, 3, 20)
    first = row(build_scorecard(parse_period(Q1), today=on), other_unit)
    make(document, other_unit, D(2021, 3, 10))
    again = row(build_scorecard(parse_period(Q1), today=on), other_unit)
    assert (first.fell_due, again.fell_due) == (1, 2)
    assert not ScoredPeriod.objects.exists()


def test_the_period_under_way_counts_as_the_history_would(world, document, other_unit, lead_unit):
    """Counted from the stored state (the period under way) or from the history at its end,
    the same period gives the same counts when nothing was recorded after it."""
    make(document, other_unit, D(2021, 3, 30), coordinating=[lead_unit])
    period = parse_period(Q1)

    def counts(scores):
        return {k: tuple(getattr(v, f) for f in STORED_FIELDS) for k, v in scores.items()}

    assert counts(count_period(period, under_way=True)) == counts(count_period(period))
    assert counts(count_period(period))[other_unit.pk][:4] == (2, 0, 0, 2)


def test_a_new_formula_rescores_stored_periods_without_recounting(world, lead_unit):
    assert row(build_scorecard(parse_period(Q1)), lead_unit).score == Decimal("70.50")
    ScorecardFormula.objects.create(late_points=0, timeliness_weight=100)
    assert row(build_scorecard(parse_period(Q1)), lead_unit).score == Decimal("50.00")
    assert ScoredPeriod.objects.count() == 1


def test_a_leader_below_the_province_reads_only_their_subtree_of_a_stored_period(
    world, lead_unit, other_unit
):
    build_scorecard(parse_period(Q1))  # stored for every unit
    mine = build_scorecard(parse_period(Q1), units=Unit.objects.filter(pk=lead_unit.pk))
    assert [r.unit.pk for r in mine.rows] == [lead_unit.pk]


def test_a_second_store_of_the_same_period_keeps_the_first(world):
    first = store_period(parse_period(Q1))
    assert store_period(parse_period(Q1)) == first
    assert UnitPeriodScore.objects.filter(period=first).count() == len(
        build_scorecard(parse_period(Q1)).rows
    )


def test_the_periods_that_just_ended_are_stored_once(world, lead_unit):
    ended = just_finished(D(2021, 4, 2))
    assert [p.key for p in ended] == ["2021-M3", "2021-Q1", "2020-Y"]
    assert store_missing(ended) == ["2021-M3", "2021-Q1", "2020-Y"]
    assert store_missing(ended) == []
    stored = UnitPeriodScore.objects.get(period__key=Q1, unit=lead_unit)
    assert (stored.fell_due, stored.on_time, stored.late, stored.quality) == (2, 1, 1, 3)


def test_the_hourly_task_stores_what_ended_before_today(db):
    keys = [p.key for p in just_finished(timezone.localdate())]
    assert store_finished_periods.call() == ", ".join(keys)
    assert store_finished_periods.call() == "-"
    assert sorted(ScoredPeriod.objects.values_list("key", flat=True)) == sorted(keys)


def test_the_command_refuses_bad_and_unfinished_periods(db):
    with pytest.raises(CommandError, match="Kỳ không hợp lệ"):
        call_command("store_scorecards", "--period", "2021-Q9")
    with pytest.raises(CommandError, match="Kỳ chưa kết thúc"):
        call_command("store_scorecards", "--period", f"{timezone.localdate().year}-Y")
    assert not ScoredPeriod.objects.exists()


def test_the_command_stores_named_periods(world, lead_unit):
    out = io.StringIO()
    call_command("store_scorecards", "--period", Q1, "--period", "2021-M2", stdout=out)
    assert "2021-Q1, 2021-M2" in out.getvalue()
    stored = UnitPeriodScore.objects.get(period__key=Q1, unit=lead_unit)
    assert (stored.fell_due, stored.on_time, stored.late) == (2, 1, 1)


@pytest.mark.parametrize("key", ["2021-Q1", "2021-M3", "2021-M03", "2021-Y"])
def test_period_keys(key):
    period = parse_period(key)
    assert period.end in (D(2021, 3, 31), D(2021, 12, 31))


@pytest.mark.parametrize("key", ["2021-Q5", "2021", "Q1", "2021-M13", "2021-H1", "x" * 50])
def test_bad_period_keys(key):
    with pytest.raises(ValueError):
        parse_period(key)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_ranks_units_and_states_the_formula(world, leader_user, lead_unit):
    response = signed_in(leader_user).get(reverse("scorecard"), {"period": Q1})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quý I/2021" in html and lead_unit.name in html
    assert "Điểm tiến độ: 100 điểm" in html
    # Percentages read as everywhere else (issue 21): "100 %", not "100,00%".
    assert "100 %" in html and "100,00%" not in html


def test_a_bad_period_falls_back_with_a_message(leader_user, db):
    response = signed_in(leader_user).get(reverse("scorecard"), {"period": "2021-Q9"})
    assert response.status_code == 200
    assert "không hợp lệ" in response.content.decode()


def test_staff_cannot_see_the_scorecard(staff_user):
    assert signed_in(staff_user).get(reverse("scorecard")).status_code == 403


def test_excel_and_word_exports(world, leader_user, lead_unit):
    client = signed_in(leader_user)
    xlsx = client.get(reverse("scorecard_xlsx"), {"period": Q1})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    names = [sheet.cell(row=r, column=2).value for r in range(5, sheet.max_row + 1)]
    assert lead_unit.name in names
    docx = client.get(reverse("scorecard_docx"), {"period": Q1})
    document = read_docx(io.BytesIO(docx.content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert lead_unit.name in cells and "70,50" in cells


def test_the_overview_ranks_the_last_finished_quarter(world, leader_user, lead_unit):
    """Looking back from April 2021, the overview ranks Q1/2021's units, its rate read as every
    percentage is ("100 %", not "100,00%")."""
    response = signed_in(leader_user).get(reverse("dashboard"), {"on": "2021-04-01"})
    assert response.status_code == 200
    html = response.content.decode()
    section = html[html.index('id="scorecard-top"') :]
    section = section[: section.index("</section>")]
    assert "Quý I/2021" in section
    assert lead_unit.name in section and "70,50" in section
    assert "100 %" in section and ",00%" not in section


def test_the_admin_counts_a_stored_period_again(world, lead_unit, admin_user):
    """After history was corrected by hand, the admin's action recounts the chosen periods."""
    stored = store_period(parse_period(Q1))
    UnitPeriodScore.objects.filter(period=stored, unit=lead_unit).update(fell_due=99)
    response = signed_in(admin_user).post(
        reverse("admin:directives_scoredperiod_changelist"),
        {"action": "recount", "_selected_action": [stored.pk]},
        follow=True,
    )
    assert "Đã đếm lại 1 kỳ." in response.content.decode()
    assert UnitPeriodScore.objects.get(period__key=Q1, unit=lead_unit).fell_due == 2


def test_the_page_shows_a_hundred_units_at_a_time(world, leader_user, monkeypatch):
    monkeypatch.setattr("directives.accountability.views.SCORECARD_PAGE_SIZE", 2)
    client = signed_in(leader_user)
    first = client.get(reverse("scorecard"), {"period": Q1}).content.decode()
    second = client.get(reverse("scorecard"), {"period": Q1, "page": "2"}).content.decode()
    table = build_scorecard(parse_period(Q1)).rows
    assert "Trang 1/2" in first and "Trang 2/2" in second
    assert table[0].unit.name in first and table[0].unit.name not in second
    assert table[2].unit.name in second
    # The next page keeps the period.
    assert f"?period={Q1}&amp;page=2" in first
