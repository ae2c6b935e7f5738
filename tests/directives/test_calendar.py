"""Tests for directives.calendar: Vietnamese Tết, working days, lunar dates, deadline phrases.

The module imports no Django, so these tests need no settings or database.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date

import holidays
import pytest

from directives.calendar import (
    DeadlinePhraseError,
    LunarDate,
    ResolvedDeadline,
    add_working_days,
    can_chi_year,
    deadline_text,
    format_date_lunar,
    format_date_vi,
    format_lunar,
    format_lunar_month,
    format_lunar_short,
    is_working_day,
    last_working_day_before_tet,
    lunar_matters,
    month_days,
    public_holidays,
    resolve_deadline,
    tet_break,
    tet_day,
    to_lunar,
)

# Document date of the founding conclusion (17/11/2020), the usual start for phrases.
CONFERENCE = date(2020, 11, 17)


# --- Tết -------------------------------------------------------------------------------------


def test_tet_day_2021_is_friday_12_february() -> None:
    assert tet_day(2021) == date(2021, 2, 12)


def test_tet_day_2007_follows_vietnamese_not_chinese_calendar() -> None:
    # China: 18/02/2007.
    assert tet_day(2007) == date(2007, 2, 17)


def test_tet_day_2030_follows_vietnamese_not_chinese_calendar() -> None:
    # China: 03/02/2030.
    assert tet_day(2030) == date(2030, 2, 2)


def _holidays_tet(year: int) -> date:
    names = holidays.country_holidays("VN", years=year, language="vi")
    (day,) = [d for d, name in names.items() if name == "Tết Nguyên Đán"]
    return day


@pytest.mark.parametrize("year", range(1990, 2051))
def test_tet_day_matches_holidays_vietnam(year: int) -> None:
    assert tet_day(year) == _holidays_tet(year)


def test_tet_day_outside_supported_years_raises() -> None:
    with pytest.raises(ValueError):
        tet_day(1800)


# --- Working days ------------------------------------------------------------------------------


@pytest.mark.parametrize("day", range(10, 17))
def test_is_working_day_false_during_tet_tan_suu_break(day: int) -> None:
    assert not is_working_day(date(2021, 2, day))


def test_is_working_day_true_on_last_day_before_tet_break() -> None:
    assert is_working_day(date(2021, 2, 9))


def test_is_working_day_true_on_return_after_tet_break() -> None:
    assert is_working_day(date(2021, 2, 17))


def test_is_working_day_false_on_weekend() -> None:
    assert not is_working_day(date(2020, 11, 21))
    assert not is_working_day(date(2020, 11, 22))


def test_is_working_day_false_on_national_day() -> None:
    assert not is_working_day(date(2021, 9, 2))


def test_is_working_day_true_on_swapped_saturday() -> None:
    # 02/05/2025 was given off in exchange for working Saturday 26/04/2025.
    assert is_working_day(date(2025, 4, 26))
    assert not is_working_day(date(2025, 5, 2))


def test_add_working_days_skips_tet_break() -> None:
    # 08 Mon is the start; 09 Tue = 1; 10–16 break; 17 = 2, 18 = 3, 19 = 4, 22 Mon = 5.
    assert add_working_days(date(2021, 2, 8), 5) == date(2021, 2, 22)


def test_add_working_days_counts_from_day_after_start() -> None:
    assert add_working_days(date(2020, 11, 17), 1) == date(2020, 11, 18)


def test_add_working_days_zero_returns_start() -> None:
    assert add_working_days(date(2021, 2, 13), 0) == date(2021, 2, 13)


def test_add_working_days_negative_counts_backwards() -> None:
    assert add_working_days(date(2021, 2, 17), -1) == date(2021, 2, 9)


def test_last_working_day_before_tet_2021_is_9_february() -> None:
    assert last_working_day_before_tet(2021) == date(2021, 2, 9)


def test_last_working_day_before_tet_2030_uses_vietnamese_tet() -> None:
    # Tết Sat 02/02/2030; the break starts Thu 31/01, so Wed 30/01 is the last working day.
    assert last_working_day_before_tet(2030) == date(2030, 1, 30)


# --- Lunar dates -------------------------------------------------------------------------------


def test_to_lunar_2020_12_14_is_first_day_of_month_11_canh_ty() -> None:
    # China: month 11 began on 15/12/2020.
    assert to_lunar(date(2020, 12, 14)) == LunarDate(day=1, month=11, year=2020, leap=False)


def test_to_lunar_tet_tan_suu_is_first_day_of_year() -> None:
    assert to_lunar(date(2021, 2, 12)) == LunarDate(day=1, month=1, year=2021)


def test_to_lunar_day_before_tet_belongs_to_previous_year() -> None:
    assert to_lunar(date(2021, 2, 11)) == LunarDate(day=30, month=12, year=2020)


def test_to_lunar_leap_month_is_flagged() -> None:
    # Canh Tý had a leap 4th month, starting 23/05/2020.
    assert to_lunar(date(2020, 5, 23)) == LunarDate(day=1, month=4, year=2020, leap=True)


def test_lunar_date_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        LunarDate(day=1, month=1, year=2021).day = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("year", "name"),
    [(2020, "Canh Tý"), (2021, "Tân Sửu"), (1984, "Giáp Tý"), (2023, "Quý Mão"), (2025, "Ất Tỵ")],
)
def test_can_chi_year_names_the_year(year: int, name: str) -> None:
    assert can_chi_year(year) == name


def test_format_lunar_tet_day_reads_mung_1_tet() -> None:
    assert format_lunar(date(2021, 2, 12)) == "Mùng 1 Tết Tân Sửu"


def test_format_lunar_first_day_of_month_11() -> None:
    assert format_lunar(date(2020, 12, 14)) == "Mùng 1 tháng 11 năm Canh Tý"


def test_format_lunar_day_after_10_reads_ngay() -> None:
    assert format_lunar(date(2021, 9, 21)) == "Ngày 15 tháng 8 năm Tân Sửu"


def test_format_lunar_first_month_reads_gieng() -> None:
    assert format_lunar(date(2021, 2, 16)) == "Mùng 5 tháng Giêng năm Tân Sửu"


def test_format_lunar_twelfth_month_reads_chap() -> None:
    assert format_lunar(date(2021, 2, 4)) == "Ngày 23 tháng Chạp năm Canh Tý"


def test_format_lunar_leap_month_reads_nhuan() -> None:
    assert format_lunar(date(2020, 5, 23)) == "Mùng 1 tháng 4 nhuận năm Canh Tý"


def test_format_date_vi_friday() -> None:
    assert format_date_vi(date(2021, 2, 12)) == "Thứ Sáu, 12/02/2021"


def test_format_date_vi_sunday() -> None:
    assert format_date_vi(date(2021, 2, 14)) == "Chủ nhật, 14/02/2021"


# --- Deadline phrases: Tết ---------------------------------------------------------------------


def test_resolve_deadline_tet_nguyen_dan_year() -> None:
    resolved = resolve_deadline("trước Tết Nguyên đán 2021")
    assert resolved == ResolvedDeadline(date(2021, 2, 9), "Trước Tết Nguyên đán Tân Sửu")


def test_resolve_deadline_tet_can_chi_picks_coming_year_from_start() -> None:
    resolved = resolve_deadline("Tết Tân Sửu", start=CONFERENCE)
    assert resolved.date == date(2021, 2, 9)


def test_resolve_deadline_tet_nguyen_dan_can_chi_full_form() -> None:
    resolved = resolve_deadline("Trước Tết Nguyên đán Tân Sửu", start=CONFERENCE)
    assert str(resolved) == "Trước Tết Nguyên đán Tân Sửu — 09/02/2021"


def test_resolve_deadline_tet_can_chi_of_current_lunar_year() -> None:
    # 10/01/2021 is still in Canh Tý: its own Tết, not one 60 years ahead.
    resolved = resolve_deadline("trước Tết Canh Tý", start=date(2021, 1, 10))
    assert resolved.date == date(2020, 1, 22)


def test_resolve_deadline_tet_can_chi_without_diacritics_tells_ty_apart() -> None:
    # "ty" is Tý or Tỵ; only Tỵ pairs with Quý (2013).
    resolved = resolve_deadline("truoc tet quy ty", start=date(2012, 6, 1))
    assert resolved.basis == "Trước Tết Nguyên đán Quý Tỵ"
    assert resolved.date == last_working_day_before_tet(2013)


def test_resolve_deadline_tet_2030_uses_vietnamese_date() -> None:
    assert resolve_deadline("trước Tết Nguyên đán 2030").date == date(2030, 1, 30)


def test_resolve_deadline_without_diacritics() -> None:
    resolved = resolve_deadline("truoc tet nguyen dan 2021")
    assert str(resolved) == "Trước Tết Nguyên đán Tân Sửu — 09/02/2021"


def test_resolve_deadline_tolerates_case_and_no_break_spaces() -> None:
    resolved = resolve_deadline("  TRƯỚC\u00a0Tết  Nguyên\u00a0Đán 2021 ")
    assert resolved.date == date(2021, 2, 9)


def test_resolve_deadline_tolerates_decomposed_unicode() -> None:
    decomposed = unicodedata.normalize("NFD", "trước Tết Nguyên đán 2021")
    assert resolve_deadline(decomposed).date == date(2021, 2, 9)


def test_resolve_deadline_tet_duong_lich() -> None:
    resolved = resolve_deadline("Tết Dương lịch 2021")
    assert resolved == ResolvedDeadline(date(2020, 12, 31), "Trước Tết Dương lịch 2021")


# --- Deadline phrases: dates and periods -------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "basis"),
    [
        ("31/12/2020", "Ngày 31/12/2020"),
        ("trước ngày 31/12/2020", "Trước ngày 31/12/2020"),
        ("chậm nhất ngày 31/12/2020", "Chậm nhất ngày 31/12/2020"),
        ("Hạn: 31/12/2020.", "Hạn 31/12/2020"),
        ("2020-12-31", "Ngày 31/12/2020"),
    ],
)
def test_resolve_deadline_plain_date(phrase: str, basis: str) -> None:
    assert resolve_deadline(phrase) == ResolvedDeadline(date(2020, 12, 31), basis)


def test_resolve_deadline_month_gives_last_day() -> None:
    resolved = resolve_deadline("trong tháng 2/2024")
    assert resolved == ResolvedDeadline(date(2024, 2, 29), "Trong tháng 02/2024")


@pytest.mark.parametrize("phrase", ["trong quý IV/2020", "trong quy 4/2020", "Quý IV năm 2020"])
def test_resolve_deadline_quarter_gives_last_day(phrase: str) -> None:
    assert resolve_deadline(phrase) == ResolvedDeadline(date(2020, 12, 31), "Trong quý IV/2020")


def test_resolve_deadline_first_quarter() -> None:
    assert resolve_deadline("trong quý I/2021").date == date(2021, 3, 31)


# --- Deadline phrases: working days and events -------------------------------------------------


def test_resolve_deadline_working_days_from_date() -> None:
    resolved = resolve_deadline("5 ngày làm việc kể từ 08/02/2021")
    assert str(resolved) == "5 ngày làm việc kể từ 08/02/2021 — 22/02/2021"


def test_resolve_deadline_within_working_days_counts_from_start() -> None:
    resolved = resolve_deadline("trong 5 ngày làm việc", start=date(2021, 2, 8))
    assert resolved == ResolvedDeadline(date(2021, 2, 22), "Trong 5 ngày làm việc kể từ 08/02/2021")


def test_resolve_deadline_within_working_days_without_start_raises() -> None:
    with pytest.raises(DeadlinePhraseError, match="ngày bắt đầu"):
        resolve_deadline("trong 5 ngày làm việc")


EVENTS = {
    "Đại hội XIII của Đảng": date(2021, 1, 25),
    "Bầu cử đại biểu Quốc hội khóa XV": date(2021, 5, 23),
}


def test_resolve_deadline_event_gives_day_before() -> None:
    resolved = resolve_deadline("trước Bầu cử đại biểu Quốc hội khóa XV", events=EVENTS)
    assert resolved == ResolvedDeadline(date(2021, 5, 22), "Trước Bầu cử đại biểu Quốc hội khóa XV")


def test_resolve_deadline_event_matches_without_diacritics() -> None:
    resolved = resolve_deadline("truoc dai hoi xiii cua dang", events=EVENTS)
    assert str(resolved) == "Trước Đại hội XIII của Đảng — 24/01/2021"


# --- Bad phrases -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "",
        "khẩn trương",
        "trước Tết Nguyên đán",
        "trước Tết Giáp Sửu",
        "31/02/2021",
        "trong tháng 13/2020",
        "trong quý V/2020",
        "trước Đại hội XIV",
        "trước Tết Nguyên đán 1800",
        "Tết Dương lịch 0000",
        "500000 ngày làm việc kể từ 01/01/2021",
    ],
)
def test_resolve_deadline_bad_phrase_raises(phrase: str) -> None:
    with pytest.raises(DeadlinePhraseError):
        resolve_deadline(phrase, start=CONFERENCE, events=EVENTS)


def test_deadline_phrase_error_is_value_error_with_vietnamese_message() -> None:
    with pytest.raises(ValueError, match="Không xác định được thời hạn từ “khẩn trương”"):
        resolve_deadline("khẩn trương")


# --- The date vectors (issue 5) --------------------------------------------------------


def test_resolve_deadline_tet_2007_counts_from_vietnamese_tet() -> None:
    # Vietnam: Mùng 1 on Sat 17/02/2007, the eve Fri 16/02 is off, so Thu 15/02 is the last
    # working day. The Chinese Tết (Sun 18/02) would put the eve on Saturday and give Fri 16/02.
    resolved = resolve_deadline("trước Tết Nguyên đán 2007")
    assert resolved == ResolvedDeadline(date(2007, 2, 15), "Trước Tết Nguyên đán Đinh Hợi")


def test_format_lunar_2007_tet_is_17_february_not_18() -> None:
    assert format_lunar(date(2007, 2, 17)) == "Mùng 1 Tết Đinh Hợi"
    assert format_lunar(date(2007, 2, 18)) == "Mùng 2 Tết Đinh Hợi"


def test_format_lunar_2030_tet_is_2_february_not_3() -> None:
    assert format_lunar(date(2030, 2, 2)) == "Mùng 1 Tết Canh Tuất"
    # The twelfth month of Kỷ Dậu has 29 days in Vietnam.
    assert format_lunar(date(2030, 2, 1)) == "Ngày 29 tháng Chạp năm Kỷ Dậu"


# --- Dates as people read them -----------------------------------------------------------------


def test_format_date_lunar_puts_lunar_beside_solar() -> None:
    assert format_date_lunar(date(2021, 2, 12)) == "12/02/2021 — Mùng 1 Tết Tân Sửu"


def test_format_date_lunar_first_of_month_11_canh_ty() -> None:
    assert format_date_lunar(date(2020, 12, 14)) == "14/12/2020 — Mùng 1 tháng 11 năm Canh Tý"


def test_format_lunar_short_shows_month_on_first_lunar_day() -> None:
    assert format_lunar_short(date(2020, 12, 14)) == "1/11"
    assert format_lunar_short(date(2020, 12, 15)) == "2"


def test_format_lunar_short_with_month_when_asked() -> None:
    assert format_lunar_short(date(2021, 2, 9), with_month=True) == "28/12"


def test_format_lunar_short_marks_leap_month() -> None:
    assert format_lunar_short(date(2020, 5, 23)) == "1/4n"


def test_format_lunar_month_names_gieng_and_chap() -> None:
    assert format_lunar_month(date(2021, 2, 1)) == "tháng Chạp năm Canh Tý"
    assert format_lunar_month(date(2021, 2, 28)) == "tháng Giêng năm Tân Sửu"


def test_lunar_matters_for_tet_basis() -> None:
    assert lunar_matters(date(2021, 2, 9), "Trước Tết Nguyên đán Tân Sửu")


def test_lunar_matters_not_for_tet_duong_lich_outside_season() -> None:
    assert not lunar_matters(date(2020, 12, 31), "Trước Tết Dương lịch 2021")


def test_lunar_matters_in_tet_season_whatever_the_basis() -> None:
    # 28/01/2021 is the 16th of the twelfth lunar month.
    assert lunar_matters(date(2021, 1, 28), "Ngày 28/01/2021")
    assert not lunar_matters(date(2021, 3, 31), "Trong quý I/2021")


def test_lunar_matters_false_outside_lunar_range() -> None:
    assert not lunar_matters(date(2200, 2, 9), "Trước Tết")


def test_deadline_text_tet_shows_basis_date_and_lunar() -> None:
    assert (
        deadline_text(date(2021, 2, 9), "Trước Tết Nguyên đán Tân Sửu")
        == "Trước Tết Nguyên đán Tân Sửu — 09/02/2021 (Ngày 28 tháng Chạp năm Canh Tý)"
    )


def test_deadline_text_without_lunar_when_it_does_not_help() -> None:
    assert deadline_text(date(2020, 12, 31), "Trước Tết Dương lịch 2021") == (
        "Trước Tết Dương lịch 2021 — 31/12/2020"
    )


def test_deadline_text_does_not_repeat_a_date_in_the_basis() -> None:
    basis = "Khẩn trương (văn bản không nêu ngày) — 31/12/2020, do Văn phòng Tỉnh ủy ấn định"
    assert deadline_text(date(2020, 12, 31), basis) == basis


def test_deadline_text_without_basis_is_the_date() -> None:
    assert deadline_text(date(2021, 3, 31)) == "31/03/2021"


def test_deadline_text_can_leave_lunar_out() -> None:
    text = deadline_text(date(2021, 2, 9), "Trước Tết Nguyên đán Tân Sửu", with_lunar=False)
    assert text == "Trước Tết Nguyên đán Tân Sửu — 09/02/2021"


# --- Month grid, holidays, the Tết break -------------------------------------------------------


def test_month_days_february_2021_runs_monday_to_sunday() -> None:
    days = month_days(2021, 2)
    assert days[0] == date(2021, 2, 1)  # a Monday
    assert days[-1] == date(2021, 2, 28)  # a Sunday
    assert len(days) == 28


def test_month_days_pads_to_whole_weeks() -> None:
    days = month_days(2020, 12)
    assert days[0] == date(2020, 11, 30)
    assert days[-1] == date(2021, 1, 3)
    assert len(days) % 7 == 0


def test_public_holidays_names_tet_in_vietnamese() -> None:
    days = public_holidays(date(2021, 2, 1), date(2021, 2, 28))
    assert days[date(2021, 2, 12)] == "Tết Nguyên Đán"
    assert sorted(days) == [date(2021, 2, d) for d in range(10, 17)]


def test_public_holidays_spans_new_year() -> None:
    days = public_holidays(date(2020, 12, 28), date(2021, 1, 3))
    assert list(days) == [date(2021, 1, 1)]
    assert days[date(2021, 1, 1)] == "Tết Dương lịch"


def test_tet_break_tan_suu() -> None:
    assert tet_break(2021) == (date(2021, 2, 10), date(2021, 2, 16))


def test_tet_break_includes_weekends_around_it() -> None:
    # Ất Tỵ: Tết Wed 29/01/2025; the break ran Sat 25/01 – Sun 02/02.
    assert tet_break(2025) == (date(2025, 1, 25), date(2025, 2, 2))
