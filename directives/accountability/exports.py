"""The scorecard of a period as an Excel workbook (openpyxl) and a Word document (python-docx)."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH

from directives.accountability.scorecard import Scorecard
from directives.reports import word
from directives.text import percent

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@")


def headings() -> list[str]:
    return [
        _("Hạng"),
        _("Đơn vị"),
        _("Đến hạn (chủ trì)"),
        _("Đúng hạn"),
        _("Quá hạn đã xong"),
        _("Quá hạn chưa xong"),
        _("Tỷ lệ hoàn thành (%)"),
        _("Chất lượng TB (1–5)"),
        _("Phối hợp đến hạn"),
        _("Yêu cầu giải trình"),
        _("Giải trình quá hạn"),
        _("Điểm"),
    ]


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def row_values(row) -> list:
    return [
        row.rank or "",
        row.unit.name,
        row.fell_due,
        row.on_time,
        row.late,
        row.overdue,
        row.rate,
        row.quality,
        row.coordinated,
        row.explanations,
        row.explanations_late,
        row.score,
    ]


def formula_text(card: Scorecard) -> str:
    f = card.formula
    return _(
        "Điểm tiến độ: %(on_time)d điểm mỗi nhiệm vụ hoàn thành đúng hạn, %(late)d điểm nếu"
        " hoàn thành quá hạn, 0 điểm nếu quá hạn chưa hoàn thành; nhiệm vụ phối hợp tính"
        " %(co)d%%. Điểm = điểm tiến độ × %(tw)d%% + chất lượng trung bình × 20 × %(qw)d%%"
        " (chỉ điểm tiến độ khi chưa có đánh giá), trừ %(pen)d điểm mỗi yêu cầu giải trình"
        " quá hạn; số liệu tính đến hết ngày %(end)s."
    ) % {
        "on_time": f.on_time_points,
        "late": f.late_points,
        "co": f.coordinating_weight,
        "tw": f.timeliness_weight,
        "qw": 100 - f.timeliness_weight,
        "pen": f.late_explanation_penalty,
        "end": card.period.end.strftime("%d/%m/%Y"),
    }


def _safe(value):
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        return "'" + value if value.startswith(_FORMULA_START) else value
    if isinstance(value, Decimal):
        return float(value)
    return value


def build_xlsx(card: Scorecard) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Chấm điểm")[:31]
    sheet.append([_("Bảng chấm điểm đơn vị — %(period)s") % {"period": card.period.label}])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([formula_text(card)])
    sheet.append([])
    sheet.append(headings())
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in card.rows:
        sheet.append([_safe(v) for v in row_values(row)])
    widths = (6, 40, 10, 10, 10, 10, 12, 12, 10, 10, 10, 10)
    for letter, width in zip("ABCDEFGHIJKL", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A5"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build_docx(card: Scorecard) -> bytes:
    document = word.start(landscape=True)
    word.para(
        document,
        _("BẢNG CHẤM ĐIỂM ĐƠN VỊ").upper(),
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    word.para(document, card.period.label, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    word.para(document, formula_text(card), size=word.TABLE_PT, italic=True, after=6)
    table = word.RowTable(
        document, headings(), [12, 47, 17, 15, 17, 17, 20, 19, 17, 19, 18, 14], size=11
    )
    for row in card.rows:
        values = row_values(row)
        texts = [
            str(values[0]),
            values[1],
            *(str(v) for v in values[2:6]),
            percent(row.rate) if row.rate is not None else "",
            _number(row.quality),
            str(row.coordinated),
            str(row.explanations),
            str(row.explanations_late),
            _number(row.score),
        ]
        table.add(texts, centred=(0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))
    if not card.rows:
        word.para(document, _("Không có nhiệm vụ nào đến hạn trong kỳ."))
    return word.to_bytes(document)
