"""Reports that go straight into a meeting: Excel, CSV and a print view of the dashboard's
assignments, with the same filters and as-of date as the page they are taken from.

Rows are read in chunks and written as they come (XlsxWriter's constant-memory mode, a streamed
CSV), so ten thousand rows stay light. User text is always written as text, never as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from directives import permissions
from directives.leaders.dashboard import (
    GROUP_ORDER,
    Dashboard,
    directive_counts,
    top_directive_id,
    total_of,
)
from directives.leaders.reporting import (
    Counts,
    Report,
    build_report,
    document_label,
    pending_extensions_on,
)
from directives.leaders.views import _with_defaults
from directives.models import Assignment, ReportGroup, Standing, Status
from directives.params import BadParameter

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


# What a line needs, read as plain values (no model instances: ten thousand rows stay quick).
_FIELDS = (
    "pk",
    "directive__number",
    "directive__title",
    "expected_result",
    "lead_unit__name",
    "original_deadline",
    "asof_status",
    "asof_percent",
    "asof_redo",
    "asof_note",
    "asof_note_at",
    "asof_deadline",
    "asof_basis",
    "asof_extensions",
    "asof_completed_on",
    "asof_pending_extension",
    "standing_value",
    "report_group_value",
    "directive_id",
    "directive__parent_id",
    "asof_reported_on",
)


def _coordinating(ids: list[int]) -> dict[int, str]:
    """The coordinating units of these assignments, named in tree order: one query."""
    through = Assignment.coordinating_units.through
    names: dict[int, list[str]] = {}
    rows = (
        through.objects.filter(assignment_id__in=ids)
        .order_by("assignment_id", "unit__path", "unit_id")
        .values_list("assignment_id", "unit__name")
    )
    for assignment_id, name in rows:
        names.setdefault(assignment_id, []).append(name)
    return {assignment_id: ", ".join(units) for assignment_id, units in names.items()}


def report_lines(report: Report) -> Iterator[Line]:
    """The report's rows, read in chunks with their coordinating units."""
    for line, _group, _directive in counted_lines(report):
        yield line


