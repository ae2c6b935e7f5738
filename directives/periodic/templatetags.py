"""The ``{% load periodic %}`` library: the dashboard's "báo cáo định kỳ chưa nộp" count."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from directives import freshness, params
from directives.leaders import regions
from directives.models import Role
from directives.periodic import permissions

register = template.Library()


@register.inclusion_tag("directives/periodic/_dashboard_count.html", takes_context=True)
def periodic_unsubmitted(context, only_if_any: bool = False) -> dict:
    """Reports due and not submitted (or returned) that the user sees, for the dashboard's
    document (its `doc` parameter) or, without one, for everything the user sees.

    Kept outside the dashboard's cached region: a submission does not change the assignments'
    data version that the region is cached by; the count has its own (`_count`). `only_if_any`:
    nothing at all when the count is zero (the home page, where most users have no reports to
    make)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"count": None}
    report = context.get("report")
    document_id = None
    if report is not None and getattr(report, "document", None) is not None:
        document_id = report.document.pk
    else:
        try:
            document_id = params.parse_int(request.GET.get("doc", ""), minimum=1)
        except params.ParamError:
            document_id = None
    count = _count(request.user, document_id, timezone.localdate())
    if only_if_any and not count:
        return {"count": None}
    return {"count": count, "document_id": document_id}


def _count(user, document_id: int | None, today: dt.date) -> int:
    """The count, reused while no slot, obligation, unit, document or membership changed and the
    day is the same: its key holds the periodic reports' data version (`freshness.PERIODIC`,
    renewed by every write of a slot or an obligation, with the epoch that any unit, document,
    membership or user write renews). Counting a province's slots through three unit paths
    cost 7 ms on each dashboard, overview and home page of a leader at a million assignments,
    most of a warm overview's time. Counted afresh when the region cache is off
    (DJANGO_DASHBOARD_CACHE=0) or the cache cannot be reached, and for a unit's own staff
    (`_costly`)."""

    def counted() -> int:
        query = permissions.visible_submissions(user).unsubmitted_due(today)
        if document_id:
            query = query.filter(obligation__document_id=document_id)
        return query.count()

    if not _costly(user):
        return counted()
    parts = [str(user.pk), str(document_id or ""), today.isoformat()]
    return regions.kept("periodic-due", freshness.PERIODIC, parts, counted)


def _costly(user) -> bool:
    """Whether the user's count is worth keeping: a leader's goes through unit paths, the whole
    tree's over every slot; a unit's own staff's is two indexed look-ups, cheaper than reading
    the cache (and their pages would pay the cache's first read of the data version)."""
    if permissions.sees_everything(user):
        return True
    membership = permissions.membership_of(user)
    return membership is not None and membership.role == Role.LEADER
