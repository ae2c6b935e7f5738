"""Template helpers for dates, deadlines and standings, so every page shows them alike."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _

from directives.models import Assignment, Standing

register = template.Library()


@register.filter
def vndate(value: dt.date | dt.datetime | None) -> str:
    """dd/mm/yyyy, the way Vietnamese readers write dates."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


@register.filter
def deadline_label(assignment: Assignment) -> str:
    """'Trước Tết Nguyên đán Tân Sửu — 09/02/2021': the basis beside the resolved date."""
    if assignment.deadline is None:
        return assignment.deadline_basis or _("Không hạn")
    date = assignment.deadline.strftime("%d/%m/%Y")
    basis = assignment.deadline_basis
    if basis and date in basis:
        return basis
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
