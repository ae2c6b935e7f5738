"""Exports of periodic reports: the units × periods matrix in Excel, and the compiled Word
report of one period (each unit's text in turn) in the issuing body's form.

Both reuse what the leaders' exports and the Word reports already do: the constant-memory
XlsxWriter sheet that writes user text as text (directives.leaders.exports), and the A4 layout,
letterhead, tables and signature block (directives.reports.word / forms).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import xlsxwriter
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from directives.leaders.exports import _WORKBOOK_OPTIONS, _Sheet
from directives.models import ReportStatus, SubmissionState
from directives.periodic import reporting
from directives.periodic.views import _obligation, _period_param, _year_param
from directives.reports import forms as report_forms
from directives.reports import word

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _cell_text(row) -> str:
    if row is None:
        return ""
    text = row.status_label
    submitted = row.submission.submitted_on
    if submitted and row.status != ReportStatus.RETURNED:
        text += f" ({submitted:%d/%m})"
    elif row.overdue:
        text += " " + _("(quá %(n)d ngày)") % {"n": row.days_late}
    return text


def matrix_workbook(grid: reporting.Matrix, today) -> bytes:
    import io

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {**_WORKBOOK_OPTIONS, "in_memory": True})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    plain = book.add_format({"text_wrap": True, "valign": "top", "border": 1})
    sheet = _Sheet(book, _("Ma trận"))
    sheet.sheet.set_column(0, 0, 40)
    sheet.sheet.set_column(1, len(grid.periods), 18)
    sheet.append([grid.obligation.title], book.add_format({"bold": True, "font_size": 13}))
    sheet.append(
        [
            _("Năm %(year)d — số liệu đến ngày %(date)s")
            % {"year": grid.year, "date": today.strftime("%d/%m/%Y")}
        ]
    )
    sheet.append([_("Đơn vị"), *[p.label for p in grid.periods]], bold)
    for unit, line in grid.rows:
        sheet.append([unit.name, *[_cell_text(row) for _period, row in line]], plain)
    sheet.append([])
    sheet.append([_("Tổng")], bold)
    for status, label in ReportStatus.choices:
        sheet.append([str(label), grid.totals.get(status, 0)])
    book.close()
    return out.getvalue()


@require_GET
def periodic_matrix_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = _obligation(request, pk)
    today = timezone.localdate()
    year = _year_param(request, today)
    grid = reporting.matrix(request.user, obligation, year, today, page=None)
    response = HttpResponse(matrix_workbook(grid, today), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-dinh-ky-{pk}-{year}.xlsx"'
    return response


def _sum(values: list[str]) -> str:
    total = Decimal(0)
    for value in values:
        try:
            total += Decimal(value)
        except (InvalidOperation, TypeError):
            continue
    return format(total.normalize(), "f") if values else ""


def compiled_document(table: reporting.PeriodTable, today) -> bytes:
    """The compiled report of one period: letterhead, summary, the units' table, each unit's
    text in turn, the figures added up, "Nơi nhận" and the signature block."""
    obligation = table.obligation
    head = report_forms.letterhead(obligation.document, "BC")
    document = word.start()
    word.letterhead(document, head, today.year)
    centre = word.WD_ALIGN_PARAGRAPH.CENTER
    word.para(document, _("BÁO CÁO"), bold=True, align=centre, before=12)
    word.para(
        document,
        _("Tổng hợp %(title)s — %(period)s")
        % {"title": obligation.title, "period": table.period.label},
        bold=True,
        align=centre,
        after=12,
    )
    counts = table.counts
    handed = sum(
        counts.get(s, 0) for s in (ReportStatus.ON_TIME, ReportStatus.LATE, ReportStatus.ACCEPTED)
    )
    word.para(
        document,
        _(
            "Hạn gửi báo cáo: %(due)s. Số đơn vị phải báo cáo: %(total)d; đã nộp: %(handed)d"
            " (nộp muộn: %(late)d); bị trả lại: %(returned)d; chưa nộp: %(missing)d."
        )
        % {
            "due": table.due.strftime("%d/%m/%Y") if table.due else "—",
            "total": len(table.rows),
            "handed": handed,
            "late": sum(
                1 for r in table.rows if r.submission.late() and r.status != ReportStatus.RETURNED
            ),
            "returned": counts.get(ReportStatus.RETURNED, 0),
            "missing": counts.get(ReportStatus.NOT_SUBMITTED, 0)
            + counts.get(ReportStatus.NOT_YET, 0),
        },
        indent_mm=10,
        after=6,
    )
    units = word.RowTable(
        document,
        [_("TT"), _("Đơn vị"), _("Tình trạng"), _("Ngày nộp")],
        [12, 85, 45, 23],
    )
    for index, row in enumerate(table.rows, 1):
        submitted = row.submission.submitted_on
        units.add(
            [
                str(index),
                row.submission.unit.name,
                row.status_label,
                submitted.strftime("%d/%m/%Y") if submitted else "",
            ],
            centred=(0, 3),
        )
    names = obligation.figure_names()
    handed_rows = [
        r
        for r in table.rows
        if r.submission.state in (SubmissionState.SUBMITTED, SubmissionState.ACCEPTED)
    ]
    if names and handed_rows:
        word.para(document, _("Số liệu tổng hợp"), bold=True, before=12, after=6)
        figures = word.RowTable(document, [_("Chỉ tiêu"), _("Tổng các đơn vị đã nộp")], [120, 45])
        for name in names:
            figures.add(
                [
                    name,
                    _sum(
                        [
                            r.submission.figures[name]
                            for r in handed_rows
                            if name in r.submission.figures
                        ]
                    ),
                ],
                centred=(1,),
            )
    word.para(document, _("Nội dung báo cáo của các đơn vị"), bold=True, before=12, after=6)
    for index, row in enumerate(handed_rows, 1):
        word.para(document, f"{index}. {row.submission.unit.name}", bold=True, before=6)
        for line in (row.submission.text or _("(Báo cáo bằng tệp đính kèm.)")).splitlines():
            if line.strip():
                word.para(document, line.strip(), indent_mm=10, line=1.15)
        for name in names:
            if name in row.submission.figures:
                word.para(document, f"- {name}: {row.submission.figures[name]}", indent_mm=10)
    if not handed_rows:
        word.para(document, _("Chưa có đơn vị nào nộp báo cáo kỳ này."), italic=True)
    word.closing(document, head, report_forms.report_recipients(obligation.document))
    return word.to_bytes(document)


@require_GET
def periodic_compiled_docx(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = _obligation(request, pk)
    today = timezone.localdate()
    periods = reporting.periods_with_slots(request.user, obligation)
    period = _period_param(request, obligation, periods, today)
    if period is None:
        from django.http import Http404

        raise Http404
    table = reporting.period_table(request.user, obligation, period, today, page=None)
    response = HttpResponse(compiled_document(table, today), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="tong-hop-{pk}-{period.key}.docx"'
    return response
