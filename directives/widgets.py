"""Date and month inputs that read the same in every browser.

A native `<input type="date">` shows the browser's locale (02/09/2021 in an English Chromium)
and a native month picker says "December 2026". These are text inputs in the application's own
format — dd/mm/yyyy, mm/yyyy — that work without JavaScript; static/js/fields.js adds a calendar
picker whose month and weekday names come from the server in the interface language
(`{% picker_labels %}` in base.html), so nothing depends on the browser's language.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DATE_FORMAT = "%d/%m/%Y"
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class DateInput(forms.DateInput):
    """dd/mm/yyyy typed or picked; accepts yyyy-mm-dd too (old links) via the field's parser."""

    input_type = "text"

    def __init__(self, attrs=None, format=None):  # noqa: A002 — Django's own argument name
        attrs = {
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "autocomplete": "off",
            "maxlength": "10",
            "size": "11",
            "data-picker": "date",
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, format=format or DATE_FORMAT)

    def format_value(self, value):
        # A bound form shows what arrived; an old link's 2021-02-09 is shown as 09/02/2021.
        if isinstance(value, str) and _ISO.fullmatch(value.strip()):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                return value
        return super().format_value(value)


class DeadlineInput(forms.TextInput):
    """A deadline: a date dd/mm/yyyy or a phrase; the picker fills a date."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "data-picker": "date", **(attrs or {})})


def picker_labels() -> dict:
    """Everything the picker writes, in the interface language (never the browser's)."""
    return {
        "months": [
            str(m)
            for m in (
                _("Tháng 1"),
                _("Tháng 2"),
                _("Tháng 3"),
                _("Tháng 4"),
                _("Tháng 5"),
                _("Tháng 6"),
                _("Tháng 7"),
                _("Tháng 8"),
                _("Tháng 9"),
                _("Tháng 10"),
                _("Tháng 11"),
                _("Tháng 12"),
            )
        ],
        "weekdays": [
            str(d)
            for d in (
                pgettext_lazy("weekday, short", "T2"),
                pgettext_lazy("weekday, short", "T3"),
                pgettext_lazy("weekday, short", "T4"),
                pgettext_lazy("weekday, short", "T5"),
                pgettext_lazy("weekday, short", "T6"),
                pgettext_lazy("weekday, short", "T7"),
                pgettext_lazy("weekday, short", "CN"),
            )
        ],
        "open_date": str(_("Chọn ngày trên lịch")),
        "open_month": str(_("Chọn tháng")),
        "previous_month": str(_("Tháng trước")),
        "next_month": str(_("Tháng sau")),
        "previous_year": str(_("Năm trước")),
        "next_year": str(_("Năm sau")),
        "today": str(_("Hôm nay")),
        "close": str(_("Đóng")),
        "choose_file": str(_("Chọn tệp")),
        "choose_files": str(_("Chọn tệp")),
        "no_file": str(_("Chưa chọn tệp")),
        "files": str(_("%(n)s tệp đã chọn")),
        "form_errors": str(_("Chưa lưu: %(n)s ô cần sửa.")),
    }


class LongSelect(forms.Select):
    """A `<select>` of thousands of options — every unit of the country, for the central body's
    filters — written here in one pass. Django renders each option through a template of its
    own, about 60 µs an option: a quarter of a second of every central overview for its 3,979
    units. Same markup (attributes, `selected`), flat choices only."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        parts = [f'<select name="{escape(name)}"{flatatt(self.build_attrs(self.attrs, attrs))}>']
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                raise ValueError("LongSelect takes flat choices, not groups.")
            option = "" if option_value is None else str(option_value)
            selected = " selected" if option in chosen else ""
            parts.append(f'<option value="{escape(option)}"{selected}>{escape(label)}</option>')
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 — every value above is escaped
