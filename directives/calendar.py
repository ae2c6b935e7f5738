"""Vietnamese calendar arithmetic for deadlines: Tết, working days, lunar dates and phrases.

Everything here follows the **Vietnamese** calendar, which is computed for UTC+7 and so differs
from the Chinese one in some years (Tết 2007 is 17/02, not 18/02; Tết 2030 is 02/02, not 03/02).
Two libraries carry the facts, and no Chinese lunar library is used:

* ``holidays.Vietnam`` gives the official days off, the Tết break included (with its observed days
  and the make-up Saturdays of swapped days), so working-day arithmetic is the Government's;
* ``lunar_vn`` converts dates between the solar and the lunar calendar with Hồ Ngọc Đức's
  astronomical algorithm at UTC+7. Its supported range is 1900–2100.

The module is pure Python (no Django import), so it can be used and tested without settings.

Deadline phrases as directive texts write them ("trước Tết Nguyên đán Tân Sửu", "trong 5 ngày làm
việc", "trong quý IV/2020"…) are turned into a date plus the *basis* the date came from, by
:func:`resolve_deadline`; both are shown to users, e.g.
``Trước Tết Nguyên đán Tân Sửu — 09/02/2021``.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import holidays
import lunar_vn

__all__ = [
    "DeadlinePhraseError",
    "LunarDate",
    "ResolvedDeadline",
    "add_working_days",
    "can_chi_year",
    "deadline_text",
    "format_date_lunar",
    "format_date_vi",
    "format_lunar",
    "format_lunar_month",
    "format_lunar_short",
    "is_working_day",
    "last_working_day_before_tet",
    "lunar_matters",
    "month_days",
    "public_holidays",
    "resolve_deadline",
    "tet_break",
    "tet_day",
    "to_lunar",
]

_ONE_DAY = dt.timedelta(days=1)

# Heavenly stems and earthly branches, in the order of the sexagenary cycle.
_CAN = ("Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý")
_CHI = ("Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi")

# date.weekday() is 0 for Monday.
_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

_ROMAN_QUARTERS = ("I", "II", "III", "IV")

# About eight years of working days: far beyond any real "trong N ngày làm việc".
_MAX_WORKING_DAYS = 2000


# --------------------------------------------------------------------------------------------
# Working days


@lru_cache(maxsize=64)
def _official_days_off(year: int) -> holidays.HolidayBase:
    """The Vietnamese public holidays populated for ``year`` and the year after.

    One instance per year, populated up front and then only read: a lazily expanding instance
    shared between request threads would be mutated concurrently. The following year is included
    because a swap decided for January can move a working day onto a Saturday of December before.
    """
    return holidays.country_holidays("VN", years=(year, year + 1), language="vi")


def is_working_day(d: dt.date) -> bool:
    """Tell whether ``d`` is a working day in the Vietnamese public sector.

    Saturdays, Sundays and the official days off (``holidays.Vietnam``: public holidays, the whole
    Tết break and observed days) are not; a Saturday made a working day by a swap of days is.
    """
    return bool(_official_days_off(d.year).is_working_day(d))


def add_working_days(start: dt.date, n: int) -> dt.date:
    """Return the ``n``-th working day counted from ``start`` ("N ngày làm việc kể từ …").

    Counting starts the day after ``start``, which itself never counts: 5 working days from Monday
    08/02/2021 end on 22/02/2021, the Tết break 10–16/02 being skipped. ``n == 0`` returns
    ``start`` unchanged; a negative ``n`` counts backwards the same way.
    """
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    remaining = abs(n)
    day = start
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


# --------------------------------------------------------------------------------------------
# Lunar calendar


@dataclass(frozen=True)
class LunarDate:
    """A date of the Vietnamese lunar calendar; ``year`` is the solar year in which it began."""

    day: int
    month: int
    year: int
    leap: bool = False


def tet_day(year: int) -> dt.date:
    """Return Mùng 1 Tết Nguyên đán of the lunar year that begins in solar ``year`` (UTC+7).

    Raises ``ValueError`` outside the supported years 1900–2100.
    """
    return lunar_vn.lunar_to_solar(lunar_vn.LunarDate(day=1, month=1, year=year))


def last_working_day_before_tet(year: int) -> dt.date:
    """Return the last working day before the official Tết Nguyên đán break of lunar ``year``.

    The break is the run of days off around Mùng 1 Tết, so we step back from the eve of Tết over
    every day off: for Tân Sửu (Tết on 12/02/2021, break 10–16/02) this gives Tue 09/02/2021.
    """
    day = tet_day(year) - _ONE_DAY
    while not is_working_day(day):
        day -= _ONE_DAY
    return day


def last_working_day_before_new_year(year: int) -> dt.date:
    """Return the last working day before the official New Year's Day (Tết Dương lịch) break of
    ``year``: the same rule as :func:`last_working_day_before_tet`. From 31 December of the year
    before we step back over every day off (the break may start on a weekend): Thu 31/12/2020 for
    2021, Fri 30/12/2022 for 2023 (31/12/2022 was a Saturday).
    """
    day = dt.date(year, 1, 1) - _ONE_DAY
    while not is_working_day(day):
        day -= _ONE_DAY
    return day


@lru_cache(maxsize=8192)  # a pure function, asked again for every deadline of a calendar month
def to_lunar(d: dt.date) -> LunarDate:
    """Convert the solar date ``d`` to the Vietnamese lunar calendar (1900–2100)."""
    lunar = lunar_vn.solar_to_lunar(d)
    return LunarDate(day=lunar.day, month=lunar.month, year=lunar.year, leap=lunar.leap)


def can_chi_year(lunar_year: int) -> str:
    """Return the stem-and-branch name of a lunar year, e.g. 2020 → "Canh Tý", 2021 → "Tân Sửu"."""
    # Year 4 (and so 1984, 2044) opens the cycle as Giáp Tý.
    return f"{_CAN[(lunar_year - 4) % 10]} {_CHI[(lunar_year - 4) % 12]}"


def _lunar_month_name(month: int, leap: bool) -> str:
    names = {1: "Giêng", 12: "Chạp"}
    name = f"tháng {names.get(month, str(month))}"
    return f"{name} nhuận" if leap else name


def format_lunar(d: dt.date) -> str:
    """Read the lunar date of ``d`` in Vietnamese.

    The first three days of the year read as Tết ("Mùng 1 Tết Tân Sửu"); other days read
    "Mùng 5 tháng Giêng năm Tân Sửu", "Ngày 15 tháng 8 năm Tân Sửu", "Mùng 1 tháng 4 nhuận năm
    Quý Mão" — "Mùng" for days 1–10 as it is said aloud, "Ngày" after.
    """
    lunar = to_lunar(d)
    day = f"Mùng {lunar.day}" if lunar.day <= 10 else f"Ngày {lunar.day}"
    year = can_chi_year(lunar.year)
    if lunar.month == 1 and not lunar.leap and lunar.day <= 3:
        return f"{day} Tết {year}"
    return f"{day} {_lunar_month_name(lunar.month, lunar.leap)} năm {year}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def format_lunar_month_en(d: dt.date) -> str:
    """The lunar month of ``d`` in English: "12th lunar month, Canh Tý year"."""
    lunar = to_lunar(d)
    leap = "leap " if lunar.leap else ""
    return f"{leap}{_ordinal(lunar.month)} lunar month, {can_chi_year(lunar.year)} year"


def format_lunar_en(d: dt.date) -> str:
    """The lunar date of ``d`` in English: "Day 28 of the 12th lunar month, Canh Tý year";
    the first three days of the year "Tết day 1, Tân Sửu year"."""
    lunar = to_lunar(d)
    year = can_chi_year(lunar.year)
    if lunar.month == 1 and not lunar.leap and lunar.day <= 3:
        return f"Tết day {lunar.day}, {year} year"
    leap = "leap " if lunar.leap else ""
    return f"Day {lunar.day} of the {leap}{_ordinal(lunar.month)} lunar month, {year} year"


_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_QUARTERS = {"I": 1, "II": 2, "III": 3, "IV": 4}
# Deadline bases as the importers and users write them, and their English reading. The stored
# basis is never changed; this is only how an English reader is shown it.
_BASIS_EN = [
    (r"Trước Tết Nguyên đán (?P<year>.+)", lambda m: f"Before Lunar New Year ({m['year']})"),
    (r"Trước Tết Dương lịch (?P<year>\d{4})", lambda m: f"Before New Year's Day {m['year']}"),
    (
        # A date the document does not give, set by the office: "Khẩn trương", "Thường xuyên",
        # "Ngay từ đầu năm" (the importer's and the demo's words), or any phrase read below.
        r"(?P<phrase>.+?) \(văn bản không nêu ngày\)"
        r"(?: — (?P<date>[\d/]+))?(?:, do (?P<who>.+) ấn định)?",
        lambda m: (
            f"{_phrase_in_english(m['phrase'])} (the document gives no date)"
            + (f" — {m['date']}" if m["date"] else "")
            + (f", date set by {m['who']}" if m["who"] else "")
        ),
    ),
    (r"Khẩn trương", lambda m: "Urgent"),
    (r"Thường xuyên", lambda m: "Ongoing"),
    (r"Ngay từ đầu năm", lambda m: "From the start of the year"),
    (
        r"Trong quý (?P<q>IV|I{1,3})/(?P<year>\d{4})",
        lambda m: f"Within Q{_QUARTERS[m['q']]} {m['year']}",
    ),
    (
        r"Trong tháng (?P<month>\d{1,2})/(?P<year>\d{4})",
        lambda m: f"Within {_MONTHS_EN[int(m['month']) - 1]} {m['year']}",
    ),
    (
        r"(?P<n>\d+) ngày làm việc kể từ (?P<date>[\d/]+)",
        lambda m: f"{m['n']} working days from {m['date']}",
    ),
    (r"(?:Trước|Đến) ngày (?P<date>[\d/]+)", lambda m: f"By {m['date']}"),
    (r"Trước ngày (?P<what>.+)", lambda m: f"Before the day of {m['what']}"),
    (r"Ngày (?P<date>[\d/]+)", lambda m: f"On {m['date']}"),
    (r"Trước (?P<event>.+)", lambda m: f"Before {m['event']}"),
]


def _phrase_in_english(phrase: str) -> str:
    english = basis_in_english(phrase)
    return english[:1].upper() + english[1:]


def basis_in_english(basis: str) -> str:
    """An English reading of a Vietnamese deadline basis; the basis itself when none is known."""
    for pattern, render in _BASIS_EN:
        m = re.fullmatch(pattern, basis.strip(), flags=re.IGNORECASE)
        if m:
            return render(m)
    return basis


def format_date_vi(d: dt.date) -> str:
    """Format ``d`` with its Vietnamese weekday, e.g. "Thứ Sáu, 12/02/2021"."""
    return f"{_WEEKDAYS[d.weekday()]}, {d:%d/%m/%Y}"


def format_date_lunar(d: dt.date) -> str:
    """The solar date with the lunar one beside it, e.g. "12/02/2021 — Mùng 1 Tết Tân Sửu"."""
    return f"{d:%d/%m/%Y} — {format_lunar(d)}"


def format_lunar_month(d: dt.date) -> str:
    """The lunar month of ``d``: "tháng Chạp năm Canh Tý", "tháng 4 nhuận năm Canh Tý"."""
    lunar = to_lunar(d)
    return f"{_lunar_month_name(lunar.month, lunar.leap)} năm {can_chi_year(lunar.year)}"


def format_lunar_short(d: dt.date, *, with_month: bool = False) -> str:
    """The lunar day as a calendar grid prints it under the solar day: "28", or "1/12" with
    the month ("1/4n" in a leap month) on the first day of a lunar month or when asked."""
    lunar = to_lunar(d)
    if lunar.day == 1 or with_month:
        return f"{lunar.day}/{lunar.month}{'n' if lunar.leap else ''}"
    return str(lunar.day)


# The Tết season in the lunar calendar: from Rằm tháng Chạp (15/12) to Rằm tháng Giêng (15/1).
# A solar date in it is easier to place by its lunar date ("28 tháng Chạp"), so it is shown.
_TET_SEASON_FROM_DAY_12 = 15
_TET_SEASON_UNTIL_DAY_1 = 15


def lunar_matters(d: dt.date, basis: str = "") -> bool:
    """Tell whether a deadline on ``d`` reads better with its lunar date beside it.

    True when the basis names the lunar calendar (Tết Nguyên đán, a can-chi Tết, "âm lịch"; not
    Tết Dương lịch) or when ``d`` falls in the Tết season, from the 15th of the twelfth lunar
    month to the 15th of the first, when offices count in lunar days.
    """
    try:
        lunar = to_lunar(d)
    except ValueError:
        return False  # outside the years the lunar conversion covers
    folded = _fold(basis)
    if "am lich" in folded or ("tet" in folded and "tet duong lich" not in folded):
        return True
    if lunar.leap:
        return False
    return (lunar.month == 12 and lunar.day >= _TET_SEASON_FROM_DAY_12) or (
        lunar.month == 1 and lunar.day <= _TET_SEASON_UNTIL_DAY_1
    )


def deadline_text(deadline: dt.date, basis: str = "", *, with_lunar: bool = True) -> str:
    """A deadline as users read it: the basis beside the date, and the lunar date where it helps.

    "Trước Tết Nguyên đán Tân Sửu — 09/02/2021 (Ngày 28 tháng Chạp năm Canh Tý)"; a basis that
    already spells the date is not repeated ("Ngày 31/12/2020"); no basis gives the date alone.
    ``with_lunar=False`` leaves the lunar date out (for text to be edited).
    """
    date = f"{deadline:%d/%m/%Y}"
    basis = basis.strip()
    text = basis if basis and date in basis else (f"{basis} — {date}" if basis else date)
    if with_lunar and lunar_matters(deadline, basis):
        text = f"{text} ({format_lunar(deadline)})"
    return text


# --------------------------------------------------------------------------------------------
# Months, public holidays and the Tết break, for calendar pages


def month_days(year: int, month: int) -> list[dt.date]:
    """Every day of the weeks (Monday first) that cover ``month``: a month grid, row by row."""
    weeks = _stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [day for week in weeks for day in week]


def public_holidays(start: dt.date, end: dt.date, *, language: str = "vi") -> dict[dt.date, str]:
    """The official days off from ``start`` to ``end`` (inclusive) with their names.

    Names come from ``holidays.Vietnam`` ("Tết Nguyên Đán", "Giao thừa Tết Nguyên Đán", "Quốc
    khánh", "… (nghỉ bù)"; ``language="en"``: "Lunar New Year", "National Day"…); two holidays on
    one day are joined with "; ".
    """
    days: dict[dt.date, str] = {}
    for year in range(start.year, end.year + 1):
        official = (
            holidays.country_holidays("VN", years=(year, year + 1), language="en_US")
            if language.startswith("en")
            else _official_days_off(year)
        )
        for day, name in sorted(official.items()):
            if start <= day <= end:
                days[day] = name
    return days


def tet_break(year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the official Tết Nguyên đán break of lunar ``year``.

    The run of non-working days around Mùng 1 Tết, weekends included: 10–16/02/2021 for Tân Sửu,
    25/01–02/02/2025 for Ất Tỵ. Raises ``ValueError`` outside 1900–2100.
    """
    tet = tet_day(year)
    first, last = tet, tet
    while not is_working_day(first - _ONE_DAY):
        first -= _ONE_DAY
    while not is_working_day(last + _ONE_DAY):
        last += _ONE_DAY
    return first, last


# --------------------------------------------------------------------------------------------
# Deadline phrases


class DeadlinePhraseError(ValueError):
    """A deadline phrase that cannot be turned into a date; the message is in Vietnamese."""

    def __init__(self, phrase: str, reason: str) -> None:
        """Keep the phrase for callers and build the message users see."""
        self.phrase = phrase
        self.reason = reason
        super().__init__(f"Không xác định được thời hạn từ “{phrase}”: {reason}")


@dataclass(frozen=True)
class ResolvedDeadline:
    """A resolved deadline: the date and the basis it came from, shown together."""

    date: dt.date
    basis: str

    def __str__(self) -> str:
        """Render as "Trước Tết Nguyên đán Tân Sửu — 09/02/2021"."""
        return f"{self.basis} — {self.date:%d/%m/%Y}"


_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def _fold(text: str) -> str:
    """Matching form: NFC, lower case, no diacritics, đ → d, spaces collapsed."""
    text = unicodedata.normalize("NFC", text).lower().replace("đ", "d")
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text).strip()


