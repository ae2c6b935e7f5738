"""Word documents in the prescribed forms, built with python-docx.

The layout is code rather than a template: rows of ten thousand assignments are copied from one
prepared table row at the XML level (python-docx's own `add_row` and `cells` slow down as a table
grows), and every word goes through gettext, so the English interface gets an English report.
An office that wants another wording edits the translation, not a template.

Times New Roman throughout: 14 pt for the body (Nghị định 30/2020/NĐ-CP allows 13–14,
Hướng dẫn 36-HD/VPTW asks for 14), 12 pt inside tables; A4 portrait with 20 mm top and bottom,
30 mm left and 15 mm right; page numbers centred at the top from the second page.
"""

from __future__ import annotations

import copy
import io

from django.utils.translation import gettext as _
from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from directives.reports.forms import Letterhead

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
CONTENT_MM = 210 - 30 - 15  # A4 width less the left and right margins


def start(*, landscape: bool = False):
    """An empty A4 document with the prescribed font, margins and page numbers."""
    document = new_document()
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    # The page number, centred at the top, from the second page on (the first carries none).
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(number, "PAGE")
    return document


def _field(paragraph, code: str) -> None:
    run = paragraph.add_run()
    for kind, text in (
        ("begin", None),
        (None, code),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def para(
    container,
    text: str = "",
    *,
    size: int = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align=WD_ALIGN_PARAGRAPH.LEFT,
    indent_mm: float = 0,
    before: int = 0,
    after: int = 0,
    line: float = 1.0,
):
    """One paragraph of one run."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), line
    if indent_mm:
        fmt.first_line_indent = Mm(indent_mm)
    if text:
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold, run.italic, run.underline = bold, italic, underline
    return paragraph


def _borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _cell(table, row: int, col: int):
    cell = table.cell(row, col)
    # A new cell has one empty paragraph; the first `para` reuses it rather than leave a gap.
    first = cell.paragraphs[0]
    first._p.getparent().remove(first._p)
    return cell


def two_columns(document, left_mm: float):
    """A borderless two-column table (header, Nơi nhận and signature)."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borderless(table)
    widths = [Mm(left_mm), Mm(CONTENT_MM - left_mm)]
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for col, width in enumerate(widths):
        table.columns[col].width = width
        table.cell(0, col).width = width
    return _cell(table, 0, 0), _cell(table, 0, 1)


def letterhead(document, head: Letterhead, year: int, *, about: str = "") -> None:
    """The top of the first page in the Party's or the State's form."""
    centre = WD_ALIGN_PARAGRAPH.CENTER
    if head.is_party:
        # Hướng dẫn 36: the committee (upper case) and the issuing body (bold) over a star;
        # "ĐẢNG CỘNG SẢN VIỆT NAM" bold and underlined on the right, the date line below it.
        left, right = two_columns(document, 75)
        if head.upper:
            para(left, head.upper, align=centre)
        para(left, head.issuer, bold=True, align=centre)
        para(left, "*", align=centre)
        para(left, head.number, align=centre)
        if about:
            para(left, about, size=12, italic=True, align=centre)
        para(right, head.national, size=15, bold=True, underline=True, align=centre)
        para(right, "", size=BODY_PT)
        para(right, head.date_line(year), italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    else:
        # Nghị định 30: the body above (upper case) and the issuer (bold), a short rule, the
        # number; the national name and the motto (bold, underlined) on the right.
        left, right = two_columns(document, 65)
        if head.upper:
            para(left, head.upper, size=13, align=centre)
        para(left, head.issuer, size=13, bold=True, align=centre)
        para(left, "———", size=10, align=centre)
        para(left, head.number, size=13, align=centre)
        if about:
            para(left, about, size=12, align=centre)
        para(right, head.national, size=13, bold=True, align=centre)
        para(right, head.motto, size=14, bold=True, underline=True, align=centre)
        para(right, "", size=BODY_PT)
        para(right, head.date_line(year), italic=True, align=centre)


def closing(document, head: Letterhead, recipients: list[str]) -> None:
    """ "Nơi nhận" on the left and the signature block on the right, left blank to sign."""
    left, right = two_columns(document, 80)
    if head.is_party:
        para(left, _("Nơi nhận:"), underline=True, before=12)
        size = 12
    else:
        para(left, _("Nơi nhận:"), size=12, bold=True, italic=True, before=12)
        size = 11
    for line in recipients:
        para(left, line, size=size)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    para(right, head.signing_as, bold=True, align=centre, before=12)
    para(right, _("(chức vụ)"), bold=True, align=centre)
    para(right, _("(Ký, ghi rõ họ tên)"), italic=True, align=centre)
    for _blank in range(3):
        para(right, "", align=centre)
    para(right, "……………………………", align=centre)


# --- the big table ----------------------------------------------------------------------------
def _set_width(cell, mm: float) -> None:
    cell.width = Mm(mm)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _cant_split(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


class RowTable:
    """A bordered table whose rows are copied from prepared ones: ten thousand rows in seconds.

    `add(texts)` appends a line row; `add_band(text)` a row merged across the table (the
    directive the following lines belong to).
    """

    def __init__(self, document, headings: list[str], widths_mm: list[float], *, size=TABLE_PT):
        self.widths = widths_mm
        table = document.add_table(rows=3, cols=len(headings))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        self.table = table
        # Fixed widths: without the grid and a fixed layout, Word and LibreOffice share the
        # width out evenly whatever the cells say.
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        table._tbl.tblPr.append(layout)
        for col, width in enumerate(widths_mm):
            table.columns[col].width = Mm(width)
        head, line, band = table.rows
        for col, (heading, width) in enumerate(zip(headings, widths_mm, strict=True)):
            for row in (head, line, band):
                _set_width(row.cells[col], width)
            cell = head.cells[col]
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(heading)
            run.bold = True
            run.font.size = Pt(size)
            run = line.cells[col].paragraphs[0].add_run("")
            run.font.size = Pt(size)
        _repeat_header(head)
        _cant_split(line)
        merged = band.cells[0].merge(band.cells[-1])
        run = merged.paragraphs[0].add_run("")
        run.bold = True
        run.font.size = Pt(size)
        _cant_split(band)
        self._line = line._tr
        self._band = band._tr
        self._tbl = table._tbl
        self._tbl.remove(self._line)
        self._tbl.remove(self._band)
        self.rows = 0

    @staticmethod
    def _fill(tc, text: str) -> None:
        run = tc.find(qn("w:p")).find(qn("w:r"))
        for child in list(run):
            if child.tag != qn("w:rPr"):
                run.remove(child)
        for index, part in enumerate(text.split("\n")):
            if index:
                run.append(OxmlElement("w:br"))
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = part
            run.append(t)

    def add(self, texts: list[str], *, centred: tuple[int, ...] = ()) -> None:
        tr = copy.deepcopy(self._line)
        for col, (tc, text) in enumerate(zip(tr.iterchildren(qn("w:tc")), texts, strict=True)):
            self._fill(tc, text)
            if col in centred:
                paragraph = tc.find(qn("w:p"))
                properties = paragraph.find(qn("w:pPr"))
                if properties is None:
                    properties = OxmlElement("w:pPr")
                    paragraph.insert(0, properties)
                jc = OxmlElement("w:jc")
                jc.set(qn("w:val"), "center")
                properties.append(jc)
        self._tbl.append(tr)
        self.rows += 1

    def add_band(self, text: str) -> None:
        tr = copy.deepcopy(self._band)
        self._fill(next(tr.iterchildren(qn("w:tc"))), text)
        self._tbl.append(tr)


def to_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
