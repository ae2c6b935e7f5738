"""Periodic report pages: the list of obligations, "who has not reported" for a period, the
units × periods matrix, a unit's submission (submit; accept or return), files and exports.

Every query starts from directives.periodic.permissions (another unit's report is a 404 whatever
the method); who may write is asked of the same module (403 otherwise); every write goes through
directives.periodic.actions with the version the form was built on.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from directives import actions as core_actions
from directives import params
from directives.models import ReportStatus
from directives.periodic import actions, permissions, reporting
from directives.periodic import periods as P
from directives.periodic.forms import ReviewForm, SubmitForm


def _obligation(request: HttpRequest, pk: int):
    return get_object_or_404(
        permissions.visible_obligations(request.user).select_related(
            "document", "directive", "receiving_unit"
        ),
        pk=pk,
    )


def _submission(request: HttpRequest, pk: int):
    return get_object_or_404(
        permissions.visible_submissions(request.user).select_related(
            "obligation__document", "obligation__receiving_unit", "unit"
        ),
        pk=pk,
    )


def _period_param(request: HttpRequest, obligation, periods: list[P.Period], today: dt.date):
    raw = request.GET.get("period", "")
    if not raw:
        return reporting.default_period(periods, today)
    for period in periods:
        if period.key == raw:
            return period
    try:
        period = P.period_from_key(obligation.frequency, raw)
    except ValueError:
        raise params.BadParameter(
            _("period: kỳ báo cáo không hợp lệ: “%(v)s”.") % {"v": params._shown(raw)}
        ) from None
    return period


def _year_param(request: HttpRequest, today: dt.date) -> int:
    return params.int_param(request.GET, "year", default=today.year, minimum=1900, maximum=2100)


def _status_param(request: HttpRequest) -> str:
    raw = request.GET.get("status", "")
    if raw and raw not in ReportStatus.values:
        raise params.BadParameter(
            _("status: trạng thái không hợp lệ: “%(v)s”.") % {"v": params._shown(raw)}
        )
    return raw


@require_GET
def periodic_list(request: HttpRequest) -> TemplateResponse:
    """The obligations the user sees, each with its count of reports due and not submitted."""
    today = timezone.localdate()
    visible = permissions.visible_submissions(request.user)
    missing = dict(
        visible.unsubmitted_due(today)
        .values("obligation_id")
        .annotate(n=Count("pk"))
        .values_list("obligation_id", "n")
    )
    obligations = list(
        permissions.visible_obligations(request.user)
        .select_related("document", "receiving_unit")
        .order_by("-document__issue_date", "pk")[:200]
    )
    for obligation in obligations:
        obligation.missing = missing.get(obligation.pk, 0)
    return TemplateResponse(
        request,
        "directives/periodic/list.html",
        {"obligations": obligations, "today": today},
    )


@require_GET
def periodic_obligation(request: HttpRequest, pk: int) -> TemplateResponse:
    """Who has (not) reported for one period: units × status with their dates."""
    obligation = _obligation(request, pk)
    today = timezone.localdate()
    periods = reporting.periods_with_slots(request.user, obligation)
    period = _period_param(request, obligation, periods, today)
    status = _status_param(request)
    table = (
        reporting.period_table(request.user, obligation, period, today, status) if period else None
    )
    return TemplateResponse(
        request,
        "directives/periodic/obligation.html",
        {
            "obligation": obligation,
            "periods": periods,
            "period": period,
            "table": table,
            "status": status,
            "statuses": ReportStatus.choices,
            "today": today,
            "frequency": obligation.get_frequency_display(),
        },
    )


@require_GET
def periodic_matrix(request: HttpRequest, pk: int) -> TemplateResponse:
    """Units × periods of one year."""
    obligation = _obligation(request, pk)
    today = timezone.localdate()
    year = _year_param(request, today)
    page = params.lenient_int(
        request, request.GET, "page", default=1, minimum=1, maximum=params.MAX_PAGE
    )
    grid = reporting.matrix(request.user, obligation, year, today, page=page)
    years = sorted(
        {
            d.year
            for d in permissions.visible_submissions(request.user)
            .filter(obligation=obligation)
            .dates("period_start", "year")
        }
        | {year}
    )
    return TemplateResponse(
        request,
        "directives/periodic/matrix.html",
        {
            "obligation": obligation,
            "grid": grid,
            "year": year,
            "years": years,
            "today": today,
            # One URL prefix for the page's cells instead of a reverse() per cell.
            "submission_base": reverse("submission_detail", args=[1]).removesuffix("1/"),
            "legend": [
                (s, label, reporting.STATUS_CLASS[s], grid.totals.get(s, 0))
                for s, label in ReportStatus.choices
            ],
        },
    )


def _detail_context(request, submission, *, submit_form=None, review_form=None, error=""):
    today = timezone.localdate()
    obligation = submission.obligation
    can_submit = permissions.can_submit(request.user, submission) and permissions.may_submit_now(
        submission
    )
    can_review = permissions.can_review(request.user, submission) and permissions.may_review_now(
        submission
    )
    if can_submit and submit_form is None:
        initial = {"text": submission.text, "version": submission.version}
        for index, name in enumerate(obligation.figure_names()):
            initial[f"figure_{index}"] = submission.figures.get(name, "")
        submit_form = SubmitForm(initial=initial, figure_names=obligation.figure_names())
    if can_review and review_form is None:
        review_form = ReviewForm(initial={"version": submission.version})
    return {
        "submission": submission,
        "obligation": obligation,
        "status": submission.status(today),
        "status_label": ReportStatus(submission.status(today)).label,
        "status_css": reporting.STATUS_CLASS[submission.status(today)],
        "days_late": submission.days_late(today),
        "events": submission.events.select_related("actor").prefetch_related("files"),
        "figures": [(n, submission.figures.get(n, "")) for n in obligation.figure_names()],
        "submit_form": submit_form if can_submit else None,
        "review_form": review_form if can_review else None,
        "error": error,
        "today": today,
    }


@require_GET
def submission_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    submission = _submission(request, pk)
    return TemplateResponse(
        request, "directives/periodic/submission.html", _detail_context(request, submission)
    )


def _redirect(submission) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("submission_detail", args=[submission.pk]))


@require_POST
def submission_submit(request: HttpRequest, pk: int):
    submission = _submission(request, pk)
    if not permissions.can_submit(request.user, submission):
        raise PermissionDenied
    form = SubmitForm(
        request.POST, request.FILES, figure_names=submission.obligation.figure_names()
    )
    error = ""
    if form.is_valid():
        try:
            actions.submit(
                submission,
                user=request.user,
                text=form.cleaned_data["text"],
                figures=form.figures(),
                files=form.cleaned_data["files"],
                expected_version=form.cleaned_data["version"],
            )
        except core_actions.PermissionDenied:
            raise PermissionDenied from None
        except actions.SubmissionConflict as conflict:
            submission = conflict.current
            error = str(conflict)
            # Keep what the user typed, on the version now stored, so sending it again works
            # once they have read what changed (files must be chosen again).
            data = request.POST.copy()
            data["version"] = str(submission.version)
            form = SubmitForm(data, figure_names=submission.obligation.figure_names())
            form.is_valid()
        except actions.SubmissionError as refusal:
            error = str(refusal)
        else:
            messages.success(request, _("Đã nộp báo cáo."))
            return _redirect(submission)
    return TemplateResponse(
        request,
        "directives/periodic/submission.html",
        _detail_context(request, submission, submit_form=form, error=error),
    )


@require_POST
def submission_review(request: HttpRequest, pk: int):
    submission = _submission(request, pk)
    if not permissions.can_review(request.user, submission):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            actions.review(
                submission,
                user=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except core_actions.PermissionDenied:
            raise PermissionDenied from None
        except actions.SubmissionConflict as conflict:
            submission = conflict.current
            error = str(conflict)
            form = None
        except actions.SubmissionError as refusal:
            error = str(refusal)
        else:
            if form.cleaned_data["decision"] == "accept":
                messages.success(request, _("Đã tiếp nhận báo cáo."))
            else:
                messages.success(request, _("Đã trả lại báo cáo cho đơn vị."))
            return _redirect(submission)
    return TemplateResponse(
        request,
        "directives/periodic/submission.html",
        _detail_context(request, submission, review_form=form, error=error),
    )


def _download(stored_file, name: str, content_type: str) -> FileResponse:
    try:
        handle = stored_file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    # Never rendered by the browser, whatever the file holds.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def submission_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    submission = _submission(request, pk)
    stored = get_object_or_404(submission.files, pk=file_pk)
    return _download(stored.file, stored.name, stored.content_type)


@require_GET
def periodic_template(request: HttpRequest, pk: int) -> FileResponse:
    """The obligation's outline or template file, to whoever sees the obligation."""
    obligation = _obligation(request, pk)
    if not obligation.template_file:
        raise Http404
    name = obligation.template_name or obligation.template_file.name.rsplit("/", 1)[-1]
    return _download(obligation.template_file, name, "application/octet-stream")
