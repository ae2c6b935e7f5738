"""Reporting periods and the calendar rules that date them (no database; labels through gettext).

A frequency splits the calendar into periods (tháng, quý, 6 tháng, năm; "một lần" is one
period). Each obligation writes its data cut-off (ngày chốt số liệu) and its due date (hạn gửi)
as a rule in Vietnamese, as directives and Nghị định 09/2019/NĐ-CP write them; :func:`parse_rule`
reads one, and :meth:`Rule.resolve` gives its date in a period. Rules understood:

* ``ngày 15 của tháng cuối kỳ`` (also ``… tháng cuối quý``, ``… tháng cuối năm``): day D of the
  period's last month, clamped to the month's end (``ngày 31`` in a quarter ending in June gives
  30/06);
* ``ngày cuối kỳ`` / ``ngày cuối cùng của kỳ``: the period's last day;
* ``ngày 20 của tháng sau kỳ`` (``… tháng đầu kỳ sau``, ``… tháng sau``): day D of the month
  after the period;
* ``trước ngày 20/12 hằng năm`` / ``ngày 20/12``: that day and month in the year the period ends
  (a report due "before" a date is on time when it arrives that day at the latest, as the
  reporting regime counts "chậm nhất");
* ``ngày 20/12/2020``: one fixed date (for a report made once);
* ``5 ngày làm việc sau kỳ`` (``… sau ngày cuối kỳ``, ``… kể từ ngày cuối kỳ``): the N-th working
  day after the period's end, weekends, public holidays and the Tết break skipped;
* ``ngày làm việc cuối cùng của kỳ`` / ``… của tháng cuối kỳ``: the last working day of the period.

Any rule may end with ``, lùi về ngày làm việc trước`` or ``, chuyển sang ngày làm việc sau``:
a date that falls on a day off (a weekend, Tết) moves to the working day before or after it.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from directives import calendar as vn_calendar

MONTHLY = "monthly"
QUARTERLY = "quarterly"
HALF_YEARLY = "half_yearly"
YEARLY = "yearly"
ONCE = "once"
FREQUENCIES = (MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY, ONCE)
# Months in one period of each frequency.
_MONTHS = {MONTHLY: 1, QUARTERLY: 3, HALF_YEARLY: 6, YEARLY: 12}
_CODE = {MONTHLY: "M", QUARTERLY: "Q", HALF_YEARLY: "H", YEARLY: "Y"}
_ROMAN = ("I", "II", "III", "IV")
_ONE_DAY = dt.timedelta(days=1)


class RuleError(ValueError):
    """A rule that cannot be read; the message is for the user (Vietnamese)."""


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period: [start, end], with a key that sorts and a label to show."""

    start: dt.date
    end: dt.date
    frequency: str
    key: str  # "2020-Q4", "2020-M12", "2020-H2", "2020-Y", "ONCE"

    @property
    def label(self) -> str:
        """ "Quý I/2021" in Vietnamese, "Quarter I/2021" in English (the interface language)."""
        year, code = self.key.split("-", 1) if "-" in self.key else ("", self.key)
        if self.frequency == MONTHLY:
            return _("Tháng %(month)02d/%(year)s") % {"month": int(code[1:]), "year": year}
        if self.frequency == QUARTERLY:
            return _("Quý %(roman)s/%(year)s") % {"roman": _ROMAN[int(code[1:]) - 1], "year": year}
        if self.frequency == HALF_YEARLY:
            if code == "H1":
                return _("6 tháng đầu năm %(year)s") % {"year": year}
            return _("6 tháng cuối năm %(year)s") % {"year": year}
        if self.frequency == YEARLY:
            return _("Năm %(year)s") % {"year": year}
        return _("Báo cáo một lần")

    @property
    def short_label(self) -> str:
        """A column heading: "T12", "Q4", "6T đầu", "Năm" (English: "M12", "Q4", "H1", "Year")."""
        code = self.key.split("-", 1)[-1]
        if self.frequency == MONTHLY:
            return _("T%(month)d") % {"month": int(code[1:])}
        if self.frequency == QUARTERLY:
            return f"Q{code[1:]}"
        if self.frequency == HALF_YEARLY:
            return _("6T đầu") if code == "H1" else _("6T cuối")
        if self.frequency == YEARLY:
            return _("Năm")
        return _("1 lần")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _stdlib_calendar.monthrange(year, month)[1])


