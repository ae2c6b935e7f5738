"""The unit scorecard (issue 17, item 5): counts, formula, ranking, exports, and a past period
that later work never changes."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document as read_docx
from openpyxl import load_workbook

from directives import actions
from directives.accountability.scorecard import build_scorecard, parse_period
from directives.models import (
    Action,
    Actor,
    DeadlineChange,
    ExplanationRequest,
    ScorecardFormula,
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


def test_a_past_period_is_unchanged_by_later_work(world, other_unit, lead_unit):
    before = build_scorecard(parse_period(Q1))
    scores = {r.unit.pk: (r.score, r.overdue, r.quality) for r in before.rows}
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
    after = build_scorecard(parse_period(Q1))
    assert {r.unit.pk: (r.score, r.overdue, r.quality) for r in after.rows} == scores
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
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            build_scorecard(parse_period(Q1))
        return len(ctx.captured_queries)

    few = queries()
    for i in range(6):
        make(document, UnitFactory(name=f"Đơn vị thêm {i}"), D(2021, 2, 1))
    assert queries() == few


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
