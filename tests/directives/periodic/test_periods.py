"""Periods and the due-date rules: month ends, quarters, half-years, working days, Tết."""

from __future__ import annotations

import datetime as dt

import pytest

from directives.periodic import periods as P

D = dt.date


@pytest.mark.parametrize(
    ("frequency", "day", "key", "start", "end", "label"),
    [
        (P.MONTHLY, D(2021, 2, 10), "2021-M2", D(2021, 2, 1), D(2021, 2, 28), "Tháng 02/2021"),
        (P.MONTHLY, D(2024, 2, 10), "2024-M2", D(2024, 2, 1), D(2024, 2, 29), "Tháng 02/2024"),
        (P.QUARTERLY, D(2020, 11, 17), "2020-Q4", D(2020, 10, 1), D(2020, 12, 31), "Quý IV/2020"),
        (P.QUARTERLY, D(2021, 4, 1), "2021-Q2", D(2021, 4, 1), D(2021, 6, 30), "Quý II/2021"),
        (
            P.HALF_YEARLY,
            D(2021, 6, 30),
            "2021-H1",
            D(2021, 1, 1),
            D(2021, 6, 30),
            "6 tháng đầu năm 2021",
        ),
        (
            P.HALF_YEARLY,
            D(2021, 7, 1),
            "2021-H2",
            D(2021, 7, 1),
            D(2021, 12, 31),
            "6 tháng cuối năm 2021",
        ),
        (P.YEARLY, D(2020, 5, 5), "2020-Y", D(2020, 1, 1), D(2020, 12, 31), "Năm 2020"),
    ],
)
def test_period_of_a_day(frequency, day, key, start, end, label):
    period = P.period_of(frequency, day)
    assert (period.key, period.start, period.end, period.label) == (key, start, end, label)
    assert P.period_from_key(frequency, key) == period


@pytest.mark.parametrize(
    ("frequency", "key", "label", "short"),
    [
        (P.MONTHLY, "2021-M2", "Month 02/2021", "M2"),
        (P.QUARTERLY, "2021-Q1", "Quarter I/2021", "Q1"),
        (P.HALF_YEARLY, "2021-H2", "Second half of 2021", "H2"),
        (P.YEARLY, "2020-Y", "Year 2020", "Year"),
    ],
)
def test_period_labels_read_in_english_when_the_interface_is_english(frequency, key, label, short):
    from django.utils import translation

    period = P.period_from_key(frequency, key)
    with translation.override("en"):
        assert (period.label, period.short_label) == (label, short)
    with translation.override("vi"):
        assert period.label.startswith(("Tháng", "Quý", "6 tháng", "Năm"))


def test_periods_of_a_year_cover_it_without_gaps():
    for frequency, count in ((P.MONTHLY, 12), (P.QUARTERLY, 4), (P.HALF_YEARLY, 2), (P.YEARLY, 1)):
        periods = P.periods_of_year(frequency, 2021)
        assert len(periods) == count
        assert periods[0].start == D(2021, 1, 1) and periods[-1].end == D(2021, 12, 31)
        for before, after in zip(periods, periods[1:], strict=False):
            assert after.start == before.end + dt.timedelta(days=1)


@pytest.mark.parametrize(
    "key", ["2020-Q5", "2020-Q0", "2020-M4", "2020-Q04", "Q4", "", "9999-Q1", "2020-Y1"]
)
def test_period_key_refused_when_not_of_the_frequency(key):
    with pytest.raises(ValueError):
        P.period_from_key(P.QUARTERLY, key)


def due(rule: str, frequency: str, day: dt.date) -> dt.date:
    return P.parse_rule(rule).resolve(P.period_of(frequency, day))


def test_day_of_the_last_month_of_the_quarter():
    assert due("ngày 15 của tháng cuối quý", P.QUARTERLY, D(2020, 11, 1)) == D(2020, 12, 15)
    assert due("Ngày 15 của tháng cuối kỳ", P.QUARTERLY, D(2021, 2, 1)) == D(2021, 3, 15)