def period_of(frequency: str, day: dt.date, *, once_start: dt.date | None = None) -> Period:
    """The period of `frequency` that contains `day`."""
    if frequency == ONCE:
        start = once_start or day
        return Period(start, dt.date.max, ONCE, "ONCE")
    if frequency not in _MONTHS:
        raise ValueError(frequency)
    span = _MONTHS[frequency]
    index = (day.month - 1) // span  # 0-based within the year
    first_month = index * span + 1
    last_month = first_month + span - 1
    start = dt.date(day.year, first_month, 1)
    end = _month_end(day.year, last_month)
    number = index + 1 if frequency != MONTHLY else day.month
    code = _CODE[frequency] + ("" if frequency == YEARLY else str(number))
    return Period(start, end, frequency, f"{day.year}-{code}")


def period_from_key(frequency: str, key: str) -> Period:
    """The period a key names ("2020-Q4"); ValueError when the key is not one of `frequency`."""
    if frequency == ONCE:
        raise ValueError(key)
    match = re.fullmatch(r"(\d{4})-([MQHY])(\d{0,2})", key or "")
    if not match or match.group(2) != _CODE.get(frequency):
        raise ValueError(key)
    year, code, number = int(match.group(1)), match.group(2), match.group(3)
    if not 1900 <= year <= 2100:
        raise ValueError(key)
    if code == "Y":
        if number:
            raise ValueError(key)
        return period_of(frequency, dt.date(year, 1, 1))
    count = 12 // _MONTHS[frequency]
    if not number or not 1 <= int(number) <= count or number.startswith("0"):
        raise ValueError(key)
    month = (int(number) - 1) * _MONTHS[frequency] + 1
    return period_of(frequency, dt.date(year, month, 1))


def periods_between(frequency: str, first: dt.date, last: dt.date) -> list[Period]:
    """Every period of `frequency` that overlaps [first, last], in order."""
    if frequency == ONCE:
        return [period_of(ONCE, first, once_start=first)]
    result = []
    period = period_of(frequency, first)
    while period.start <= last:
        result.append(period)
        period = period_of(frequency, period.end + _ONE_DAY)
    return result


def periods_of_year(frequency: str, year: int) -> list[Period]:
    return periods_between(frequency, dt.date(year, 1, 1), dt.date(year, 12, 31))


# --- rules ------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without diacritics and with single spaces, for matching ("đ" → "d")."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d").lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.replace("\u00a0", " ").split())


@dataclass(frozen=True)
class Rule:
    """A parsed rule: `kind` and its numbers; `shift` is "", "before" or "after"."""

    text: str
    kind: str  # last_month_day, period_end, next_month_day, day_month, fixed, working_after,
    #            last_working_day
    day: int = 0
    month: int = 0
    year: int = 0
    shift: str = ""

    def resolve(self, period: Period) -> dt.date:
        """The date this rule gives in `period` (RuleError when the period cannot have one)."""
        if period.frequency == ONCE and self.kind != "fixed":
            raise RuleError("Báo cáo một lần cần hạn là một ngày cụ thể, ví dụ “ngày 20/12/2020”.")
        end = period.end
        if self.kind == "last_month_day":
            date = _clamped(end.year, end.month, self.day)
        elif self.kind == "period_end":
            date = end
        elif self.kind == "next_month_day":
            after = end + _ONE_DAY
            date = _clamped(after.year, after.month, self.day)
        elif self.kind == "day_month":
            date = _clamped(end.year, self.month, self.day)
        elif self.kind == "fixed":
            date = dt.date(self.year, self.month, self.day)
        elif self.kind == "working_after":
            date = vn_calendar.add_working_days(end, self.day)
        elif self.kind == "last_working_day":
            date = end
            while not vn_calendar.is_working_day(date):
                date -= _ONE_DAY
        else:  # pragma: no cover - parse_rule makes only the kinds above
            raise RuleError(self.kind)
        if self.shift:
            step = -_ONE_DAY if self.shift == "before" else _ONE_DAY
            while not vn_calendar.is_working_day(date):
                date += step
        return date


def _clamped(year: int, month: int, day: int) -> dt.date:
    return min(dt.date(year, month, 1) + dt.timedelta(days=day - 1), _month_end(year, month))


