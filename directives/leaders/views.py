"""Leaders' pages: the dashboard, the lists behind its numbers, and the decisions taken from it.

One URL and one template serve the full page and its htmx region. Leaders, inspectors and
admins read; only the assigning body's leaders decide, and every decision goes through
`directives.actions`, answering with the dashboard region updated (or a redirect without JS).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from directives import actions, freshness, params, permissions
from directives.decision_forms import (
    DECISIONS,
    DecisionForm,
    ExtensionDecisionForm,
    TransitionForm,
    UrgeForm,
)
from directives.leaders import overview_views, regions
from directives.leaders.charts import rate_bars, stacked_bars, weekly_lines
from directives.leaders.dashboard import GROUP_ORDER, Dashboard
from directives.leaders.reporting import Report, build_report, silent_coordinating_units
from directives.models import (
    Action,
    Assignment,
    ExtensionRequest,
    ReportGroup,
    TransitionError,
)

DASHBOARD = "directives/leader/dashboard.html"
LIST = "directives/leader/assignments.html"
PAGE_SIZE = 50


def _require_reader(request: HttpRequest) -> None:
    if not permissions.can_view_dashboard(request.user):
        raise PermissionDenied


def _partial(request: HttpRequest, page: str, name: str) -> str:
    """The region alone for htmx requests, the whole page otherwise (and on history restore)."""
    if request.htmx and not request.htmx.history_restore_request:
        return f"{page}#{name}"
    return page


def _dashboard_context(report: Report, **extra) -> dict:
    board = Dashboard(report)
    charts = {}
    if report.has_figures:
        charts = {
            "directives": stacked_bars(
                "chart-directives",
                board.directive_rows,
                GROUP_ORDER,
                title=_("Kết quả theo nhiệm vụ"),
            ),
            "units": rate_bars(
                "chart-units", board.top_unit_rows, title=_("Tỷ lệ hoàn thành theo đơn vị")
            ),
            "weekly": weekly_lines(
                "chart-weekly",
                board.weekly,
                title=_("Hoàn thành và đến hạn theo tuần"),
            ),
        }
    return {
        "report": report,
        "form": report.form,
        "board": board,
        "charts": charts,
        "groups": [ReportGroup(g) for g in GROUP_ORDER],
        **extra,
    }


@require_GET
@vary_on_headers("HX-Request")
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard of one document (`?doc=`); without `doc`, the overview of every document
    in the user's scope. The region is rendered once per data version of the document and reused
    (`directives.leaders.regions`)."""
    if "doc" not in request.GET:
        return overview_views.overview(request)
    _require_reader(request)
    try:  # a bad id is said by the page itself; its region is simply not kept
        scopes = [freshness.document_scope(params.to_int(request.GET.get("doc", "")))]
    except params.ParamError:
        scopes = []
    key = regions.region_key(request, "dashboard", scopes, per_session=True)
    return regions.respond(
        request,
        key,
        page=DASHBOARD,
        name="dashboard",
        partial=_partial(request, DASHBOARD, "dashboard") != DASHBOARD,
        compute=lambda: _dashboard_context(build_report(request.user, _with_defaults(request.GET))),
    )