# Folded can-chi names, with the spellings "Mẹo" and "Tị" that texts also use. Without diacritics
# "Tý" and "Tỵ" are both "ty", so a branch maps to its possible positions; a stem pairs only with
# branches of its own parity, which settles "Canh Ty" (Tý) against "Tan Ty" (Tỵ).
_CAN_INDEX = {_fold(name): i for i, name in enumerate(_CAN)}
_CHI_INDEX: dict[str, set[int]] = {"meo": {3}, "ti": {5}}
for _i, _name in enumerate(_CHI):
    _CHI_INDEX.setdefault(_fold(_name), set()).add(_i)

_DATE = r"(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})"
_ISO = r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
_DATE_PREFIX = (
    r"(?:(?P<prefix>truoc ngay|truoc|cham nhat la ngay|cham nhat ngay|cham nhat"
    r"|han chot|han|ngay) )?"
)

# Basis wording for each folded prefix of a plain date.
_DATE_PREFIX_BASIS = {
    None: "Ngày",
    "ngay": "Ngày",
    "truoc": "Trước ngày",
    "truoc ngay": "Trước ngày",
    "cham nhat": "Chậm nhất ngày",
    "cham nhat ngay": "Chậm nhất ngày",
    "cham nhat la ngay": "Chậm nhất ngày",
    "han": "Hạn",
    "han chot": "Hạn chót",
}

