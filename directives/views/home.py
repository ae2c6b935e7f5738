"""The home page: who you are, and what your unit owes (read-only)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from directives import permissions
from directives.models import Assignment


@require_GET
def home(request: HttpRequest) -> TemplateResponse:
    today = timezone.localdate()
    assignments = (
        Assignment.objects.visible_to(request.user)
        .select_related("directive__document", "lead_unit")
        .standing_order(on=today)[:50]
    )
    return TemplateResponse(
        request,
        "directives/home.html",
        {
            "membership": permissions.membership_of(request.user),
            "assignments": assignments,
            "today": today,
        },
    )
