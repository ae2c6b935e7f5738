"""Reports that go straight into a meeting: Excel, CSV and a print view of the dashboard's
assignments, with the same filters and as-of date as the page they are taken from.

Rows are read in chunks and written as they come (openpyxl's write-only mode, a streamed CSV),
so ten thousand rows stay light. User text is always written as text, never as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from directives import permissions
from directives.dashboard import GROUP_ORDER, Dashboard
from directives.models import ReportGroup, Standing, Status
from directives.reporting import Report, build_report, document_label, pending_extensions_on
from directives.views.leader import _with_defaults

CHUNK = 1000
# Characters XML (and so Excel) cannot hold; pasted text sometimes carries them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Line:
    """One assignment as the report prints it."""

    number: int
    content: str
    lead: str
    coordinating: str
    deadline: dt.date | None
    basis: str
    progress: str
    result: str
    completed_on: dt.date | None
    notes: str


def columns() -> list[tuple[str, int]]:
    """(heading, Excel width) of the report's columns, in order."""
    return [
        (_("STT"), 6),
        (_("Nội dung nhiệm vụ"), 48),
        (_("Đơn vị chủ trì"), 26),
        (_("Đơn vị phối hợp"), 30),
        (_("Thời hạn"), 12),
        (_("Căn cứ thời hạn"), 30),
        (_("Tình hình thực hiện"), 50),
        (_("Kết quả"), 24),
        (_("Ngày hoàn thành"), 13),
        (_("Ghi chú"), 32),
    ]


def _date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def report_lines(report: Report) -> Iterator[Line]:
    """The report's rows, read in chunks with their coordinating units."""
    pending = pending_extensions_on(report.on).filter(assignment=OuterRef("pk"))
    rows = (
        report.listed()
        .annotate(asof_pending_extension=Exists(pending))
        .select_related("directive", "lead_unit")
        .prefetch_related("coordinating_units")
        .order_by("directive__position", "asof_deadline", "lead_unit__path", "pk")
    )
    for number, a in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
        content = f"{a.directive.number}. {a.directive.title}"
        if a.expected_result:
            content += f"\n{a.expected_result}"
        status = Status(a.asof_status).label
        progress = f"{status}, {a.asof_percent}%"
        if a.asof_redo:
            progress += " " + _("(thực hiện lại)")
        if a.asof_note:
            when = timezone.localtime(a.asof_note_at).date()
            progress += f"\n{a.asof_note} ({_date(when)})"
        notes = []
        if a.standing_value == Standing.OVERDUE:
            days = (report.on - a.asof_deadline).days
            notes.append(_("Quá hạn %(n)d ngày") % {"n": days})
        if a.asof_extensions:
            notes.append(
                _("Đã gia hạn %(n)d lần; thời hạn ban đầu %(date)s")
                % {"n": a.asof_extensions, "date": _date(a.original_deadline)}
            )
        if a.asof_pending_extension:
            notes.append(_("Có đề nghị gia hạn chờ quyết định"))
        yield Line(
            number=number,
            content=content,
            lead=a.lead_unit.name,
            coordinating=", ".join(u.name for u in a.coordinating_units.all()),
            deadline=a.asof_deadline,
            basis=a.asof_basis or ("" if a.asof_deadline else _("Không hạn")),
            progress=progress,
            result=str(ReportGroup(a.report_group_value).label),
            completed_on=a.asof_completed_on,
            notes="; ".join(notes),
        )


def _require_reader(request: HttpRequest) -> Report:
    if not permissions.can_view_dashboard(request.user):
        raise PermissionDenied
    return build_report(request.user, _with_defaults(request.GET))


def _filename(report: Report, extension: str) -> str:
    return f"bao-cao-nhiem-vu-{report.on.isoformat()}.{extension}"


