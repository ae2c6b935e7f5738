"""The urging letter (công văn đôn đốc): in the issuing body's form, addressed to the lead units
of the assignments it is about, listing each with its deadline and how long it is overdue, and
asking for a report by the date the leader chose (a date or a deadline phrase)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directives.fields import DeadlineField
from directives.leaders.exports import Line, _date, document_line
from directives.reports import word
from directives.reports.forms import issuing_body, letterhead

MAX_ASSIGNMENTS = 200  # one letter; more is a list to narrow (by unit) first

WIDTHS = [12, 62, 36, 30, 25]


class UrgeLetterForm(forms.Form):
    """The date a report is asked for, and what the letter is about (carried from the list)."""

    reply_by = DeadlineField(
        label=gettext_lazy("Đề nghị báo cáo trước"),
        error_messages={"required": gettext_lazy("Cần nhập thời hạn báo cáo.")},
    )
    filters = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["reply_by"].required = True

    def clean_reply_by(self):
        resolved = self.cleaned_data["reply_by"]
        if resolved is None:
            raise forms.ValidationError(_("Cần nhập thời hạn báo cáo."))
        if resolved.date <= self.today:
            raise forms.ValidationError(
                _("Thời hạn báo cáo (%(date)s) phải sau hôm nay.") % {"date": _date(resolved.date)}
            )
        return resolved


def overdue_text(line: Line) -> str:
    return _("%(n)d ngày") % {"n": line.overdue_days} if line.overdue_days else "—"


def recipients(lines: list[Line]) -> list[str]:
    """The lead units, each once, in the order the lines list them."""
    return list(dict.fromkeys(line.lead for line in lines))


def build(document, lines: list[Line], *, reply_by: dt.date, today: dt.date) -> bytes:
    """The letter's .docx."""
    head = letterhead(document, "CV")
    doc = word.start()
    word.letterhead(doc, head, today.year, about=_("V/v đôn đốc thực hiện nhiệm vụ"))
    units = recipients(lines)
    centre, justify = word.WD_ALIGN_PARAGRAPH.CENTER, word.WD_ALIGN_PARAGRAPH.JUSTIFY
    if len(units) == 1:
        word.para(doc, _("Kính gửi: %(unit)s.") % {"unit": units[0]}, align=centre, before=18)
    else:
        word.para(doc, _("Kính gửi:"), align=centre, before=18)
        for index, unit in enumerate(units):
            end = "." if index == len(units) - 1 else ";"
            word.para(doc, f"- {unit}{end}", indent_mm=40)
    body = issuing_body(document)
    word.para(
        doc,
        _(
            "Thực hiện %(document)s, tính đến hết ngày %(today)s, các nhiệm vụ dưới đây chưa "
            "hoàn thành theo thời hạn được giao:"
        )
        % {"document": document_line(document), "today": _date(today)},
        align=justify,
        indent_mm=10,
        before=12,
        after=6,
        line=1.15,
    )
    table = word.RowTable(
        doc,
        [_("STT"), _("Nội dung"), _("Đơn vị chủ trì"), _("Thời hạn"), _("Quá hạn")],
        WIDTHS,
    )
    for number, line in enumerate(lines, 1):
        deadline = _date(line.deadline)
        if line.basis_without_date and line.basis_without_date != deadline:
            deadline = f"{deadline}\n({line.basis_without_date})"
        content = line.directive_label
        if line.expected_result:
            content += f"\n{line.expected_result}"
        table.add([str(number), content, line.lead, deadline, overdue_text(line)], centred=(0, 4))
    whom = units[0] if len(units) == 1 else _("các đơn vị nêu trên")
    word.para(
        doc,
        _(
            "Để bảo đảm tiến độ, %(body)s đề nghị %(whom)s khẩn trương thực hiện và báo cáo kết "
            "quả bằng văn bản về %(body)s trước ngày %(date)s."
        )
        % {"body": body, "whom": whom, "date": _date(reply_by)},
        align=justify,
        indent_mm=10,
        before=12,
        line=1.15,
    )
    word.closing(doc, head, [_("- Như trên;"), _("- Lưu: VT.")])
    return word.to_bytes(doc)
