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
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from directives import calendar, permissions
from directives.api import exports as large_export
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
from directives.models import Assignment, ProgressUpdate, ReportGroup, Standing, Status
from directives.models.assignment import end_of_day
from directives.params import BadParameter
from directives.text import percent as percent_text
from directives.text import rounded_percent

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
    # For the Word report and letters: the directive apart from its part, the standing as of
    # the report's date, days overdue and whether an extension request waits for a decision.
    directive_label: str = ""
    expected_result: str = ""
    standing: str = ""
    status: str = ""
    overdue_days: int = 0
    pending_extension: bool = False
    pk: int = 0

    @property
    def basis_without_date(self) -> str:
        """The basis without the date it resolved to, for where the date stands beside it."""
        if self.deadline is None:
            return self.basis
        return self.basis.replace(f" — {_date(self.deadline)}", "")


def columns() -> list[tuple[str, int]]:
    """(heading, Excel width) of the report's columns, in order.

    The widths add up to what an A4 landscape page holds at about 90 % in Times New Roman 10
    (fit to one page wide does the rest): the two long texts get the most room, dates and
    short labels just enough for "09/02/2021" and "Chưa hoàn thành quá hạn" on two lines.
    """
    return [
        (_("STT"), 4),
        (_("Nội dung nhiệm vụ"), 28),
        (_("Đơn vị chủ trì"), 14),
        (_("Đơn vị phối hợp"), 15),
        (_("Thời hạn"), 10),
        (_("Căn cứ thời hạn"), 14),
        (_("Tình hình thực hiện"), 25),
        (_("Kết quả"), 11),
        (_("Ngày hoàn thành"), 10),
        (_("Ghi chú"), 15),
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
    "asof_quality",
    "asof_quality_comment",
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


def counted_lines(report: Report, only=None) -> Iterator[tuple[Line, str, int]]:
    """Each line with what the summary counts it by: its reporting group and the directive it
    is counted under (`top_directive_id`), so a summary adds them up as the lines stream.
    `only`: a queryset or list of ids the lines are narrowed to (an urging letter's)."""
    pending = pending_extensions_on(report.on).filter(assignment=OuterRef("pk"))
    listed = report.listed()
    if only is not None:
        listed = listed.filter(pk__in=only)
    # The evaluation of the confirmation in force on the report's date (issue 17).
    signoff = ProgressUpdate.objects.filter(
        assignment=OuterRef("pk"),
        status_after=Status.DONE,
        created_at__lt=end_of_day(report.on),
    ).order_by("-created_at", "-pk")
    rows = (
        listed.annotate(
            asof_pending_extension=Exists(pending),
            asof_quality=Subquery(signoff.values("quality")[:1]),
            asof_quality_comment=Subquery(signoff.values("quality_comment")[:1]),
        )
        .order_by("directive__position", "asof_deadline", "lead_unit__path", "pk")
        .values_list(*_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    statuses = {value: str(label) for value, label in Status.choices}
    groups = {value: str(label) for value, label in ReportGroup.choices}
    redo = " " + _("(thực hiện lại)")
    no_deadline = _("Không hạn")
    pending_note = _("Có đề nghị gia hạn chờ quyết định")
    # The stored basis is Vietnamese as written; an English export reads it in English, as the
    # pages do (calendar.basis_in_english keeps what it cannot read as written).
    english = not (translation.get_language() or "vi").startswith("vi")
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
            quality,
            quality_comment,
        ) in chunk:
            number += 1
            content = f"{directive_number}. {title}"
            if expected_result:
                content += f"\n{expected_result}"
            progress = f"{statuses[status]}, {percent_text(percent)}"
            if is_redo:
                progress += redo
            if note:
                when = note_at.astimezone(zone).date()
                progress += f"\n{note} ({_date(when)})"
            notes = []
            days = 0
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
            if status == Status.DONE and quality:
                evaluation = _("Đánh giá chất lượng: %(q)d/5") % {"q": quality}
                if quality_comment:
                    evaluation += f" ({quality_comment})"
                notes.append(evaluation)
            line = Line(
                number=number,
                content=content,
                lead=lead,
                coordinating=coordinating.get(pk, ""),
                deadline=deadline,
                basis=(calendar.basis_in_english(basis) if english and basis else basis)
                or ("" if deadline else no_deadline),
                progress=progress,
                result=groups[group],
                completed_on=completed_on,
                notes="; ".join(notes),
                directive_label=f"{directive_number}. {title}",
                expected_result=expected_result,
                standing=standing,
                status=status,
                overdue_days=days,
                pending_extension=pending_extension,
                pk=pk,
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


def document_line(document) -> str:
    """The document a report is about, in one line: its number when it has one, else its
    subject and date (never "Văn bản số —")."""
    values = {"date": _date(document.issue_date), "subject": document.subject}
    if document.number:
        return _("Văn bản số %(number)s ngày %(date)s: %(subject)s") % {
            **values,
            "number": document.number,
        }
    if values["date"] in document.subject:
        return document.subject  # the subject already dates it
    return _("%(subject)s, ngày %(date)s") % values


def as_of_line(report: Report) -> str:
    """ "Số liệu tính đến hết ngày …" and the filters in words."""
    line = _("Số liệu tính đến hết ngày %(date)s") % {"date": _date(report.on)}
    summary = filter_summary(report)
    return f"{line}. {summary}" if summary else line


# --- printing -----------------------------------------------------------------------------
# XlsxWriter does not fit rows to their text, and LibreOffice and Excel print the heights a file
# sets: each row's height is computed from its longest cell. Times New Roman 10 holds about
# 1.5 characters per unit of column width (Vietnamese text with its diacritics; a little short
# so that a word that wraps early still fits), on lines 13 points apart.
FONT = "Times New Roman"
_CHARS_PER_WIDTH = 1.5
_LINE_POINTS = 12.5
_PAD_POINTS = 4.0


def text_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapped cell `width` units wide."""
    per_line = max(int(width * _CHARS_PER_WIDTH) - 1, 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n")) if text else 1


def row_height(cells: list[tuple[str, float]], *, bold: bool = False) -> float:
    """The height in points of a row whose cells are (text, column width)."""
    factor = 0.92 if bold else 1.0  # bold letters are wider
    lines = max((text_lines(text, width * factor) for text, width in cells), default=1)
    return lines * _LINE_POINTS + _PAD_POINTS


def _print_setup(sheet, *, header_row: int | None, pages_tall: int) -> None:
    """A4 landscape, one page wide, page numbers in the footer, room on the left for binding."""
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, pages_tall)
    # Inches: 3 cm on the binding side, 1.5 cm on the right, 2 cm above and below
    # (Nghị định 30/2020/NĐ-CP's margins for a page of a report).
    sheet.set_margins(left=1.18, right=0.59, top=0.79, bottom=0.79)
    sheet.set_footer('&C&"Times New Roman"&10' + _("Trang &P/&N"), {"margin": 0.3})
    sheet.center_horizontally()
    if header_row is not None:
        sheet.repeat_rows(header_row)


def _title_block(
    sheet: _Sheet, formats: dict, report: Report, heading: str, last_col: int, width: float
) -> None:
    """The heading, the document and the as-of date, each merged across the table's width."""
    lines = [(heading, formats["title"], True)]
    if report.document is not None:
        lines.append((document_line(report.document), formats["bold"], True))
    lines.append((as_of_line(report), formats["italic"], False))
    for text, style, bold in lines:
        height = row_height([(text, width)], bold=bold)
        sheet.sheet.set_row(sheet.row, height + (4 if style is formats["title"] else 0))
        sheet.sheet.merge_range(sheet.row, 0, sheet.row, last_col, "", style)
        _write_text(sheet.sheet, sheet.row, 0, text, style)
        sheet.row += 1


def _formats(book: xlsxwriter.Workbook) -> dict:
    font = {"font_name": FONT, "font_size": 10}
    centred = {"align": "center", "valign": "vcenter", "text_wrap": True}
    return {
        "title": book.add_format({**font, **centred, "bold": True, "font_size": 13}),
        "bold": book.add_format({**font, **centred, "bold": True}),
        "italic": book.add_format({**font, **centred, "italic": True}),
        "head": book.add_format(
            {**font, **centred, "bold": True, "pattern": 1, "bg_color": "#F2F4F7", **_BORDER}
        ),
        "cell": book.add_format({**font, **_BORDER, **_WRAP}),
        "number": book.add_format({**font, **_BORDER, "valign": "top", "align": "center"}),
        "date": book.add_format(
            {**font, **_BORDER, **_WRAP, "align": "center", "num_format": "DD/MM/YYYY"}
        ),
        "label": book.add_format({**font, **_BORDER, **_WRAP}),
        "label_bold": book.add_format({**font, **_BORDER, **_WRAP, "bold": True}),
        "count": book.add_format({**font, **_BORDER, "valign": "top", "align": "center"}),
        "count_bold": book.add_format(
            {**font, **_BORDER, "valign": "top", "align": "center", "bold": True}
        ),
        "rate": book.add_format(
            # The value is rounded to one decimal as the pages show it (text.percent): General
            # shows 72 and 66.7 (with the reader's decimal mark), "0.0" would show 72.0.
            {**font, **_BORDER, "valign": "top", "align": "center", "num_format": "General"}
        ),
    }


def sheet_rate(rate) -> float | str:
    """A rate cell: the number the pages show (one decimal at most, half up), "—" without one."""
    if rate is None:
        return "—"
    return float(rounded_percent(rate))


def build_workbook(report: Report) -> bytes:
    """The 'Báo cáo tình hình thực hiện nhiệm vụ' workbook: the report, then a summary sheet,
    each printing one A4 landscape page wide."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, _WORKBOOK_OPTIONS)
    formats = _formats(book)
    sheet = _Sheet(book, _("Báo cáo"))
    summary = _Sheet(book, _("Tổng hợp"))
    heads = columns()
    widths = [width for _heading, width in heads]
    for index, width in enumerate(widths):
        sheet.sheet.set_column(index, index, width)
    sheet.sheet.freeze_panes("A6")
    _print_setup(sheet.sheet, header_row=4, pages_tall=0)  # the header row (5) on every page
    _title_block(
        sheet,
        formats,
        report,
        _("BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ"),
        len(heads) - 1,
        sum(widths),
    )
    sheet.row += 1
    sheet.sheet.set_row(sheet.row, row_height([(h, w) for h, w in heads], bold=True))
    sheet.append([heading for heading, _width in heads], formats["head"])
    cell, day, number = formats["cell"], formats["date"], formats["number"]
    out_sheet = sheet.sheet
    write_number, write_datetime = out_sheet.write_number, out_sheet.write_datetime
    write_blank, set_row = out_sheet.write_blank, out_sheet.set_row

    def write_day(row: int, col: int, value) -> None:
        """A date cell, or a blank one in the date format when there is no date."""
        if value is None:
            write_blank(row, col, None, day)
        else:
            write_datetime(row, col, value, day)

    row = sheet.row
    w_content, w_lead, w_coord, w_basis, w_progress, w_result, w_notes = (
        widths[1],
        widths[2],
        widths[3],
        widths[5],
        widths[6],
        widths[7],
        widths[9],
    )
    per_directive: dict[int, Counts] = {}
    for line, group, directive in counted_lines(report):
        if directive not in per_directive:
            per_directive[directive] = Counts()
        per_directive[directive].add_group(group)
        # The height first: constant-memory mode writes a row out when the next one starts.
        set_row(
            row,
            row_height(
                [
                    (line.content, w_content),
                    (line.lead, w_lead),
                    (line.coordinating, w_coord),
                    (line.basis, w_basis),
                    (line.progress, w_progress),
                    (line.result, w_result),
                    (line.notes, w_notes),
                ]
            ),
        )
        write_number(row, 0, line.number, number)
        _write_text(out_sheet, row, 1, line.content, cell)
        _write_text(out_sheet, row, 2, line.lead, cell)
        _write_text(out_sheet, row, 3, line.coordinating, cell)
        write_day(row, 4, line.deadline)
        _write_text(out_sheet, row, 5, line.basis, cell)
        _write_text(out_sheet, row, 6, line.progress, cell)
        _write_text(out_sheet, row, 7, line.result, cell)
        write_day(row, 8, line.completed_on)
        _write_text(out_sheet, row, 9, line.notes, cell)
        row += 1
    _summary_sheet(summary, formats, report, directive_counts(report, per_directive))
    book.close()
    return out.getvalue()


_SUMMARY_WIDTHS = [50, 9, 12, 12, 12, 12, 12, 9]


def _summary_sheet(
    sheet: _Sheet, formats: dict, report: Report, directives: list[tuple[int, str, Counts]]
) -> None:
    """The counts by reporting group and by directive, added up while the rows were written:
    the same numbers as the dashboard narrowed like the report (`Dashboard(narrowed=True)`).
    Laid out to print on one A4 landscape page."""
    widths = _SUMMARY_WIDTHS
    for index, width in enumerate(widths):
        sheet.sheet.set_column(index, index, width)
    _print_setup(sheet.sheet, header_row=None, pages_tall=1)
    _title_block(
        sheet,
        formats,
        report,
        _("TỔNG HỢP KẾT QUẢ THỰC HIỆN NHIỆM VỤ"),
        len(widths) - 1,
        sum(widths),
    )
    sheet.row += 1
    totals = total_of(counts for _pk, _label, counts in directives)
    label, label_bold = formats["label"], formats["label_bold"]
    count, count_bold, rate_style = formats["count"], formats["count_bold"], formats["rate"]
    sheet.append([_("Nhóm kết quả"), _("Số phân công")], formats["head"])
    for group in GROUP_ORDER:
        sheet.append([str(ReportGroup(group).label), totals[group]], [label, count])
    sheet.append([_("Tổng số"), totals.total], [label_bold, count_bold])
    rate = totals.rate
    rate_label = _("Tỷ lệ hoàn thành (đã hoàn thành ÷ đã đến hạn), %")
    sheet.sheet.set_row(sheet.row, row_height([(rate_label, widths[0])], bold=True))
    sheet.append(
        [rate_label, sheet_rate(rate)],
        [label_bold, rate_style if rate is not None else count_bold],
    )
    sheet.row += 1
    heads = [
        _("Nhiệm vụ"),
        _("Tổng số"),
        *[str(ReportGroup(g).label) for g in GROUP_ORDER],
        _("Tỷ lệ, %"),
    ]
    sheet.sheet.set_row(sheet.row, row_height(list(zip(heads, widths, strict=True)), bold=True))
    sheet.append(heads, formats["head"])
    styles = [label, count_bold, count, count, count, count, count, rate_style]
    for _pk, text, counts in directives:
        rate = counts.rate
        sheet.sheet.set_row(sheet.row, row_height([(text, widths[0])]))
        sheet.append(
            [
                text,
                counts.total,
                *[counts[g] for g in GROUP_ORDER],
                sheet_rate(rate),
            ],
            styles if rate is not None else [*styles[:-1], count],
        )


@require_GET
def report_xlsx(request: HttpRequest) -> HttpResponse:
    report = _require_reader(request)
    # Issue 19: more than 2,000 rows are built by a background task, the file sent by notice.
    if (queued := large_export.queue_if_large(request, report, "xlsx")) is not None:
        return queued
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
    if (queued := large_export.queue_if_large(request, report, "csv")) is not None:
        return queued
    response = StreamingHttpResponse(csv_rows(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
    return response


# --- print ------------------------------------------------------------------------------
def banded_lines(report: Report) -> Iterator[tuple[str, Line]]:
    """Each line with the directive it starts, if it is the first of its directive ("" after):
    on paper the directive is said once, above its lines, as in the Word report."""
    labels = {d.pk: f"{d.number}. {d.title}" for d in report.directives}
    current = None
    for line, _group, directive in counted_lines(report):
        band = ""
        if directive != current:
            current = directive
            band = labels.get(directive, line.directive_label)
        yield band, line


@require_GET
def report_print(request: HttpRequest) -> TemplateResponse:
    """The report as a page to print (A4 landscape), with its summary of counts."""
    from directives.reports.forms import letterhead, report_recipients

    report = _require_reader(request)
    board = Dashboard(report, narrowed=True)
    document = report.document
    return TemplateResponse(
        request,
        "directives/leader/print.html",
        {
            "report": report,
            "document_label": document_label(document) if document else "",
            "document_line": document_line(document) if document else "",
            # The same form as the Word report: header, place and date, Nơi nhận, signature.
            "head": letterhead(document) if document else None,
            "recipients": report_recipients(document) if document else [],
            "filters": filter_summary(report),
            "columns": [heading for heading, _width in columns()],
            # On paper the deadline carries its basis and the result its date: eight columns
            # leave room enough for 25 rows on three A4 landscape pages.
            "print_columns": [
                _("STT"),
                _("Nội dung nhiệm vụ"),
                _("Đơn vị chủ trì"),
                _("Đơn vị phối hợp"),
                _("Thời hạn, căn cứ"),
                _("Tình hình thực hiện"),
                _("Kết quả, ngày hoàn thành"),
                _("Ghi chú"),
            ],
            "date_line": letterhead(document).date_line(timezone.localdate().year)
            if document
            else "",
            "lines": banded_lines(report),
            "board": board,
            "summary": [(ReportGroup(g).label, board.totals[g]) for g in GROUP_ORDER],
        },
    )
