"""Template helpers for dates, deadlines and standings, so every page shows them alike."""

from __future__ import annotations

import datetime as dt

from django import template
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from directives import calendar
from directives.models import Assignment, Standing
from directives.text import percent as percent_text

register = template.Library()


@register.filter
def percent(value) -> str:
    """72 %, 66,7 % — one rule for every percentage shown (directives.text.percent), kept on
    one line ("72" and "%" never wrap apart in a narrow column)."""
    from django.utils.html import format_html

    return format_html('<span class="nowrap">{}</span>', percent_text(value))


@register.filter
def vndate(value: dt.date | dt.datetime | None) -> str:
    """The date in the reader's language: 09/02/2021 in Vietnamese, 9 Feb 2021 in English."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date()
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@register.filter
def deadline_label(assignment: Assignment) -> str:
    """'Trước Tết Nguyên đán Tân Sửu — 09/02/2021 (Ngày 28 tháng Chạp năm Canh Tý)': the basis
    beside the resolved date, with the lunar date where it helps (see calendar.lunar_matters)."""
    return deadline_text(assignment.deadline, assignment.deadline_basis or "")


def deadline_text(deadline: dt.date | None, basis: str) -> str:
    """`deadline_label` of a deadline and basis (the as-of ones in the leaders' lists)."""
    if deadline is None:
        if basis and not _vietnamese():
            return calendar.basis_in_english(basis)
        return basis or _("Không hạn")
    if not _vietnamese():
        return _deadline_text_en(deadline, basis)
    return calendar.deadline_text(deadline, basis)


def _deadline_text_en(deadline: dt.date, basis: str) -> str:
    """The English reading: 'Before Lunar New Year (Tân Sửu) — 9 Feb 2021 (Day 28 of the 12th
    lunar month, Canh Tý year); as written: Trước Tết Nguyên đán Tân Sửu'. The stored basis is
    shown as written beside its English reading."""
    english = calendar.basis_in_english(basis) if basis else ""
    text = f"{english} — {vndate(deadline)}" if english else vndate(deadline)
    if calendar.lunar_matters(deadline, basis):
        text = f"{text} ({calendar.format_lunar_en(deadline)})"
    if basis and english != basis:
        written = _("nguyên văn")
        text = f"{text}; {written}: {basis}"
    return text


@register.simple_tag
def days_note(assignment: Assignment, on: dt.date) -> str:
    """'còn 3 ngày' / 'quá hạn 12 ngày' / '' for done or no deadline; for a completion awaiting
    sign-off, the leader's waiting time ('chờ xác nhận 4 ngày'), after 'quá hạn …' only when
    it was reported late."""
    waiting = assignment.waiting_days(on=on)
    if waiting is not None:
        text = _("chờ xác nhận %(n)d ngày") % {"n": waiting}
        if assignment.standing(on=on) != Standing.OVERDUE:
            return text
        return _("quá hạn %(n)d ngày") % {"n": (on - assignment.deadline).days} + " · " + text
    if assignment.deadline is None or assignment.status == "done":
        return ""
    days = (assignment.deadline - on).days
    if days < 0:
        return _("quá hạn %(n)d ngày") % {"n": -days}
    if days == 0:
        return _("hạn hôm nay")
    return _("còn %(n)d ngày") % {"n": days}


@register.filter
def standing_label(value: str) -> str:
    # Not `value in Standing.values`: that builds the choices list again on every call (a
    # calendar month of a national scope calls this some 600 times).
    try:
        return Standing(value).label
    except ValueError:
        return ""


@register.filter
def standing_short(value: str) -> str:
    """The standing's label where space is short (a calendar cell)."""
    if value == Standing.AWAITING:
        return _("Chờ xác nhận")
    return standing_label(value)


def _as_date(value: dt.date | dt.datetime | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        return timezone.localtime(value).date()
    return value


@register.filter
def vndate_weekday(value: dt.date | dt.datetime | None) -> str:
    """'Thứ Sáu, 12/02/2021' in Vietnamese, 'Friday, 12 Feb 2021' in English."""
    day = _as_date(value)
    if day is None:
        return ""
    return calendar.format_date_vi(day) if _vietnamese() else formats.date_format(day, "l, j M Y")


def _vietnamese() -> bool:
    return (get_language() or "vi").startswith("vi")


@register.filter
def lunar(value: dt.date | dt.datetime | None) -> str:
    """'Mùng 1 Tết Tân Sửu': the date in the Vietnamese lunar calendar ('' outside 1900–2100)."""
    day = _as_date(value)
    if day is None:
        return ""
    try:
        return calendar.format_lunar(day) if _vietnamese() else calendar.format_lunar_en(day)
    except ValueError:
        return ""


@register.filter
def vndate_lunar(value: dt.date | dt.datetime | None) -> str:
    """'12/02/2021 — Mùng 1 Tết Tân Sửu': the solar date with the lunar one beside it."""
    day = _as_date(value)
    if day is None:
        return ""
    lunar_text = lunar(day)
    return f"{day:%d/%m/%Y} — {lunar_text}" if lunar_text else f"{day:%d/%m/%Y}"


@register.filter
def vndatetime(value: dt.datetime | None) -> str:
    """'Thứ Hai, 08/02/2021 08:00' in the local time zone."""
    if value is None:
        return ""
    from django.utils import timezone

    local = timezone.localtime(value)
    return f"{vndate_weekday(local.date())} {local:%H:%M}"


@register.simple_tag
def shell_key() -> str:
    """What the page shell's cached fragments (base.html, _partials/nav.html) depend on besides
    the user's role: the interface language and the prefix of every link.

    The fragments live in the "shell" cache, each process's own memory (settings): they are
    the same in every process for the same key, so there is nothing to share or invalidate
    while the code runs. Rendering them took about a millisecond of every page (a dozen URL
    reversals and translations); reading one back is a dictionary look-up.
    """
    return f"{get_language()}|{get_script_prefix()}"


@receiver(setting_changed, dispatch_uid="shell_fragments_follow_settings")
def _forget_shell_fragments(**kwargs) -> None:
    """A test that changes a setting (URLs, static storage, languages) sees fresh fragments."""
    caches["shell"].clear()


@register.simple_tag
def picker_labels():
    """The date picker's and file field's words, in the interface language (static/js/fields.js)."""
    from django.utils.html import json_script

    from directives.widgets import picker_labels as labels

    return json_script(labels(), "picker-labels")


def _short_basis(basis: str, date: str) -> str:
    """'Khẩn trương (văn bản không nêu ngày) — 31/12/2020, do …' → 'Khẩn trương'."""
    short = basis.strip()
    for cut in (" (", " — ", ", ", "; "):
        short = short.split(cut, 1)[0]
    short = short.strip(" .,;—")
    return "" if not short or date in short else short


@register.inclusion_tag("_partials/deadline.html")
def deadline_short(assignment: Assignment) -> dict:
    """The deadline as a list shows it: the date and a short basis; the whole explanation (basis,
    who set the date, the lunar date) one click away, not repeated on every row."""
    return _deadline_short(assignment.deadline, assignment.deadline_basis or "")


@register.inclusion_tag("_partials/deadline.html")
def deadline_short_asof(assignment) -> dict:
    """`deadline_short` for the leaders' lists: the deadline as it stood on the as-of date."""
    return _deadline_short(assignment.asof_deadline, assignment.asof_basis or "")


def _deadline_short(deadline: dt.date | None, basis: str) -> dict:
    full = deadline_text(deadline, basis)
    if deadline is None:
        return {"date": "", "short": full, "full": ""}
    date = vndate(deadline)
    if basis and not _vietnamese():
        basis = calendar.basis_in_english(basis)
    plain = f"{deadline:%d/%m/%Y}"
    short = _short_basis(basis, plain)
    return {"date": date, "short": short, "full": full if full not in (plain, short) else ""}


@register.filter
def basis_reading(basis: str) -> str:
    """A stored (Vietnamese) deadline basis in the reader's language: as written in Vietnamese,
    its English reading in English (calendar.basis_in_english)."""
    if basis and not _vietnamese():
        return calendar.basis_in_english(basis)
    return basis or ""


@register.filter
def by_directive(rows) -> list[tuple]:
    """A page's rows under their directive, directives in the order their first row comes (so
    the most urgent directive still leads): one heading instead of a title on every row. The
    staff list, the dashboard's list and the overview's list use it alike."""
    groups: dict[int, tuple] = {}
    for row in rows:
        groups.setdefault(row.directive_id, (row.directive, []))[1].append(row)
    return list(groups.values())


@register.filter
def unit_label(unit) -> str:
    """One naming rule for units in lists: the short name, the full name as its tooltip."""
    from django.utils.html import format_html

    if unit is None:
        return ""
    if unit.short_name and unit.short_name != unit.name:
        return format_html('<abbr title="{}">{}</abbr>', unit.name, unit.short_name)
    return unit.name
