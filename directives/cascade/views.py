"""The split page (/assignments/<id>/split/): hand parts of an assignment down."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from directives import actions, permissions
from directives.cascade.actions import SplitRefused, split_assignment
from directives.cascade.forms import SplitForm
from directives.cascade.rollup import rollup
from directives.models import Assignment
from directives.views.staff import _visible

TEMPLATE = "directives/cascade/split.html"


@require_http_methods(["GET", "POST"])
def assignment_split(request: HttpRequest, pk: int) -> HttpResponse:
    """The form to hand one part of the assignment down, beside the parts handed down so far.

    Leaders of the lead unit (and its staff where the unit allows) only; the answer to a saved
    part is the same page, ready for the next one."""
    assignment = _visible(request, pk)
    if not permissions.can_split(request.user, assignment):
        raise PermissionDenied
    form = SplitForm(request.POST or None, parent=assignment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind, target = data["target"]
        resolved = data["deadline"]
        try:
            child = split_assignment(
                assignment,
                user=request.user,
                expected_result=data["expected_result"],
                deadline=resolved.date if resolved else None,
                basis=resolved.basis if resolved else "",
                lead_unit=target if kind == "unit" else None,
                responsible_user=target if kind == "user" else None,
                coordinating_units=data["coordinating_units"],
            )
        except SplitRefused as error:
            form.add_error(None, str(error))
        except actions.PermissionDenied as error:
            raise PermissionDenied from error
        else:
            messages.success(
                request,
                _("Đã giao phần việc cho %(who)s.")
                % {"who": child.contact_person or child.lead_unit.name},
            )
            return HttpResponseRedirect(reverse("assignment_split", args=[assignment.pk]))
    context = {
        "assignment": assignment,
        "form": form,
        "rollup": rollup(assignment, on=timezone.localdate()),
        "today": timezone.localdate(),
    }
    return TemplateResponse(request, TEMPLATE, context)


def page_context(user, assignment: Assignment, *, on) -> dict:
    """What the assignment page shows of the chain: the parent, the children's roll-up, and
    whether the user may split (a fixed number of queries whatever the number of children)."""
    parent = None
    if assignment.parent_id is not None:
        parent = (
            Assignment.objects.visible_to(user)
            .select_related("lead_unit")
            .filter(pk=assignment.parent_id)
            .first()
        )
    return {
        "chain_parent": parent,
        "rollup": rollup(assignment, on=on),
        "can_split": permissions.can_split(user, assignment),
    }