@require_GET
@vary_on_headers("HX-Request")
def dashboard_assignments(request: HttpRequest) -> TemplateResponse:
    """The assignments a dashboard number counts: the same filters, narrowed by group or list."""
    _require_reader(request)
    report = build_report(request.user, _with_defaults(request.GET))
    number = params.page_param(request.GET)
    # No rows under a date that does not exist or has not come yet (the page says why).
    rows = (
        (report.listed().none() if report.on_error else report.listed())
        .select_related("directive", "lead_unit")
        # Leaders see which coordinating units never reported, in the same query.
        .annotate(silent_coordinating=silent_coordinating_units(report.on))
        .order_by("directive__position", "asof_deadline", "lead_unit__path", "pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(number)
    return TemplateResponse(
        request,
        _partial(request, LIST, "assignment-list"),
        {"report": report, "form": report.form, "page": page},
    )


def _with_defaults(data: QueryDict) -> QueryDict:
    """Show today's date in the as-of field when none was asked for."""

    data = data.copy()
    if not data.get("on"):
        data["on"] = timezone.localdate().isoformat()
    return data


# --- decisions --------------------------------------------------------------------------
def _filters(request: HttpRequest) -> Report:
    """The dashboard the decision was taken from (its `filters` hidden field), read BEFORE the
    decision is written: reading it never fails (a bad filter is dropped with its message), and
    were it ever to, the request would fail with nothing written, so a retry repeats nothing."""
    filters = QueryDict(str(request.POST.get("filters", ""))[:2000])
    return build_report(request.user, _with_defaults(filters))


def _answer(
    request: HttpRequest,
    form: DecisionForm,
    report: Report,
    *,
    done: str = "",
    error: str = "",
    failed: str = "",
    below: int | None = None,
    undo: Assignment | None = None,
) -> HttpResponse:
    """After a decision: the dashboard as the user was looking at it, updated.

    `below`: the percent of a confirmation that needs its second step; `undo`: the assignment
    just confirmed, whose confirmation the message offers to undo.

    htmx gets the region, focus on the outcome (or on the field in error); without JavaScript
    a success redirects back to the dashboard and an error shows the page with the error.
    """
    if done and not request.htmx:
        messages.success(request, done)
        return redirect(reverse("dashboard") + "?" + report.query())
    context = _dashboard_context(
        report,
        flash=done,
        error=error,
        failed=failed,
        failed_form=form if failed else None,
        below=below,
        undo=undo,
    )
    template = f"{DASHBOARD}#dashboard" if request.htmx else DASHBOARD
    return TemplateResponse(request, template, context)


def _decidable_assignment(request: HttpRequest, pk: int) -> Assignment:
    if not permissions.can_decide(request.user):
        raise PermissionDenied
    assignment = get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related(
            "directive__document__issuing_unit", "lead_unit"
        ),
        pk=pk,
    )
    if not permissions.is_assigner(request.user, assignment):
        raise PermissionDenied
    return assignment


def _name(assignment: Assignment) -> str:
    return f"{assignment.directive.number}. {assignment.directive.title} — {assignment.lead_unit}"


DONE_MESSAGES = {
    Action.CONFIRM: gettext_lazy("Đã xác nhận hoàn thành: %(name)s."),
    Action.REFUSE: gettext_lazy("Đã từ chối xác nhận, đơn vị phải thực hiện lại: %(name)s."),
    Action.SUSPEND: gettext_lazy("Đã tạm hoãn: %(name)s."),
    Action.RESUME: gettext_lazy("Đã cho tiếp tục thực hiện: %(name)s."),
    Action.UNDO_CONFIRM: gettext_lazy(
        "Đã hủy xác nhận hoàn thành, nhiệm vụ trở lại chờ xác nhận: %(name)s."
    ),
    Action.REOPEN: gettext_lazy("Đã mở lại nhiệm vụ, tính là chưa hoàn thành: %(name)s."),
}


@require_POST
def assignment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or refuse completion, suspend or resume, undo a confirmation or reopen done work
    (the assigning body's leaders).

    Confirming below 100 % takes a second step: the first answer asks again, stating the
    percent, and writes nothing. From the assignment page (`back_to`), the answer is that page.
    """
    assignment = _decidable_assignment(request, pk)
    report = _filters(request)
    form = TransitionForm(request.POST)
    key = f"{request.POST.get('origin', '')}-{request.POST.get('action', '')}-{assignment.pk}"
    to_page = request.POST.get("back_to") == "assignment"
    if not form.is_valid():
        if to_page:
            return _page_answer(request, assignment, error=_first_error(form))
        return _answer(request, form, report, failed=key)
    action = form.cleaned_data["action"]
    try:
        actions.transition(
            assignment,
            action,
            user=request.user,
            note=form.cleaned_data["note"] or str(DECISIONS[action]),
            expected_version=form.cleaned_data["version"],
            confirm_below=form.cleaned_data["confirm_below"] is not None,
            quality=form.cleaned_data["quality"],
            quality_comment=form.cleaned_data["quality_comment"],
        )
    except actions.ConfirmBelowFull as error:
        if to_page:
            return _page_answer(request, assignment, error=str(error))
        # Nothing written: the same item comes back with the question and its second button.
        return _answer(request, form, report, failed=key, below=error.percent)
    except (TransitionError, actions.VersionConflict) as error:
        if to_page:
            return _page_answer(request, assignment, error=str(error))
        return _answer(request, form, report, error=str(error))
    done = str(DONE_MESSAGES[action]) % {"name": _name(assignment)}
    if to_page:
        return _page_answer(request, assignment, done=done)
    undo = assignment if action == Action.CONFIRM else None
    return _answer(request, form, report, done=done, undo=undo)


def _first_error(form) -> str:
    return next((str(e) for errors in form.errors.values() for e in errors), "")


def _page_answer(
    request: HttpRequest, assignment: Assignment, *, done="", error=""
) -> HttpResponse:
    """Back to the assignment page with the outcome as a message (its leader panel posts
    without htmx, so the page and its history reload whole)."""
    if done:
        messages.success(request, done)
    if error:
        messages.error(request, _("Không thực hiện được: %(error)s") % {"error": error})
    return redirect(reverse("assignment_detail", args=[assignment.pk]) + "#leader-panel")


@require_POST
def assignment_urge(request: HttpRequest, pk: int) -> HttpResponse:
    """Urge (đôn đốc) the lead unit with a message; it is logged and notified."""
    assignment = _decidable_assignment(request, pk)
    report = _filters(request)
    form = UrgeForm(request.POST)
    if not form.is_valid():
        key = f"{request.POST.get('origin', '')}-urge-{assignment.pk}"
        return _answer(request, form, report, failed=key)
    try:
        actions.urge(assignment, user=request.user, message=form.cleaned_data["message"])
    except TransitionError as error:
        return _answer(request, form, report, error=str(error))
    return _answer(
        request,
        form,
        report,
        done=_("Đã đôn đốc %(unit)s: %(name)s.")
        % {"unit": assignment.lead_unit, "name": _name(assignment)},
    )


def _decidable_extension(request: HttpRequest, pk: int) -> ExtensionRequest:
    """The extension request `pk` if the user may decide it (the API uses it too): 403 for who
    decides nothing, 404 for a request they may not see."""
    if not permissions.can_decide(request.user):
        raise PermissionDenied
    extension = get_object_or_404(
        ExtensionRequest.objects.filter(
            assignment__in=Assignment.objects.visible_to(request.user).values("pk")
        ).select_related("assignment__directive__document__issuing_unit", "assignment__lead_unit"),
        pk=pk,
    )
    if not permissions.is_assigner(request.user, extension.assignment):
        raise PermissionDenied
    return extension


@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve (the deadline moves, the original is kept) or refuse an extension request."""
    extension = _decidable_extension(request, pk)
    report = _filters(request)
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        return _answer(request, form, report, failed=f"ext-{request.POST.get('decision', '')}-{pk}")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        actions.decide_extension(
            extension, user=request.user, approve=approve, note=form.cleaned_data["note"]
        )
    except TransitionError as error:
        return _answer(request, form, report, error=str(error))
    name = _name(extension.assignment)
    if approve:
        done = _("Đã đồng ý gia hạn đến %(date)s: %(name)s.") % {
            "date": extension.new_deadline.strftime("%d/%m/%Y"),
            "name": name,
        }
    else:
        done = _("Đã không đồng ý gia hạn: %(name)s.") % {"name": name}
    return _answer(request, form, report, done=done)
