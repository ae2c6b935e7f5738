"""The Word report's download (beside report.xlsx and report.csv, with their parameters) and
the urging letter."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from directives import actions, params, permissions
from directives.leaders.exports import _filename, _require_reader, counted_lines, document_line
from directives.leaders.reporting import build_report
from directives.leaders.views import _with_defaults
from directives.models import Assignment, ReportGroup
from directives.reports import letter
from directives.reports import report as word_report
from directives.reports.letter import MAX_ASSIGNMENTS, UrgeLetterForm

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_GET
def report_docx(request: HttpRequest) -> HttpResponse:
    report = _require_reader(request)
    response = HttpResponse(word_report.build(report), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "docx")}"'
    return response


def _letter_report(request: HttpRequest, filters: str):
    """The list the letter is about, read like the dashboard's lists: the ids asked for, or
    else the overdue and unfinished assignments of the list (of a document, of a unit)."""
    query = QueryDict(filters[:2000], mutable=True)
    ids = []
    for value in query.getlist("assignment")[:MAX_ASSIGNMENTS]:
        try:
            ids.append(params.parse_int(value, minimum=1, maximum=params.MAX_ID))
        except params.ParamError:
            continue  # a bad id is no assignment: the letter lists the others
    report = build_report(request.user, _with_defaults(query))
    if report.document is None or report.on_error:
        raise Http404
    if not report.scoped().exists():
        raise Http404  # nothing of this document is the user's to see
    if not permissions.is_document_assigner(request.user, report.document):
        raise PermissionDenied
    if not ids:
        report.group = ReportGroup.OVERDUE_UNFINISHED
    lines = [line for line, _group, _d in counted_lines(report, only=ids or None)]
    return report, lines


# Offered as the reply date: a deadline phrase (directives/calendar.py reads Vietnamese phrases
# in either interface language, so it is not translated).
REPLY_WITHIN = "trong 5 ngày làm việc"


@require_http_methods(["GET", "POST"])
def urge_letter(request: HttpRequest) -> HttpResponse:
    """Đôn đốc by letter: GET shows what the letter will say and asks for the reply date; POST
    writes the urges on each assignment's timeline and answers with the .docx."""
    if not permissions.can_decide(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    if request.method == "POST":
        filters = str(request.POST.get("filters", ""))
        form = UrgeLetterForm(request.POST, today=today)
    else:
        filters = request.GET.urlencode()
        form = UrgeLetterForm(initial={"filters": filters, "reply_by": REPLY_WITHIN}, today=today)
    report, lines = _letter_report(request, filters)
    too_many = len(lines) > MAX_ASSIGNMENTS
    if request.method == "POST" and form.is_valid() and lines and not too_many:
        reply_by = form.cleaned_data["reply_by"].date
        # The file first: if it could not be made, nothing is written.
        body = letter.build(report.document, lines, reply_by=reply_by, today=today)
        assignments = Assignment.objects.filter(pk__in=[line.pk for line in lines]).select_related(
            "directive__document__issuing_unit", "lead_unit"
        )
        actions.urge_by_letter(assignments, user=request.user, letter_date=today, reply_by=reply_by)
        response = HttpResponse(body, content_type=DOCX)
        name = f"cong-van-don-doc-{today.isoformat()}.docx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return TemplateResponse(
        request,
        "directives/reports/urge_letter.html",
        {
            "report": report,
            "form": form,
            "lines": lines[:MAX_ASSIGNMENTS],
            "units": letter.recipients(lines[:MAX_ASSIGNMENTS]),
            "too_many": too_many,
            "limit": MAX_ASSIGNMENTS,
            "document_line": document_line(report.document),
            "back": reverse("dashboard_assignments") + "?" + filters,
        },
    )