def filter_summary(report: Report) -> str:
    """The filters in words, for the title block."""
    parts = []
    if report.directive:
        parts.append(_("Nhiệm vụ %(n)s") % {"n": report.directive.number})
    if report.unit:
        parts.append(_("Đơn vị: %(u)s") % {"u": report.unit.name})
    if report.lead:
        parts.append(_("Đơn vị chủ trì: %(u)s") % {"u": report.lead.name})
    if report.scope:
        parts.append(_("Phạm vi: %(u)s") % {"u": report.scope.name})
    if report.due_from or report.due_to:
        parts.append(
            _("Thời hạn từ %(a)s đến %(b)s")
            % {"a": _date(report.due_from) or "…", "b": _date(report.due_to) or "…"}
        )
    if report.standing:
        parts.append(str(Standing(report.standing).label))
    if report.group or report.kind or report.basis:
        parts.append(report.list_title())
    return "; ".join(parts)


# --- Excel ------------------------------------------------------------------------------
def _text(sheet: Worksheet, value: str, **style) -> WriteOnlyCell:
    """A text cell: control characters dropped, and never read as a formula."""
    cell = WriteOnlyCell(sheet, value=_ILLEGAL.sub("", str(value)))
    cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _day(sheet: Worksheet, value: dt.date | None, **style) -> WriteOnlyCell:
    """A real Excel date (shown dd/mm/yyyy), so the column sorts and filters as dates."""
    cell = WriteOnlyCell(sheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


# Named styles: set once on the workbook, they cost far less per cell than separate fonts,
# borders and alignments (ten thousand rows stay quick).
_THIN = Side(style="thin", color="98A2B3")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
CELL = "Báo cáo - ô"
DATE = "Báo cáo - ngày"


def _add_styles(book: Workbook) -> None:
    book.add_named_style(NamedStyle(name=CELL, border=_BORDER, alignment=_WRAP))
    book.add_named_style(
        NamedStyle(name=DATE, border=_BORDER, alignment=_WRAP, number_format="DD/MM/YYYY")
    )


def _title_block(sheet: Worksheet, report: Report, heading: str) -> None:
    document = report.document
    sheet.append([_text(sheet, heading, font=Font(bold=True, size=14))])
    if document is not None:
        sheet.append(
            [
                _text(
                    sheet,
                    _("Văn bản số %(number)s ngày %(date)s: %(subject)s")
                    % {
                        "number": document.number or "—",
                        "date": _date(document.issue_date),
                        "subject": document.subject,
                    },
                    font=Font(bold=True),
                )
            ]
        )
    line = _("Số liệu tính đến hết ngày %(date)s") % {"date": _date(report.on)}
    summary = filter_summary(report)
    sheet.append([_text(sheet, f"{line}. {summary}" if summary else line, font=Font(italic=True))])


def build_workbook(report: Report) -> bytes:
    """The 'Báo cáo tình hình thực hiện nhiệm vụ' workbook: the report, then a summary sheet."""
    book = Workbook(write_only=True)
    _add_styles(book)
    sheet = book.create_sheet(_("Báo cáo"))
    heads = columns()
    for index, (_heading, width) in enumerate(heads, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A6"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.print_title_rows = "5:5"
    _title_block(sheet, report, _("BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"))
    sheet.append([])
    head_style = {
        "font": Font(bold=True),
        "fill": PatternFill("solid", fgColor="F2F4F7"),
        "alignment": Alignment(wrap_text=True, vertical="center", horizontal="center"),
        "border": _BORDER,
    }
    sheet.append([_text(sheet, heading, **head_style) for heading, _width in heads])
    for line in report_lines(report):
        number = WriteOnlyCell(sheet, value=line.number)
        number.style = CELL
        sheet.append(
            [
                number,
                _text(sheet, line.content, style=CELL),
                _text(sheet, line.lead, style=CELL),
                _text(sheet, line.coordinating, style=CELL),
                _day(sheet, line.deadline, style=DATE),
                _text(sheet, line.basis, style=CELL),
                _text(sheet, line.progress, style=CELL),
                _text(sheet, line.result, style=CELL),
                _day(sheet, line.completed_on, style=DATE),
                _text(sheet, line.notes, style=CELL),
            ]
        )
    _summary_sheet(book, report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _summary_sheet(book: Workbook, report: Report) -> None:
    sheet = book.create_sheet(_("Tổng hợp"))
    sheet.column_dimensions["A"].width = 60
    for letter in "BCDEFGH":
        sheet.column_dimensions[letter].width = 16
    _title_block(sheet, report, _("TỔNG HỢP KẾT QUẢ THỰC HIỆN NHIỆM VỤ"))
    sheet.append([])
    board = Dashboard(report, narrowed=True)
    totals = board.totals
    bold = Font(bold=True)
    sheet.append(
        [_text(sheet, _("Nhóm kết quả"), font=bold), _text(sheet, _("Số phân công"), font=bold)]
    )
    for group in GROUP_ORDER:
        sheet.append([_text(sheet, str(ReportGroup(group).label)), totals[group]])
    sheet.append([_text(sheet, _("Tổng số"), font=bold), totals.total])
    rate = totals.rate
    sheet.append(
        [
            _text(sheet, _("Tỷ lệ hoàn thành (đã hoàn thành ÷ đã đến hạn), %"), font=bold),
            float(rate) if rate is not None else _text(sheet, "—"),
        ]
    )
    sheet.append([])
    sheet.append(
        [
            _text(sheet, _("Nhiệm vụ"), font=bold),
            _text(sheet, _("Tổng số"), font=bold),
            *[_text(sheet, str(ReportGroup(g).label), font=bold) for g in GROUP_ORDER],
            _text(sheet, _("Tỷ lệ, %"), font=bold),
        ]
    )
    for row in board.directive_rows:
        rate = row.counts.rate
        sheet.append(
            [
                _text(sheet, row.label),
                row.counts.total,
                *[row.counts[g] for g in GROUP_ORDER],
                float(rate) if rate is not None else _text(sheet, "—"),
            ]
        )


@require_GET
def report_xlsx(request: HttpRequest) -> HttpResponse:
    report = _require_reader(request)
    response = HttpResponse(
        build_workbook(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "xlsx")}"'
    return response


# --- CSV --------------------------------------------------------------------------------
def _csv_safe(value: str) -> str:
    """Spreadsheets run a cell starting with = + - @ as a formula; a leading ' keeps it text."""
    value = _ILLEGAL.sub("", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(report: Report) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # the BOM tells Excel the file is UTF-8
    yield writer.writerow([heading for heading, _width in columns()])
    for line in report_lines(report):
        yield writer.writerow(
            [
                line.number,
                _csv_safe(line.content),
                _csv_safe(line.lead),
                _csv_safe(line.coordinating),
                _date(line.deadline),
                _csv_safe(line.basis),
                _csv_safe(line.progress),
                line.result,
                _date(line.completed_on),
                _csv_safe(line.notes),
            ]
        )


@require_GET
def report_csv(request: HttpRequest) -> StreamingHttpResponse:
    report = _require_reader(request)
    response = StreamingHttpResponse(csv_rows(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
    return response


# --- print ------------------------------------------------------------------------------
@require_GET
def report_print(request: HttpRequest) -> TemplateResponse:
    """The report as a page to print (A4 landscape), with its summary of counts."""
    report = _require_reader(request)
    board = Dashboard(report, narrowed=True)
    return TemplateResponse(
        request,
        "directives/leader/print.html",
        {
            "report": report,
            "document_label": document_label(report.document) if report.document else "",
            "filters": filter_summary(report),
            "columns": [heading for heading, _width in columns()],
            "lines": report_lines(report),
            "board": board,
            "summary": [(ReportGroup(g).label, board.totals[g]) for g in GROUP_ORDER],
        },
    )
