"""The Word report on a document's assignments ("Báo cáo tình hình thực hiện …"), with the same
filters and as-of date as the dashboard and its Excel export, in the issuing body's form."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from directives.leaders.dashboard import directive_counts, total_of
from directives.leaders.exports import _date, counted_lines, document_line, filter_summary
from directives.leaders.reporting import Counts, Report
from directives.models import ReportGroup
from directives.reports import narrative, word
from directives.reports.forms import letterhead, report_recipients

# Millimetres, adding up to the 165 mm between the margins.
WIDTHS = [13, 48, 28, 27, 29, 20]


def columns() -> list[str]:
    return [
        _("STT"),
        _("Nội dung"),
        _("Đơn vị chủ trì"),
        _("Thời hạn"),
        _("Kết quả thực hiện"),
        _("Đánh giá"),
    ]


def _subject(report: Report) -> str:
    document = report.document
    if document is None:
        return _("các văn bản chỉ đạo")
    return document_line(document)


def build(report: Report) -> bytes:
    """The .docx of the report: header, place and date, title, paragraphs, the table by
    directive, Nơi nhận and the signature block."""
    # Read once; the paragraphs need the totals before the table that lists the lines.
    lines = list(counted_lines(report))
    per_directive: dict[int, Counts] = {}
    for _line, group, directive in lines:
        per_directive.setdefault(directive, Counts()).add_group(group)
    directives = directive_counts(report, per_directive)
    totals = total_of(counts for _pk, _label, counts in directives)
    facts = narrative.gather(lines, directives, totals)

    document = word.start()
    head = letterhead(report.document, "BC") if report.document is not None else None
    today = timezone.localdate()
    if head is not None:
        word.letterhead(document, head, today.year)
    centre = word.WD_ALIGN_PARAGRAPH.CENTER
    word.para(document, _("BÁO CÁO"), bold=True, align=centre, before=18)
    word.para(
        document,
        _("Tình hình thực hiện %(subject)s") % {"subject": _subject(report)},
        bold=True,
        align=centre,
    )
    as_of = _("(Số liệu tính đến hết ngày %(date)s)") % {"date": _date(report.on)}
    word.para(document, as_of, italic=True, align=centre)
    if filters := filter_summary(report):
        word.para(document, filters, italic=True, align=centre)
    word.para(document, "-----", align=centre, after=6)

    justify = word.WD_ALIGN_PARAGRAPH.JUSTIFY
    subject = _subject(report)
    for text in narrative.paragraphs(facts, subject=subject, on_text=_date(report.on)):
        word.para(document, text, align=justify, indent_mm=10, after=6, line=1.15)

    word.para(
        document,
        _("Chi tiết theo từng nhiệm vụ:"),
        bold=True,
        align=justify,
        indent_mm=10,
        before=6,
        after=6,
    )
    table = word.RowTable(document, columns(), WIDTHS)
    labels = {pk: (label, counts) for pk, label, counts in directives}
    groups = {value: str(label) for value, label in ReportGroup.choices}
    current = None
    for line, group, directive in lines:
        if directive != current:
            current = directive
            label, counts = labels.get(directive, (line.directive_label, Counts()))
            band = _("%(label)s — %(total)d phân công, tỷ lệ hoàn thành %(rate)s") % {
                "label": label,
                "total": counts.total,
                "rate": narrative.percent(counts.rate) if counts.rate is not None else "—",
            }
            table.add_band(band)
        content = line.expected_result or line.directive_label
        if line.coordinating:
            content += "\n" + _("Phối hợp: %(units)s") % {"units": line.coordinating}
        deadline = _date(line.deadline)
        basis = line.basis_without_date
        if basis and basis != deadline:
            deadline = f"{deadline}\n({basis})" if deadline else basis
        judged = groups[group] + (f"\n{line.notes}" if line.notes else "")
        table.add(
            [str(line.number), content, line.lead, deadline, line.progress, judged], centred=(0,)
        )
    if not lines:
        table.add_band(_("Không có phân công nào."))

    if head is not None:
        recipients = report_recipients(report.document)
        word.closing(document, head, recipients)
    return word.to_bytes(document)
