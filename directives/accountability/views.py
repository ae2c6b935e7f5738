"""Pages of accountability (issue 17): asking for and answering a request for explanation, and
the unit scorecard of a period with its Excel and Word exports.

Every view starts from `visible_to(user)`; who may ask and who answers is decided in
directives.permissions, and every write goes through directives.actions.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from directives import actions, evidence, permissions
from directives.accountability import exports
from directives.accountability.forms import ExplanationAnswerForm, ExplanationRequestForm
from directives.accountability.scorecard import (
    build_scorecard,
    default_period,
    parse_period,
    units_for,
)
from directives.models import Assignment, ExplanationRequest, TransitionError

REQUEST_TEMPLATE = "directives/accountability/explanation_request.html"
ANSWER_TEMPLATE = "directives/accountability/explanation_answer.html"
SCORECARD_TEMPLATE = "directives/accountability/scorecard.html"
SCORECARD_PAGE_SIZE = 100


def _visible_assignment(request: HttpRequest, pk: int) -> Assignment:
    assignment = get_object_or_404(
        Assignment.objects.visible_to(request.user).select_related(
            "directive__document__issuing_unit", "lead_unit"
        ),
        pk=pk,
    )
    return permissions.fetched_visible_to(assignment, request.user)


def _visible_explanation(request: HttpRequest, pk: int) -> ExplanationRequest:
    return get_object_or_404(
        ExplanationRequest.objects.filter(
            assignment__in=Assignment.objects.visible_to(request.user).values("pk")
        ).select_related(
            "assignment__directive__document__issuing_unit", "assignment__lead_unit", "asked_by"
        ),
        pk=pk,
    )


def _back(assignment_pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("assignment_detail", args=[assignment_pk]) + "#explanations"
    )


@require_http_methods(["GET", "POST"])
def explanation_request(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader of the assigning body asks the lead unit to explain, by a reply-by day typed as
    a date or a phrase ("5 ngày làm việc kể từ 08/02/2021")."""
    assignment = _visible_assignment(request, pk)
    if not permissions.can_request_explanation(request.user, assignment):
        raise PermissionDenied
    form = ExplanationRequestForm(request.POST or None)
    refused = ""
    if request.method == "POST" and form.is_valid():
        resolved = form.cleaned_data["reply_by"]
        try:
            actions.request_explanation(
                assignment,
                user=request.user,
                question=form.cleaned_data["question"],
                reply_by=resolved.date,
                basis=resolved.basis,
            )
        except TransitionError as error:
            refused = str(error)
        except actions.PermissionDenied as error:
            raise PermissionDenied from error
        else:
            messages.success(
                request,
                _("Đã gửi yêu cầu giải trình đến %(unit)s, hạn %(date)s.")
                % {"unit": assignment.lead_unit.name, "date": resolved.date.strftime("%d/%m/%Y")},
            )
            return _back(assignment.pk)
    return TemplateResponse(
        request,
        REQUEST_TEMPLATE,
        {"assignment": assignment, "form": form, "refused": refused},
    )


@require_http_methods(["GET", "POST"])
def explanation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead unit answers a request for explanation, with files; once."""
    explanation = _visible_explanation(request, pk)
    assignment = explanation.assignment
    if not permissions.can_answer_explanation(request.user, assignment):
        raise PermissionDenied
    form = ExplanationAnswerForm(
        request.POST or None,
        request.FILES or None,
        initial={"version": explanation.version},
    )
    refused = ""
    if explanation.answered_at is not None and request.method == "GET":
        return _back(assignment.pk)
    if request.method == "POST" and form.is_valid():
        try:
            actions.answer_explanation(
                explanation,
                user=request.user,
                answer=form.cleaned_data["answer"],
                files=[upload for upload, _kind in form.cleaned_data["files"]],
                expected_version=form.cleaned_data["version"],
            )
        except evidence.EvidenceError as error:
            form.add_error("files", str(error))
        except TransitionError as error:
            refused = str(error)
        except actions.PermissionDenied as error:
            raise PermissionDenied from error
        else:
            messages.success(request, _("Đã gửi nội dung giải trình."))
            return _back(assignment.pk)
    return TemplateResponse(
        request,
        ANSWER_TEMPLATE,
        {
            "explanation": explanation,
            "assignment": assignment,
            "form": form,
            "refused": refused,
            "today": timezone.localdate(),
        },
    )


@require_GET
def explanation_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """A file sent with an answer, to whoever may see the assignment, always as a download."""
    explanation = _visible_explanation(request, pk)
    stored = get_object_or_404(explanation.files.all(), pk=file_pk)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=stored.name, content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# ---- The unit scorecard ----------------------------------------------------------------------


def _scorecard(request: HttpRequest):
    if not permissions.can_view_scorecard(request.user):
        raise PermissionDenied
    key = request.GET.get("period", "")
    error = ""
    if key:
        try:
            period = parse_period(key[:20])
        except ValueError:
            error = _("Kỳ “%(key)s” không hợp lệ; hiển thị quý gần nhất đã kết thúc.") % {
                "key": key[:20]
            }
            period = default_period(timezone.localdate())
    else:
        period = default_period(timezone.localdate())
    return build_scorecard(period, units=units_for(request.user)), error


def _period_choices(current) -> list[tuple[str, str]]:
    """The quarters and years of the last three years, and the months of the current one."""
    from directives.periodic.periods import MONTHLY, QUARTERLY, YEARLY, periods_of_year

    today = timezone.localdate()
    choices = []
    for year in range(today.year, today.year - 6, -1):
        choices.append((f"{year}-Y", str(periods_of_year(YEARLY, year)[0].label)))
        choices.extend((p.key, p.label) for p in reversed(periods_of_year(QUARTERLY, year)))
    for p in reversed(periods_of_year(MONTHLY, current.end.year)):
        choices.append((p.key, p.label))
    if current.key not in {k for k, _label in choices}:
        choices.insert(0, (current.key, current.label))
    return choices


@require_GET
def scorecard(request: HttpRequest) -> TemplateResponse:
    """The units ranked by score for one period (default: the last finished quarter)."""
    card, error = _scorecard(request)
    # A province holds thousands of units: the page shows them a hundred at a time (the
    # exports hold every row).
    page = Paginator(card.rows, SCORECARD_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        SCORECARD_TEMPLATE,
        {
            "card": card,
            "page": page,
            "error": error,
            "formula": exports.formula_text(card),
            "choices": _period_choices(card.period),
        },
    )


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def scorecard_xlsx(request: HttpRequest) -> HttpResponse:
    card, _error = _scorecard(request)
    return _download(
        exports.build_xlsx(card),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"cham-diem-don-vi-{card.period.key}.xlsx",
    )


@require_GET
def scorecard_docx(request: HttpRequest) -> HttpResponse:
    card, _error = _scorecard(request)
    return _download(
        exports.build_docx(card),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        f"cham-diem-don-vi-{card.period.key}.docx",
    )
