"""The one way to read an integer or a date that arrives in a URL or a hidden field.

Python's own parsers are too kind to text a user (or a crawler) sends: `str.isdigit()` accepts
'²' and `int()` then fails; `int()` accepts '١٢' (Arabic-Indic twelve), '+5', ' 7 ' and
'1_000'; a number like 10**30 passes every check and then overflows the database column or
`datetime`. Everything here accepts ASCII digits only, no sign unless the caller allows one,
within bounds, and treats an empty string as "absent".

Three ways in, one rule:
- `parse_int` / `parse_date` for code that has the text (raise `ParamError`, a ValueError);
- `int_param` / `date_param` for loose GET/POST parameters: a refused value raises
  `BadParameter`, which Django answers with the 400 page carrying the message;
- `IntegerParamField` / `DateParamField` / `to_int` for forms, where a refused value is the
  field's error (shown next to the field, or the filter ignored with its message).
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The database's id columns are 64-bit (BigAutoField); ordinary integer columns 32-bit.
MAX_ID = 2**63 - 1
MAX_INT = 2**31 - 1
MAX_PAGE = 10_000  # no list is browsed further; a larger page number is refused, not clamped

_UNSIGNED = re.compile(r"[0-9]{1,19}")
_SIGNED = re.compile(r"[-+]?[0-9]{1,19}")
_NEGATIVE = re.compile(r"-?[0-9]{1,19}")
_ISO_DATE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})")
_VN_DATE = re.compile(r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})")


class ParamError(ValueError):
    """A value refused by this module; its text is for the user (Vietnamese first)."""


class BadParameter(BadRequest):
    """A refused URL or form parameter: the 400 page shows this message."""


def _shown(text: str) -> str:
    """The refused text as it may be echoed back: short, printable."""
    text = "".join(ch if ch.isprintable() else "�" for ch in str(text)[:40])
    return text + ("…" if len(str(text)) > 40 else "")


def parse_int(
    text, *, minimum: int | None = 0, maximum: int = MAX_INT, signed: bool = False
) -> int:
    """`text` as an integer of ASCII digits within [minimum, maximum]; ParamError otherwise."""
    if isinstance(text, int) and not isinstance(text, bool):
        number = text
    else:
        raw = str(text)
        if not (_SIGNED if signed else _UNSIGNED).fullmatch(raw):
            raise ParamError(gettext("Không phải số nguyên: “%(v)s”.") % {"v": _shown(raw)})
        number = int(raw)
    if (minimum is not None and number < minimum) or number > maximum:
        raise ParamError(gettext("Số ngoài khoảng cho phép: “%(v)s”.") % {"v": _shown(text)})
    return number


def parse_date(text, *, vietnamese: bool = True) -> dt.date:
    """`text` as YYYY-MM-DD (or dd/mm/yyyy) naming a day that exists; ParamError otherwise."""
    if isinstance(text, dt.date):
        return text
    raw = str(text).strip()
    match = _ISO_DATE.fullmatch(raw) or (_VN_DATE.fullmatch(raw) if vietnamese else None)
    try:
        if match is None:
            raise ValueError(raw)
        return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise ParamError(gettext("Ngày không hợp lệ: %(v)s") % {"v": _shown(raw)}) from None


def int_param(
    data,
    name: str,
    *,
    default: int | None = None,
    minimum: int | None = 0,
    maximum: int = MAX_INT,
    signed: bool = False,
) -> int | None:
    """The integer parameter `name` of a QueryDict (absent or empty: `default`).

    A refused value raises BadParameter: the request answers 400 before anything is read or
    written on its behalf.
    """
    raw = data.get(name, "")
    if raw in ("", None):
        return default
    try:
        return parse_int(raw, minimum=minimum, maximum=maximum, signed=signed)
    except ParamError as error:
        raise BadParameter(f"{name}: {error}") from None


def id_param(data, name: str) -> int | None:
    """A record's id in a parameter: a positive integer the id column can hold, or None."""
    return int_param(data, name, minimum=1, maximum=MAX_ID)


def page_param(data, name: str = "page") -> int:
    """A page number: 1 when absent; 1 … MAX_PAGE."""
    return int_param(data, name, default=1, minimum=1, maximum=MAX_PAGE)


def date_param(data, name: str, *, default: dt.date | None = None) -> dt.date | None:
    raw = data.get(name, "")
    if raw in ("", None):
        return default
    try:
        return parse_date(raw)
    except ParamError as error:
        raise BadParameter(f"{name}: {error}") from None


def lenient_int(
    request,
    data,
    name: str,
    *,
    default: int | None = None,
    minimum: int | None = 0,
    maximum: int = MAX_INT,
) -> int | None:
    """Like `int_param`, for a filter a page can do without: a refused value is ignored (the
    default is used) and the page says so in a message, instead of answering 400."""
    raw = data.get(name, "")
    if raw in ("", None):
        return default
    try:
        return parse_int(raw, minimum=minimum, maximum=maximum)
    except ParamError as error:
        # An htmx fragment has no message area; the next full page would show a stale one.
        if not getattr(request, "htmx", False):
            messages.warning(
                request,
                gettext("Đã bỏ qua tham số “%(name)s”: %(error)s") % {"name": name, "error": error},
            )
        return default


def to_int(value) -> int:
    """`coerce` for TypedChoiceFields of ids (the choices are checked before it runs)."""
    return parse_int(value, minimum=1, maximum=MAX_ID)


def ids_in(values, allowed) -> list[int]:
    """The distinct ids of `values` (a getlist) that are in `allowed`, in order; others dropped."""
    found: list[int] = []
    for value in values:
        try:
            number = parse_int(value, minimum=1, maximum=MAX_ID)
        except ParamError:
            continue
        if number in allowed and number not in found:
            found.append(number)
    return found


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose ids are ASCII digits within the id column (Django's own accepts
    '١٢' as 12 and passes 10**30 on to the database)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            parse_int(value, minimum=1, maximum=MAX_ID)
        except ParamError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None
        return super().to_python(value)


class IntegerParamField(forms.IntegerField):
    """An IntegerField that reads ASCII digits only (no '١٢', '+5', '1_000') and stays within
    the column: `max_value` defaults to the 32-bit integer range, `min_value` to 0."""

    def __init__(self, *, signed: bool = False, **kwargs):
        kwargs.setdefault("min_value", None if signed else 0)
        kwargs.setdefault("max_value", MAX_INT)
        self.signed = signed
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not (_SIGNED if self.signed else _NEGATIVE).fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        # A minus sign reads as the number it is, so that min_value says what the range is
        # ("from 0 to 100") rather than "not a number"; it is refused all the same.
        return int(text)


class DateParamField(forms.DateField):
    """A DateField for YYYY-MM-DD (what `<input type=date>` sends) and dd/mm/yyyy, ASCII digits
    only, naming a day that exists."""

    default_error_messages = {"invalid": _("Ngày không hợp lệ (nhập dd/mm/yyyy).")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_date(value)
        except ParamError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
