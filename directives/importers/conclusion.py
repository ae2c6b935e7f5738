"""Parse a conclusion (kết luận, thông báo kết luận) into its fields and numbered directives.

The text style is regular: an introduction, then numbered tasks `1.` … `N.`; a task may run over
several paragraphs; photo captions start with `Ảnh:`; a signature block in capitals ends it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from directives.text import normalise_spaces, shorten


class DocumentParseError(ValueError):
    """The text cannot be imported; the message is one clear line for the user."""


@dataclass
class ParsedDirective:
    number: str
    text: str

    @property
    def title(self) -> str:
        first_sentence = re.split(r"(?<=[.;:])\s", self.text, maxsplit=1)[0]
        return shorten(first_sentence.rstrip(".;:"), 120)


@dataclass
class ParsedDocument:
    source_text: str
    number: str = ""
    subject: str = ""
    issuer: str = ""
    signer: str = ""
    issue_date: date | None = None
    directives: list[ParsedDirective] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source_text.encode("utf-8")).hexdigest()


# Column sizes of Document (number, signer): parsed values never exceed them.
NUMBER_MAX_LENGTH = 60
SIGNER_MAX_LENGTH = 200

_ITEM = re.compile(r"^(\d{1,2})[.)]\s+(\S.*)$")
_CAPTION = re.compile(r"^Ảnh\s*:", re.IGNORECASE)
_DATE = re.compile(r"ngày\s+(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", re.IGNORECASE)
_NUMBER = re.compile(r"\bSố\s*:?\s*([0-9]+[-/][\w/.-]+)", re.IGNORECASE)
_ISSUER = re.compile(
    r"\b(Ban Thường vụ Tỉnh ủy|Ban Chấp hành Đảng bộ tỉnh|Tỉnh ủy|Ủy ban nhân dân tỉnh"
    r"|UBND tỉnh|Hội đồng nhân dân tỉnh)\b"
)
_SIGNER = re.compile(
    r"đồng chí\s+([^,;:.]{3,80}?),\s*((?:Phó\s+)?(?:Bí thư|Chủ tịch)[^,.;:]*?)\s+"
    r"(?:yêu cầu|đề nghị|kết luận|chỉ đạo)"
)


def _is_signature(paragraph: str) -> bool:
    """A short line in capitals (BAN BIÊN TẬP, TL. BAN THƯỜNG VỤ…) closes the document."""
    letters = [ch for ch in paragraph if ch.isalpha()]
    return bool(letters) and len(paragraph.split()) <= 8 and all(ch.isupper() for ch in letters)


def decode(data: bytes) -> str:
    """Decode uploaded bytes as UTF-8 text, refusing binary content with a clear message."""
    if b"\x00" in data:
        raise DocumentParseError(_("Tệp không phải văn bản (có dữ liệu nhị phân)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentParseError(
            _("Tệp không phải văn bản UTF-8 (lỗi ở byte %(pos)d).") % {"pos": error.start}
        ) from error


def parse_conclusion(raw: str) -> ParsedDocument:
    """Split a conclusion's text into document fields and its numbered directives.

    Numbering must start at 1 and go up by one; paragraphs after an item belong to it until the
    next item, a caption or the signature.
    """
    if "\x00" in raw:
        # PostgreSQL cannot store it; a pasted text with NUL is damaged anyway.
        raise DocumentParseError(_("Văn bản có ký tự không hợp lệ (NUL)."))
    text = normalise_spaces(raw)
    if not text.strip():
        raise DocumentParseError(_("Văn bản trống."))
    paragraphs = [p for p in text.split("\n") if p.strip()]
    parsed = ParsedDocument(source_text=text.strip())
    current: list[str] | None = None
    expected = 1
    items: list[tuple[str, list[str]]] = []
    intro: list[str] = []
    for paragraph in paragraphs:
        if _CAPTION.match(paragraph):
            continue
        if _is_signature(paragraph):
            break
        match = _ITEM.match(paragraph)
        if match and int(match.group(1)) == expected:
            current = [match.group(2)]
            items.append((match.group(1), current))
            expected += 1
        elif current is not None:
            current.append(paragraph)
        else:
            intro.append(paragraph)
    if not items:
        raise DocumentParseError(
            _("Không tìm thấy nhiệm vụ được đánh số (1., 2., …) trong văn bản.")
        )
    parsed.directives = [ParsedDirective(num, "\n\n".join(parts)) for num, parts in items]
    _read_fields(parsed, "\n".join(intro))
    return parsed


def _read_fields(parsed: ParsedDocument, intro: str) -> None:
    if match := _DATE.search(intro):
        day, month, year = (int(g) for g in match.groups())
        try:
            parsed.issue_date = date(year, month, day)
        except ValueError:
            parsed.issue_date = None
    # A "number" longer than the column is not a document number (seen in hostile input).
    if (match := _NUMBER.search(intro)) and len(match.group(1)) <= NUMBER_MAX_LENGTH:
        parsed.number = match.group(1)
    if match := _ISSUER.search(intro):
        parsed.issuer = match.group(1)
    if match := _SIGNER.search(intro):
        # Keep the capitalised words before the title: "đồng chí đồng chí Nguyễn Tiến Hải".
        words = match.group(1).split()
        name: list[str] = []
        for word in reversed(words):
            if not word[0].isupper():
                break
            name.insert(0, word)
        if name:
            parsed.signer = shorten(f"{' '.join(name)}, {match.group(2)}", SIGNER_MAX_LENGTH)
    first = intro.split("\n", 1)[0] if intro else ""
    parsed.subject = shorten(first, 300) if first else _("Kết luận")
