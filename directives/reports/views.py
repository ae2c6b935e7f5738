"""The Word report's download, beside report.xlsx and report.csv, with their parameters."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from directives.leaders.exports import _filename, _require_reader
from directives.reports import report as word_report

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_GET
def report_docx(request: HttpRequest) -> HttpResponse:
    report = _require_reader(request)
    response = HttpResponse(word_report.build(report), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "docx")}"'
    return response