def test_day_31_is_clamped_to_the_month_end():
    assert due("ngày 31 của tháng cuối kỳ", P.QUARTERLY, D(2021, 5, 1)) == D(2021, 6, 30)
    assert due("ngày 30 của tháng cuối kỳ", P.MONTHLY, D(2021, 2, 3)) == D(2021, 2, 28)
    assert due("ngày 30 của tháng cuối kỳ", P.MONTHLY, D(2024, 2, 3)) == D(2024, 2, 29)


def test_period_end_and_next_month():
    assert due("ngày cuối kỳ", P.HALF_YEARLY, D(2021, 3, 3)) == D(2021, 6, 30)
    assert due("ngày 20 của tháng sau kỳ", P.MONTHLY, D(2020, 12, 3)) == D(2021, 1, 20)


def test_fixed_day_every_year():
    assert due("trước ngày 20/12 hằng năm", P.YEARLY, D(2021, 3, 3)) == D(2021, 12, 20)


def test_working_days_after_the_period_skip_the_tet_break():
    # January 2021 ends on a Sunday; Tết Tân Sửu closes offices 10–16/02/2021.
    assert due("5 ngày làm việc sau kỳ", P.MONTHLY, D(2021, 1, 5)) == D(2021, 2, 5)
    assert due("10 ngày làm việc sau kỳ", P.MONTHLY, D(2021, 1, 5)) == D(2021, 2, 19)


def test_last_working_day_of_the_period_steps_back_over_weekends_and_holidays():
    # 31/01/2021 is a Sunday → Friday 29/01.
    assert due("ngày làm việc cuối cùng của kỳ", P.MONTHLY, D(2021, 1, 5)) == D(2021, 1, 29)


def test_due_date_on_tet_moves_to_the_working_day_before_or_after():
    # The 12th of February 2021 is Mùng 1 Tết.
    rule = "ngày 12 của tháng cuối kỳ, lùi về ngày làm việc trước"
    assert due(rule, P.MONTHLY, D(2021, 2, 1)) == D(2021, 2, 9)
    rule = "ngày 12 của tháng cuối kỳ, chuyển sang ngày làm việc sau"
    assert due(rule, P.MONTHLY, D(2021, 2, 1)) == D(2021, 2, 17)
    # Without the clause the rule keeps its date, day off or not.
    assert due("ngày 12 của tháng cuối kỳ", P.MONTHLY, D(2021, 2, 1)) == D(2021, 2, 12)


def test_fixed_date_for_a_report_made_once():
    period = P.period_of(P.ONCE, D(2020, 11, 17), once_start=D(2020, 11, 17))
    assert P.parse_rule("ngày 20/12/2020").resolve(period) == D(2020, 12, 20)
    with pytest.raises(P.RuleError):
        P.parse_rule("ngày 15 của tháng cuối kỳ").resolve(period)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hằng quý",
        "ngày 32 của tháng cuối kỳ",
        "ngày 30/02",
        "ngày 31/04/2021",
        "0 ngày làm việc sau kỳ",
        "999 ngày làm việc sau kỳ",
        "ngày 15/13 hằng năm",
    ],
)
def test_unreadable_rules_are_refused_in_vietnamese(text):
    with pytest.raises(P.RuleError) as error:
        P.parse_rule(text)
    assert any(word in str(error.value) for word in ("Không hiểu", "không có", "Chưa ghi", "phải"))


def test_rule_must_fit_the_frequency():
    with pytest.raises(P.RuleError):
        P.check_rule_fits(P.parse_rule("ngày 20/12/2020"), P.QUARTERLY)
    with pytest.raises(P.RuleError):
        P.check_rule_fits(P.parse_rule("ngày 15 của tháng cuối kỳ"), P.ONCE)
    with pytest.raises(P.RuleError):
        P.check_rule_fits(P.parse_rule("ngày 20/12"), P.QUARTERLY)
    P.check_rule_fits(P.parse_rule("ngày 20/12"), P.YEARLY)