_PLAIN_DATE = re.compile(rf"{_DATE_PREFIX}{_DATE}")
_ISO_DATE = re.compile(rf"{_DATE_PREFIX}{_ISO}")
_TET_DUONG_LICH = re.compile(r"(?:truoc )?tet duong lich (?P<year>\d{4})")
_TET_NGUYEN_DAN = re.compile(
    r"(?:truoc )?tet(?: nguyen dan| am lich)? (?:(?P<year>\d{4})|(?P<can>[a-z]+) (?P<chi>[a-z]+))"
)
_TET_WITHOUT_YEAR = re.compile(r"(?:truoc )?tet(?: nguyen dan| duong lich| am lich)?")
_MONTH = re.compile(r"(?:trong )?thang (?P<month>\d{1,2})(?:/| nam )(?P<year>\d{4})")
_QUARTER = re.compile(r"(?:trong )?quy (?P<quarter>iv|iii|ii|i|[1-4])(?:/| nam )(?P<year>\d{4})")
_WORKING_DAYS_FROM = re.compile(
    rf"(?:trong )?(?P<n>\d+) ngay lam viec (?:ke tu|tu)(?: ngay)? {_DATE}"
)
_WORKING_DAYS = re.compile(r"trong (?P<n>\d+) ngay lam viec")
_BEFORE = re.compile(r"truoc (?P<name>.+)")


