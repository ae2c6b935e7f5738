"""Template helpers of the leaders' pages: as-of labels, rates and links that keep the filters."""

from __future__ import annotations

import datetime as dt

from django import template
from django.urls import reverse

from directives import permissions, text
from directives.models import Status

register = template.Library()


@register.filter
def sees_dashboard(user) -> bool:
    """Whether the nav offers the leaders' dashboard (the rule lives in permissions)."""
    return permissions.can_view_dashboard(user)


@register.simple_tag
def report_url(report, name: str, **changes) -> str:
    """A URL of the leaders' pages with the report's filters, `changes` applied."""
    for key, value in changes.items():
        if isinstance(value, dt.date):
            changes[key] = value.isoformat()
    return reverse(name) + "?" + report.query(**changes)


@register.simple_tag
def list_url(report, name: str, **changes) -> str:
    """Like `report_url`, keeping the list's own narrowing (group, list, lead unit, basis)."""
    from urllib.parse import urlencode

    return reverse(name) + "?" + urlencode(report.list_params(**changes), doseq=True)


@register.filter
def rate_label(rate) -> str:
    """The rate as every page shows it (directives.text.percent): 72 %, 66,7 %, "—"."""
    return text.percent(rate)


@register.simple_tag
def days_overdue(assignment, on: dt.date) -> int:
    return (on - assignment.asof_deadline).days if assignment.asof_deadline else 0


@register.simple_tag
def waiting_days(assignment, on: dt.date) -> int | None:
    """Days the leader has kept a completion report waiting, as of `on` (None unless awaiting)."""
    if assignment.asof_status != Status.AWAITING_SIGNOFF or assignment.asof_reported_on is None:
        return None
    return max((on - assignment.asof_reported_on).days, 0)


@register.simple_tag
def days_left(assignment, on: dt.date) -> int:
    return (assignment.asof_deadline - on).days if assignment.asof_deadline else 0


@register.filter
def status_label(value: str) -> str:
    try:
        return Status(value).label
    except ValueError:
        return ""


@register.simple_tag(takes_context=True)
def failed_form(context, origin: str, action: str, pk: int):
    """The decision form that just failed, when it is this one (list, action, item)."""
    if context.get("failed") == f"{origin}-{action}-{pk}":
        return context.get("failed_form")
    return None


@register.filter
def basis_date(text: str, day: dt.date | None) -> str:
    """'Trước Tết Nguyên đán Tân Sửu — 09/02/2021', without repeating a date the text has."""
    if day is None:
        return text
    date = day.strftime("%d/%m/%Y")
    return text if date in text else f"{text} — {date}"


@register.simple_tag
def quality_choices() -> list:
    """The 1–5 evaluation offered when confirming a completion (issue 17)."""
    from directives.decision_forms import QUALITY_CHOICES

    return QUALITY_CHOICES
