"""Template helpers for dates, deadlines and standings, so every page shows them alike."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from directives.models import Assignment, Standing

register = template.Library()


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
    """'Trước Tết Nguyên đán Tân Sửu — 09/02/2021': the basis beside the resolved date."""
    if assignment.deadline is None:
        return assignment.deadline_basis or _("Không hạn")
    basis = assignment.deadline_basis
    if basis and assignment.deadline.strftime("%d/%m/%Y") in basis:
        return basis
    date = vndate(assignment.deadline)
    return f"{basis} — {date}" if basis else date


@register.simple_tag
def days_note(assignment: Assignment, on: dt.date) -> str:
    """'còn 3 ngày' / 'quá hạn 12 ngày' / '' for done or no deadline."""
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
    return Standing(value).label if value in Standing.values else ""