def _make_date(phrase: str, year: str, month: str, day: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise DeadlinePhraseError(phrase, f"ngày {day}/{month}/{year} không có thật") from None


def _last_day_of_month(year: int, month: int) -> dt.date:
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - _ONE_DAY


def _year_of_can_chi(can: str, chi: str, start: dt.date) -> int | None:
    """The first lunar year, from the one ``start`` falls in, named ``can chi`` (folded).

    Counting from the lunar year of ``start`` (not its solar year) keeps a document of January
    2021, still in Canh Tý, pointing "Tết Canh Tý" at the Tết of its own year rather than 60 years
    later, and "Tết Tân Sửu" at the coming Tết. ``None`` when no year bears the name.
    """
    stem, branches = _CAN_INDEX.get(can), _CHI_INDEX.get(chi, set())
    first = to_lunar(start).year
    for year in range(first, first + 60):
        if (year - 4) % 10 == stem and (year - 4) % 12 in branches:
            return year
    return None


def _working_day_count(phrase: str, digits: str) -> int:
    # A cap keeps a typo such as "500000 ngày" from walking the calendar for minutes.
    n = int(digits)
    if n > _MAX_WORKING_DAYS:
        raise DeadlinePhraseError(
            phrase, f"{n} ngày làm việc là quá dài (tối đa {_MAX_WORKING_DAYS})"
        )
    return n


def _before_tet(phrase: str, year: int) -> ResolvedDeadline:
    try:
        deadline = last_working_day_before_tet(year)
    except ValueError:
        raise DeadlinePhraseError(phrase, f"năm {year} nằm ngoài khoảng 1900–2100") from None
    return ResolvedDeadline(deadline, f"Trước Tết Nguyên đán {can_chi_year(year)}")


def resolve_deadline(
    phrase: str,
    *,
    start: dt.date | None = None,
    events: Mapping[str, dt.date] | None = None,
) -> ResolvedDeadline:
    """Turn a deadline phrase into a date and the basis it was read from.

    ``start`` is the date the counting starts from (the document's issue date, say); it defaults
    to today where a phrase needs a year context and is required by "trong N ngày làm việc".
    ``events`` maps event names (as admins keep them, with diacritics) to their dates.
    Matching ignores case, extra or no-break spaces and missing diacritics. Phrases:

    * ``DD/MM/YYYY`` or ``YYYY-MM-DD``, also after "trước ngày", "chậm nhất ngày", "hạn": that
      date itself, as offices read "trước ngày 31/12" as "by 31/12";
    * "trước Tết Nguyên đán 2021", "trước Tết Tân Sửu": the last working day before the Tết break;
      a can-chi year is the first one with that name from the lunar year of ``start`` on;
    * "trước Tết Dương lịch 2021": the last working day before the New Year's Day break
      (31/12/2020; 30/12/2022 for 2023, when 31 December is a Saturday);
    * "trước <event>": the day before the event, since the work must be done when it opens;
    * "trong tháng 12/2020", "trong quý IV/2020" (or "quý 4/2020"): the last day of the period;
    * "5 ngày làm việc kể từ 08/02/2021", "trong 5 ngày làm việc": see :func:`add_working_days`.

    Anything else raises :class:`DeadlinePhraseError`.
    """
    try:
        return _resolve(phrase, start, events)
    except DeadlinePhraseError:
        raise
    except (ValueError, OverflowError):
        # Dates the calendar cannot hold (year 0, past 9999) or lunar years beyond 1900–2100.
        raise DeadlinePhraseError(phrase, "ngày nằm ngoài khoảng lịch hỗ trợ") from None


def _resolve(
    phrase: str, start: dt.date | None, events: Mapping[str, dt.date] | None
) -> ResolvedDeadline:
    """Match the folded phrase against each kind in turn; the built-in Tết rules come first."""
    text = _fold(phrase).rstrip(".;,").replace(":", " ")
    text = _SPACES.sub(" ", text).strip()
    if not text:
        raise DeadlinePhraseError(phrase, "cụm thời hạn đang để trống")

    if m := _PLAIN_DATE.fullmatch(text) or _ISO_DATE.fullmatch(text):
        deadline = _make_date(phrase, m["year"], m["month"], m["day"])
        return ResolvedDeadline(deadline, f"{_DATE_PREFIX_BASIS[m['prefix']]} {deadline:%d/%m/%Y}")

    if m := _TET_DUONG_LICH.fullmatch(text):
        year = int(m["year"])
        return ResolvedDeadline(
            last_working_day_before_new_year(year), f"Trước Tết Dương lịch {year}"
        )

    if _TET_WITHOUT_YEAR.fullmatch(text):
        raise DeadlinePhraseError(
            phrase, "hãy ghi rõ năm, ví dụ “trước Tết Nguyên đán 2021” hoặc “trước Tết Tân Sửu”"
        )

    if m := _TET_NGUYEN_DAN.fullmatch(text):
        if m["year"]:
            return _before_tet(phrase, int(m["year"]))
        lunar_year = _year_of_can_chi(m["can"], m["chi"], start or dt.date.today())
        if lunar_year is None:
            raise DeadlinePhraseError(phrase, f"“{m['can']} {m['chi']}” không phải tên năm can chi")
        return _before_tet(phrase, lunar_year)

    if m := _MONTH.fullmatch(text):
        month, year = int(m["month"]), int(m["year"])
        if not 1 <= month <= 12:
            raise DeadlinePhraseError(phrase, f"không có tháng {month}")
        return ResolvedDeadline(_last_day_of_month(year, month), f"Trong tháng {month:02d}/{year}")

    if m := _QUARTER.fullmatch(text):
        quarter = m["quarter"]
        number = int(quarter) if quarter.isdigit() else _ROMAN_QUARTERS.index(quarter.upper()) + 1
        year = int(m["year"])
        return ResolvedDeadline(
            _last_day_of_month(year, 3 * number), f"Trong quý {_ROMAN_QUARTERS[number - 1]}/{year}"
        )

    if m := _WORKING_DAYS_FROM.fullmatch(text):
        n = _working_day_count(phrase, m["n"])
        origin = _make_date(phrase, m["year"], m["month"], m["day"])
        return ResolvedDeadline(
            add_working_days(origin, n), f"{n} ngày làm việc kể từ {origin:%d/%m/%Y}"
        )

    if m := _WORKING_DAYS.fullmatch(text):
        if start is None:
            raise DeadlinePhraseError(phrase, "cần biết ngày bắt đầu tính (ngày ban hành văn bản)")
        n = _working_day_count(phrase, m["n"])
        return ResolvedDeadline(
            add_working_days(start, n), f"Trong {n} ngày làm việc kể từ {start:%d/%m/%Y}"
        )

    if (m := _BEFORE.fullmatch(text)) and events:
        wanted = m["name"]
        for name, when in events.items():
            if _fold(name) == wanted:
                shown = _SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip()
                return ResolvedDeadline(when - _ONE_DAY, f"Trước {shown}")

    raise DeadlinePhraseError(
        phrase,
        "hãy ghi một ngày (DD/MM/YYYY), “trước Tết Nguyên đán <năm>”, “trước Tết Dương lịch <năm>”,"
        " “trước <sự kiện đã khai báo>”, “trong tháng MM/YYYY”, “trong quý I–IV/YYYY” hoặc"
        " “N ngày làm việc kể từ DD/MM/YYYY”",
    )
