"""'trước Tết Dương lịch <năm>': the resolver, the intake and the admin's deadline input agree on
the last working day before the New Year's Day break (issue 20, item 5)."""

from __future__ import annotations

from datetime import date

import pytest

from directives.calendar import last_working_day_before_new_year, resolve_deadline
from directives.fields import DeadlineField
from directives.importers.proposals import find_deadline

# (year of the New Year, the day the work is due): 31/12 on a Thursday and a Friday; on a
# Saturday (the Friday before) and on a Sunday (the Friday before, 29/12/2023).
CASES = [
    (2021, date(2020, 12, 31)),
    (2028, date(2027, 12, 31)),
    (2023, date(2022, 12, 30)),
    (2024, date(2023, 12, 29)),
]


@pytest.mark.parametrize(("year", "due"), CASES)
def test_last_working_day_before_new_year(year, due):
    assert last_working_day_before_new_year(year) == due


@pytest.mark.parametrize(("year", "due"), CASES)
def test_resolver_reads_tet_duong_lich_as_the_last_working_day(year, due):
    resolved = resolve_deadline(f"trước Tết Dương lịch {year}")
    assert (resolved.date, resolved.basis) == (due, f"Trước Tết Dương lịch {year}")


@pytest.mark.parametrize(("year", "due"), CASES)
def test_intake_reads_tet_duong_lich_in_a_sentence(year, due):
    text = f"Sở Y tế hoàn thành kế hoạch trước Tết Dương lịch năm {year}, báo cáo UBND tỉnh."
    found = find_deadline(text, start=date(year - 1, 11, 1))
    assert (found.date, found.basis) == (due, f"Trước Tết Dương lịch {year}")


@pytest.mark.parametrize(("year", "due"), CASES)
def test_admin_deadline_input_agrees(db, year, due):
    field = DeadlineField(start=date(year - 1, 11, 1))
    assert field.clean(f"Trước Tết Dương lịch {year}").date == due
