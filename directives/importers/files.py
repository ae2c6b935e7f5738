"""Uploaded files → text: .txt (UTF-8), .docx (python-docx) and text-based .pdf (pypdf).

Every refusal is a DocumentParseError with one clear Vietnamese line; nothing here writes.
"""

from __future__ import annotations

import io
import zipfile

from django.utils.translation import gettext as _

from directives.importers.conclusion import DocumentParseError, check_size, decode

# A .docx is a zip: refuse one that unpacks to more than this before reading it (zip bombs).
MAX_UNPACKED_BYTES = 50_000_000
ACCEPTED = (".txt", ".docx", ".pdf")


def read_upload(name: str, data: bytes) -> str:
    """The text of an uploaded file, chosen by its extension."""
    check_size(len(data))
    lower = name.lower()
    if lower.endswith(".docx"):
        text = _docx_text(data)
    elif lower.endswith(".pdf"):
        text = _pdf_text(data)
    elif lower.endswith(".txt") or "." not in lower.rsplit("/", 1)[-1]:
        text = decode(data)
    else:
        raise DocumentParseError(_("Chỉ nhận tệp .txt, .docx hoặc .pdf."))
    check_size(len(text.encode("utf-8")))
    return text


def _docx_text(data: bytes) -> str:
    not_word = _("Tệp .docx không hợp lệ: không phải tài liệu Word.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocumentParseError(not_word) from None
    with archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names or "[Content_Types].xml" not in names:
            raise DocumentParseError(not_word)
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise DocumentParseError(_("Tệp .docx quá lớn khi giải nén."))
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several kinds for a broken package
        raise DocumentParseError(not_word) from error
    text, breaks, tab = qn("w:t"), {qn("w:br"), qn("w:cr")}, qn("w:tab")

    def paragraph_text(paragraph) -> str:
        parts = []
        for node in paragraph.iter(text, tab, *breaks):
            parts.append(node.text or "" if node.tag == text else " " if node.tag == tab else "\n")
        return "".join(parts)

    lines: list[str] = []
    # Body order, tables included: letterheads usually sit in a two-column table.
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            lines.append(paragraph_text(element))
        elif element.tag == qn("w:tbl"):
            lines.extend(paragraph_text(p) for p in element.iter(qn("w:p")))
    return "\n".join(lines)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentParseError(_("Tệp PDF có mật khẩu; hãy gửi bản không khóa."))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except DocumentParseError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise DocumentParseError(_("Tệp PDF không đọc được (hỏng hoặc không phải PDF).")) from error
    if not text.strip():
        raise DocumentParseError(
            _("Tệp PDF không có lớp chữ (có thể là bản chụp); hãy dán toàn văn vào ô văn bản.")
        )
    return text
