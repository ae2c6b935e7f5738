"""The ``{% load periodic %}`` library: the dashboard's "báo cáo định kỳ chưa nộp" count."""

from __future__ import annotations

from django import template
from django.utils import timezone

from directives import params
from directives.periodic import permissions

register = template.Library()


@register.inclusion_tag("directives/periodic/_dashboard_count.html", takes_context=True)
def periodic_unsubmitted(context, only_if_any: bool = False) -> dict:
    """Reports due and not submitted (or returned) that the user sees, for the dashboard's
    document (its `doc` parameter) or, without one, for everything the user sees.

    Computed on every request, outside the dashboard's cached region: a submission does not
    change the assignments' data version that the region is cached by. `only_if_any`: nothing
    at all when the count is zero (the home page, where most users have no reports to make)."""
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
    today = timezone.localdate()
    query = permissions.visible_submissions(request.user).unsubmitted_due(today)
    if document_id:
        query = query.filter(obligation__document_id=document_id)
    count = query.count()
    if only_if_any and not count:
        return {"count": None}
    return {"count": count, "document_id": document_id}