def counted_lines(report: Report) -> Iterator[tuple[Line, str, int]]:
    """Each line with what the summary counts it by: its reporting group and the directive it
    is counted under (`top_directive_id`), so a summary adds them up as the lines stream."""
    pending = pending_extensions_on(report.on).filter(assignment=OuterRef("pk"))
    rows = (
        report.listed()
        .annotate(asof_pending_extension=Exists(pending))
        .order_by("directive__position", "asof_deadline", "lead_unit__path", "pk")
        .values_list(*_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    statuses = {value: str(label) for value, label in Status.choices}
    groups = {value: str(label) for value, label in ReportGroup.choices}
    redo = " " + _("(thực hiện lại)")
    no_deadline = _("Không hạn")
    pending_note = _("Có đề nghị gia hạn chờ quyết định")
    zone = timezone.get_current_timezone()
    number = 0
    while chunk := list(islice(rows, CHUNK)):
        coordinating = _coordinating([row[0] for row in chunk])
        for (
            pk,
            directive_number,
            title,
            expected_result,
            lead,
            original_deadline,
            status,
            percent,
            is_redo,
            note,
            note_at,
            deadline,
            basis,
            extensions,
            completed_on,
            pending_extension,
            standing,
            group,
            directive_id,
            parent_id,
            reported_on,
        ) in chunk:
            number += 1
            content = f"{directive_number}. {title}"
            if expected_result:
                content += f"\n{expected_result}"
            progress = f"{statuses[status]}, {percent}%"
            if is_redo:
                progress += redo
            if note:
                when = note_at.astimezone(zone).date()
                progress += f"\n{note} ({_date(when)})"
            notes = []
            if standing == Standing.OVERDUE:
                days = (report.on - deadline).days
                notes.append(_("Quá hạn %(n)d ngày") % {"n": days})
            if standing == Standing.AWAITING:
                # Not overdue: the unit reported on time; the wait is the leader's.
                notes.append(
                    _("Báo cáo hoàn thành đúng hạn ngày %(date)s, chờ xác nhận %(n)d ngày")
                    % {"date": _date(reported_on), "n": max((report.on - reported_on).days, 0)}
                )
            if extensions:
                notes.append(
                    _("Đã gia hạn %(n)d lần; thời hạn ban đầu %(date)s")
                    % {"n": extensions, "date": _date(original_deadline)}
                )
            if pending_extension:
                notes.append(pending_note)
            line = Line(
                number=number,
                content=content,
                lead=lead,
                coordinating=coordinating.get(pk, ""),
                deadline=deadline,
                basis=basis or ("" if deadline else no_deadline),
                progress=progress,
                result=groups[group],
                completed_on=completed_on,
                notes="; ".join(notes),
            )
            yield line, group, top_directive_id(directive_id, parent_id)


def _require_reader(request: HttpRequest) -> Report:
    if not permissions.can_view_dashboard(request.user):
        raise PermissionDenied
    report = build_report(request.user, _with_defaults(request.GET))
    if report.on_error:
        # A file has no place for the message: refuse it rather than give today's figures
        # under a date that does not exist or has not come yet.
        raise BadParameter(f"on: {report.on_error}")
    return report


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
# XlsxWriter in constant-memory mode: each row goes to a temporary file as soon as the next one
# starts, so ten thousand rows stay light and quick. Strings are never read as formulas, numbers
# or links: user text stays text.
_WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
_BORDER = {"border": 1, "border_color": "#98A2B3"}
_WRAP = {"text_wrap": True, "valign": "top"}


def _write_text(sheet, row: int, col: int, value: str, style=None) -> None:
    """A text cell: control characters dropped, and never read as a formula or as markup.

    XlsxWriter copies a string that starts with "<r>" and ends with "</r>" into the file as
    rich-text XML, unescaped; from user text that could plant any cell, a formula included.
    Written as three plain fragments, such a text is escaped like any other and reads the same.
    """
    value = _ILLEGAL.sub("", value)
    if value.startswith("<r>") and value.endswith("</r>"):
        sheet.write_rich_string(row, col, value[:1], value[1:2], value[2:], style)
    else:
        sheet.write_string(row, col, value, style)


class _Sheet:
    """A worksheet written row after row (as constant-memory mode requires)."""

    def __init__(self, book: xlsxwriter.Workbook, name: str):
        self.sheet = book.add_worksheet(name)
        self.row = 0

    def append(self, values: list, style=None) -> None:
        """One row: text as text (control characters dropped), numbers and dates as such.

        `style` is one format for the whole row, or a list of them, one per cell.
        """
        styles = style if isinstance(style, list) else [style] * len(values)
        for col, (value, cell_style) in enumerate(zip(values, styles, strict=False)):
            if isinstance(value, str):
                _write_text(self.sheet, self.row, col, value, cell_style)
            elif value is not None:
                self.sheet.write_number(self.row, col, value, cell_style)
        self.row += 1


def _title_block(sheet: _Sheet, formats: dict, report: Report, heading: str) -> None:
    document = report.document
    sheet.append([heading], formats["title"])
    if document is not None:
        sheet.append(
            [
                _("Văn bản số %(number)s ngày %(date)s: %(subject)s")
                % {
                    "number": document.number or "—",
                    "date": _date(document.issue_date),
                    "subject": document.subject,
                }
            ],
            formats["bold"],
        )
    line = _("Số liệu tính đến hết ngày %(date)s") % {"date": _date(report.on)}
    summary = filter_summary(report)
    sheet.append([f"{line}. {summary}" if summary else line], formats["italic"])


def build_workbook(report: Report) -> bytes:
    """The 'Báo cáo tình hình thực hiện nhiệm vụ' workbook: the report, then a summary sheet."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, _WORKBOOK_OPTIONS)
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "bold": book.add_format({"bold": True}),
        "italic": book.add_format({"italic": True}),
        "head": book.add_format(
            {
                "bold": True,
                "pattern": 1,
                "bg_color": "#F2F4F7",
                "text_wrap": True,
                "valign": "vcenter",
                "align": "center",
                **_BORDER,
            }
        ),
        "cell": book.add_format({**_BORDER, **_WRAP}),
        "date": book.add_format({**_BORDER, **_WRAP, "num_format": "DD/MM/YYYY"}),
    }
    sheet = _Sheet(book, _("Báo cáo"))
    summary = _Sheet(book, _("Tổng hợp"))
    heads = columns()
    for index, (_heading, width) in enumerate(heads):
        sheet.sheet.set_column(index, index, width)
    sheet.sheet.freeze_panes("A6")
    sheet.sheet.set_landscape()
    sheet.sheet.set_paper(9)  # A4
    sheet.sheet.repeat_rows(4)  # the header row (5) on every printed page
    _title_block(sheet, formats, report, _("BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"))
    sheet.row += 1
    sheet.append([heading for heading, _width in heads], formats["head"])
    cell, day = formats["cell"], formats["date"]
    out_sheet = sheet.sheet
    write_number, write_datetime = out_sheet.write_number, out_sheet.write_datetime
    write_blank = out_sheet.write_blank
    row = sheet.row
    per_directive: dict[int, Counts] = {}
    for line, group, directive in counted_lines(report):
        if directive not in per_directive:
            per_directive[directive] = Counts()
        per_directive[directive].add_group(group)
        write_number(row, 0, line.number, cell)
        _write_text(out_sheet, row, 1, line.content, cell)
        _write_text(out_sheet, row, 2, line.lead, cell)
        _write_text(out_sheet, row, 3, line.coordinating, cell)
        if line.deadline is None:
            write_blank(row, 4, None, day)
        else:
            write_datetime(row, 4, line.deadline, day)
        _write_text(out_sheet, row, 5, line.basis, cell)
        _write_text(out_sheet, row, 6, line.progress, cell)
        _write_text(out_sheet, row, 7, line.result, cell)
        if line.completed_on is None:
            write_blank(row, 8, None, day)
        else:
            write_datetime(row, 8, line.completed_on, day)
        _write_text(out_sheet, row, 9, line.notes, cell)
        row += 1
    _summary_sheet(summary, formats, report, directive_counts(report, per_directive))
    book.close()
    return out.getvalue()


def _summary_sheet(
    sheet: _Sheet, formats: dict, report: Report, directives: list[tuple[int, str, Counts]]
) -> None:
    """The counts by reporting group and by directive, added up while the rows were written:
    the same numbers as the dashboard narrowed like the report (`Dashboard(narrowed=True)`)."""
    sheet.sheet.set_column(0, 0, 60)
    sheet.sheet.set_column(1, 7, 16)
    _title_block(sheet, formats, report, _("TỔNG HỢP KẾT QUẢ THỰC HIỆN NHIỆM VỤ"))
    sheet.row += 1
    totals = total_of(counts for _pk, _label, counts in directives)
    bold = formats["bold"]
    sheet.append([_("Nhóm kết quả"), _("Số phân công")], bold)
    for group in GROUP_ORDER:
        sheet.append([str(ReportGroup(group).label), totals[group]])
    sheet.append([_("Tổng số"), totals.total], [bold, None])
    rate = totals.rate
    sheet.append(
        [
            _("Tỷ lệ hoàn thành (đã hoàn thành ÷ đã đến hạn), %"),
            float(rate) if rate is not None else "—",
        ],
        [bold, None],
    )
    sheet.row += 1
    sheet.append(
        [
            _("Nhiệm vụ"),
            _("Tổng số"),
            *[str(ReportGroup(g).label) for g in GROUP_ORDER],
            _("Tỷ lệ, %"),
        ],
        bold,
    )
    for _pk, label, counts in directives:
        rate = counts.rate
        sheet.append(
            [
                label,
                counts.total,
                *[counts[g] for g in GROUP_ORDER],
                float(rate) if rate is not None else "—",
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