_PERIOD_WORD = r"(?:ky|quy|thang|nam|6 thang|sau thang)"
_SHIFT = [
    (
        re.compile(r",? *(?:neu trung ngay nghi )?lui ve ngay lam viec (?:truoc|lien truoc)$"),
        "before",
    ),
    (
        re.compile(
            r",? *(?:neu trung ngay nghi )?(?:chuyen|lui) sang ngay lam viec"
            r" (?:sau|tiep theo|lien sau)$"
        ),
        "after",
    ),
]
_PATTERNS = [
    (re.compile(rf"ngay (\d{{1,2}}) (?:cua )?thang cuoi {_PERIOD_WORD}"), "last_month_day"),
    (
        re.compile(r"ngay lam viec cuoi cung (?:cua )?(?:thang cuoi )?(?:ky|quy|thang|nam)"),
        "last_working_day",
    ),
    (re.compile(rf"ngay cuoi (?:cung )?(?:cua )?{_PERIOD_WORD}"), "period_end"),
    (
        re.compile(
            rf"ngay (\d{{1,2}}) (?:cua )?thang (?:dau )?(?:sau|ke tiep|tiep theo)"
            rf"(?: {_PERIOD_WORD})?(?: sau)?"
        ),
        "next_month_day",
    ),
    (re.compile(r"(?:truoc )?ngay (\d{1,2})/(\d{1,2})/(\d{4})"), "fixed"),
    (re.compile(r"(?:truoc )?ngay (\d{1,2})/(\d{1,2})(?: hang nam)?"), "day_month"),
    (
        re.compile(
            rf"(\d{{1,3}}) ngay lam viec (?:sau|ke tu)(?: khi ket thuc)?(?: ngay)?(?: cuoi)?"
            rf" {_PERIOD_WORD}"
        ),
        "working_after",
    ),
]


def parse_rule(text: str) -> Rule:
    """Read a cut-off or due-date rule (see the module docstring); RuleError when unknown."""
    folded = _fold(text).rstrip(".")
    if not folded:
        raise RuleError("Chưa ghi quy tắc ngày.")
    shift = ""
    for pattern, direction in _SHIFT:
        match = pattern.search(folded)
        if match:
            shift, folded = direction, folded[: match.start()].strip().rstrip(",")
            break
    for pattern, kind in _PATTERNS:
        match = pattern.fullmatch(folded)
        if not match:
            continue
        numbers = [int(n) for n in match.groups()]
        if kind in ("last_month_day", "next_month_day"):
            if not 1 <= numbers[0] <= 31:
                raise RuleError(f"Ngày {numbers[0]} không có trong tháng.")
            return Rule(text, kind, day=numbers[0], shift=shift)
        if kind == "day_month":
            day, month = numbers
            try:
                dt.date(2000, month, day)  # a leap year: 29/02 is allowed
            except ValueError:
                raise RuleError(f"Ngày {day}/{month} không có thật.") from None
            return Rule(text, kind, day=day, month=month, shift=shift)
        if kind == "fixed":
            day, month, year = numbers
            try:
                dt.date(year, month, day)
            except ValueError:
                raise RuleError(f"Ngày {day}/{month}/{year} không có thật.") from None
            if not 1900 <= year <= 2100:
                raise RuleError("Năm phải trong khoảng 1900–2100.")
            return Rule(text, kind, day=day, month=month, year=year, shift=shift)
        if kind == "working_after":
            if not 1 <= numbers[0] <= 60:
                raise RuleError("Số ngày làm việc phải từ 1 đến 60.")
            return Rule(text, kind, day=numbers[0], shift=shift)
        return Rule(text, kind, shift=shift)
    raise RuleError(
        f"Không hiểu quy tắc “{text}”. Ví dụ: “ngày 15 của tháng cuối kỳ”, “trước ngày 20/12 hằng"
        " năm”, “5 ngày làm việc sau kỳ”, “ngày làm việc cuối cùng của kỳ”, “ngày 20/12/2020”."
    )


def check_rule_fits(rule: Rule, frequency: str) -> None:
    """RuleError when the rule cannot date a period of `frequency`."""
    if frequency == ONCE and rule.kind != "fixed":
        raise RuleError("Báo cáo một lần cần hạn là một ngày cụ thể, ví dụ “ngày 20/12/2020”.")
    if frequency != ONCE and rule.kind == "fixed":
        raise RuleError(
            "Một ngày cụ thể chỉ dùng cho báo cáo một lần; báo cáo định kỳ cần quy tắc lặp lại."
        )
    if rule.kind == "day_month" and frequency not in (YEARLY,):
        raise RuleError("Ngày/tháng cố định hằng năm chỉ dùng cho báo cáo năm.")
