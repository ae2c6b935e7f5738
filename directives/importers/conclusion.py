"""Parse a conclusion (kết luận, thông báo kết luận) into its fields and numbered directives.

Texts come in a few regular styles, and one parser serves the review page and the command:

* items numbered ``1.`` or ``1)``; lettered ``a)`` when a text has no numbers; ``-`` bullets when
  it has neither (bullets and letters inside a numbered item stay part of that item);
* Roman sections ``I.`` ``II.`` with numbered items inside (numbered ``II.1`` when the numbering
  restarts in each section); a section without items is one directive; a section that only
  assesses ("Tình hình…", "Kết quả…", "Đánh giá…") is left out when other sections hold tasks;
* an item runs over every paragraph until the next item; photo captions (``Ảnh:``) are dropped;
  the signature block (a short line in capitals) or "Nơi nhận:" ends the directives.

Document fields: number/symbol (``42/2014/QĐ-TTg``, ``09-NQ/TU``, "Số: 123/TB-VPCP"), issue date
("Cà Mau, ngày 05 tháng 3 năm 2021" or the first DD/MM/YYYY), issuer (letterhead or the opening
sentence) and signer (the concluding leader named in the text, else the signature block).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from directives.importers.units import canon
from directives.text import fold, normalise_spaces, shorten

# Far above any real conclusion (a 100-page text is about 300 kB) and below Django's 2.5 MB limit
# on form fields, so a pasted text that passes here also passes the form.
MAX_TEXT_BYTES = 1_000_000


class DocumentParseError(ValueError):
    """The text cannot be imported; the message is one clear line for the user."""


@dataclass
class ParsedDirective:
    number: str
    text: str
    section: str = ""
    custom_title: str = ""  # set when an admin corrects the title during review
    proposed_title: str = ""  # the task's head phrase, when the proposals found who does it

    @property
    def title(self) -> str:
        if self.custom_title:
            return shorten(self.custom_title, 300)
        if self.proposed_title:
            return self.proposed_title
        # A short first paragraph is the item's own heading ("1. Về chăm lo an sinh xã hội").
        first_paragraph = self.text.split("\n\n", 1)[0]
        first_sentence = re.split(r"(?<=[.;:])\s", first_paragraph, maxsplit=1)[0]
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
    letterhead: list[str] = field(default_factory=list)  # lines in capitals above the title
    signature: list[str] = field(default_factory=list)  # the signature block's lines

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source_text.encode("utf-8")).hexdigest()


_CAPTION = re.compile(r"^Ảnh\s*:", re.IGNORECASE)
_ROMAN = re.compile(r"^(?P<num>[IVX]{1,5})[.)]\s+(?P<rest>\S.*)$")
_NUMBERED = re.compile(r"^(?P<num>\d{1,2})[.)]\s+(?P<rest>\S.*)$")
_LETTERED = re.compile(r"^(?P<num>[a-zđ])\)\s+(?P<rest>\S.*)$")
_BULLET = re.compile(r"^[-–—•+*]\s+(?P<rest>\S.*)$")
_RECIPIENTS = re.compile(r"^Nơi nhận\s*:", re.IGNORECASE)
_ASSESSMENT = re.compile(
    r"^(?:mot so |nhung )?(?:tinh hinh|ket qua|danh gia|uu diem|han che|boi canh|khai quat)"
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}

_DATE_LONG = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE = re.compile(r"ngày\s+(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", re.IGNORECASE)
_PLACE_DATE = re.compile(r"^[^\d,]{2,40},\s*ngày\s", re.IGNORECASE)
_NUMBER = re.compile(r"\bSố\s*:?\s*([0-9]+[-/][\w/.-]*\w)", re.IGNORECASE)
_ISSUER = re.compile(
    r"\b(Ban Thường vụ Tỉnh ủy|Ban Chấp hành Đảng bộ tỉnh|Thường trực Tỉnh ủy|Tỉnh ủy"
    r"|Văn phòng Ủy ban nhân dân tỉnh|Văn phòng UBND tỉnh|Ủy ban nhân dân tỉnh|UBND tỉnh"
    r"|Hội đồng nhân dân tỉnh|Văn phòng Tỉnh ủy)\b"
)
_SIGNER = re.compile(
    r"(?i:đồng chí)\s+([^,;:.]{3,80}?),\s*((?:Phó\s+)?(?:Bí thư|Chủ tịch)[^.;:]{0,80}?)\s+"
    r"(?:yêu cầu|đề nghị|kết luận|chỉ đạo|như sau)"
)
_SIGNER_OF = re.compile(
    r"kết luận của đồng chí\s+([^,;:.]{3,80}?),\s*((?:Phó\s+)?(?:Bí thư|Chủ tịch)[^,.;:]*?)"
    r"\s+(?:tại|về|như|trong)"
)

# Issuers as letterheads write them (canonical words) → how the field shows them.
ISSUERS: tuple[tuple[str, str], ...] = (
    ("van phong uy ban nhan dan tinh", "Văn phòng Ủy ban nhân dân tỉnh"),
    ("van phong tinh uy", "Văn phòng Tỉnh ủy"),
    ("van phong chinh phu", "Văn phòng Chính phủ"),
    ("ban thuong vu tinh uy", "Ban Thường vụ Tỉnh ủy"),
    ("thuong truc tinh uy", "Thường trực Tỉnh ủy"),
    ("uy ban nhan dan tinh", "Ủy ban nhân dân tỉnh"),
    ("hoi dong nhan dan tinh", "Hội đồng nhân dân tỉnh"),
    ("thu tuong chinh phu", "Thủ tướng Chính phủ"),
    ("tinh uy", "Tỉnh ủy"),
)
# Letterhead lines that are not the issuer.
_NOT_ISSUER = re.compile(
    r"^(cong hoa|doc lap|dang cong san|thong bao|ket luan|nghi quyet|chi thi|quyet dinh"
    r"|cong van|\W*$)"
)
_KINDS = ("thong bao", "ket luan", "nghi quyet", "chi thi", "quyet dinh", "cong van")
# Titles in a signature block (folded) → how they are written in running text.
_TITLES = {
    "bi thu": "Bí thư",
    "pho bi thu": "Phó Bí thư",
    "pho bi thu thuong truc": "Phó Bí thư Thường trực",
    "chu tich": "Chủ tịch",
    "pho chu tich": "Phó Chủ tịch",
    "chanh van phong": "Chánh Văn phòng",
    "pho chanh van phong": "Phó Chánh Văn phòng",
    "thu tuong": "Thủ tướng",
    "pho thu tuong": "Phó Thủ tướng",
    "bo truong, chu nhiem": "Bộ trưởng, Chủ nhiệm",
}
_TITLE_BEFORE = re.compile(r"(?:Chủ tịch|Bí thư|Trưởng|Ủy viên|Chánh Văn phòng)\s+$")
_SIGNING_FOR = re.compile(r"^(?:t/?m|kt|t/?l|tuq|q)\.?\s", re.IGNORECASE)


# Column sizes of Document (number, signer): parsed values never exceed them.
NUMBER_MAX_LENGTH = 60
SIGNER_MAX_LENGTH = 200


def _is_capitals(paragraph: str, max_words: int = 8) -> bool:
    letters = [ch for ch in paragraph if ch.isalpha()]
    return (
        bool(letters)
        and len(paragraph.split()) <= max_words
        and all(ch.isupper() for ch in letters)
    )


def _is_signature(paragraph: str) -> bool:
    """A short line in capitals (BAN BIÊN TẬP, TL. BAN THƯỜNG VỤ…) closes the directives."""
    return _is_capitals(paragraph)


def _roman_value(numeral: str) -> int:
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        following = _ROMAN_VALUES[numeral[i + 1]] if i + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def decode(data: bytes) -> str:
    """Decode uploaded bytes as UTF-8 text, refusing binary or oversized content clearly."""
    check_size(len(data))
    if b"\x00" in data:
        raise DocumentParseError(_("Tệp không phải văn bản (có dữ liệu nhị phân)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentParseError(
            _("Tệp không phải văn bản UTF-8 (lỗi ở byte %(pos)d).") % {"pos": error.start}
        ) from error


def check_size(size: int) -> None:
    """Refuse anything larger than MAX_TEXT_BYTES with its size in the message."""
    if size > MAX_TEXT_BYTES:
        raise DocumentParseError(
            _("Văn bản quá lớn (%(size).1f MB); giới hạn là %(limit).0f MB.")
            % {"size": size / 1_000_000, "limit": MAX_TEXT_BYTES / 1_000_000}
        )


@dataclass
class _Item:
    number: str
    paragraphs: list[str]
    section: str = ""
    section_key: str = ""


@dataclass
class _Section:
    numeral: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)


def parse_conclusion(raw: str) -> ParsedDocument:
    """Split a conclusion's text into document fields and its numbered directives.

    Raises DocumentParseError (one clear line) for empty, oversized or item-less text.
    """
    check_size(len(raw.encode("utf-8", errors="replace")))
    if "\x00" in raw:
        # PostgreSQL cannot store it; a pasted text with NUL is damaged anyway.
        raise DocumentParseError(_("Văn bản có ký tự không hợp lệ (NUL)."))
    text = normalise_spaces(raw)
    if not text.strip():
        raise DocumentParseError(_("Văn bản trống."))
    paragraphs = [p for p in text.split("\n") if p.strip() and not _CAPTION.match(p)]
    paragraphs = _ordinals_as_numbers(paragraphs)
    parsed = ParsedDocument(source_text=text.strip())
    style = _item_style(paragraphs)
    has_sections = any((m := _ROMAN.match(p)) and m["num"] == "I" for p in paragraphs)
    intro: list[str] = []
    tail: list[str] = []
    sections: list[_Section] = []
    items: list[_Item] = []
    current: list[str] | None = None
    started = False
    expected_section, expected = 1, 1
    expected: int | str
    if style == "letter":
        expected = "a"
    for index, paragraph in enumerate(paragraphs):
        # A Roman heading is often in capitals too: it is checked before the signature.
        roman = _ROMAN.match(paragraph) if has_sections else None
        if roman and _roman_value(roman["num"]) == expected_section:
            sections.append(_Section(roman["num"], roman["rest"]))
            expected_section += 1
            current, started = sections[-1].paragraphs, True
            continue
        if started and (_RECIPIENTS.match(paragraph) or _is_signature(paragraph)):
            tail = paragraphs[index:]
            break
        number = _next_item(style, paragraph, expected, bool(sections))
        if number is not None:
            match = _PATTERNS[style].match(paragraph)
            expected = _following(style, number)
            current = [match["rest"]]
            section = sections[-1] if sections else None
            item = _Item(
                number,
                current,
                section.heading if section else "",
                section.numeral if section else "",
            )
            (section.items if section else items).append(item)
            started = True
        elif current is not None:
            current.append(paragraph)
        else:
            intro.append(paragraph)
    directives = _collect(items, sections, intro)
    if not directives:
        raise DocumentParseError(
            _("Không tìm thấy nhiệm vụ được đánh số (1., 2., …) trong văn bản.")
        )
    parsed.directives = directives
    _read_fields(parsed, intro, tail)
    return parsed


_PATTERNS = {"number": _NUMBERED, "letter": _LETTERED, "bullet": _BULLET}

# Items written out in words: "Thứ nhất, …", "Thứ hai, …" or "Một là, …", "Hai là, …".
_ORDINAL_WORDS = (
    "nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi",
    "mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi",
)
_ORDINAL = (
    re.compile(rf"^thu (?P<word>{_ORDINAL_WORDS[0]})\s*[,:.]\s+"),
    re.compile(rf"^(?P<word>{_ORDINAL_WORDS[1]}) la\s*[,:.]\s+"),
)


def _ordinals_as_numbers(paragraphs: list[str]) -> list[str]:
    """ "Thứ nhất, A…" → "1. A…" when the items are written out in words and nothing is numbered,
    so the numbered style reads them; the item's text starts at its first word after the comma."""
    if any(_NUMBERED.match(p) for p in paragraphs):
        return paragraphs
    for pattern, words in zip(_ORDINAL, _ORDINAL_WORDS, strict=True):
        order = words.split("|")
        out, expected = [], 0
        for paragraph in paragraphs:
            paragraph = paragraph.strip()
            match = pattern.match(fold(paragraph))
            if match and order.index(match["word"]) == expected:
                expected += 1
                rest = paragraph[len(match.group()) :]
                out.append(f"{expected}. {rest[:1].upper()}{rest[1:]}")
            else:
                out.append(paragraph)
        if expected >= 2:
            return out
    return paragraphs


def _item_style(paragraphs: list[str]) -> str:
    if any((m := _NUMBERED.match(p)) and m["num"] == "1" for p in paragraphs):
        return "number"
    if any((m := _LETTERED.match(p)) and m["num"] == "a" for p in paragraphs):
        return "letter"
    return "bullet"


def _next_item(style: str, paragraph: str, expected: int | str, in_section: bool) -> str | None:
    """The item's number when ``paragraph`` opens the next item, else None."""
    match = _PATTERNS[style].match(paragraph)
    if not match:
        return None
    if style == "bullet":
        return str(expected)
    if style == "letter":
        return match["num"] if match["num"] == expected else None
    value = int(match["num"])
    # Inside Roman sections numbering may restart at 1 or run on across sections.
    if value == expected or (in_section and value == 1):
        return match["num"]
    return None


def _following(style: str, number: str) -> int | str:
    if style == "letter":
        letters = "abcdđeghiklmnopqrstuvxy"
        position = letters.index(number) if number in letters else len(letters) - 1
        return letters[min(position + 1, len(letters) - 1)]
    return int(number) + 1


def _collect(
    items: list[_Item], sections: list[_Section], intro: list[str]
) -> list[ParsedDirective]:
    if not sections:
        return [ParsedDirective(i.number, "\n\n".join(i.paragraphs)) for i in items]
    tasks = [s for s in sections if not _ASSESSMENT.match(fold(s.heading))]
    kept = tasks or sections
    for section in sections:
        if section not in kept:
            intro.extend([section.heading, *section.paragraphs])
    numbered = [i for s in kept for i in s.items]
    restart = len({i.number for i in numbered}) < len(numbered)
    directives: list[ParsedDirective] = []
    for section in kept:
        if not section.items:
            text = "\n\n".join([section.heading, *section.paragraphs])
            directives.append(ParsedDirective(section.numeral, text, section.heading))
            continue
        for item in section.items:
            number = f"{section.numeral}.{item.number}" if restart else item.number
            directives.append(
                ParsedDirective(number, "\n\n".join(item.paragraphs), section.heading)
            )
    return directives


def _read_fields(parsed: ParsedDocument, intro: list[str], tail: list[str]) -> None:
    joined = "\n".join(intro)
    parsed.issue_date = _issue_date(intro)
    if match := _NUMBER.search(joined):
        parsed.number = match.group(1)[:NUMBER_MAX_LENGTH]
    parsed.issuer = _issuer(intro)
    parsed.letterhead = [
        line
        for line in _letterhead(intro)
        if not _NOT_ISSUER.match(fold(line)) and line.strip() not in {"*", "---", "-----"}
    ]
    parsed.signature = [line for line in tail if _is_capitals(line, 12)]
    parsed.signer = (_signer(joined) or _signature_block(tail))[:SIGNER_MAX_LENGTH]
    parsed.subject = _subject(intro)


def _make_date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _issue_date(intro: list[str]) -> date | None:
    # The "Cà Mau, ngày 05 tháng 3 năm 2021" line under the letterhead is the issue date; the
    # narrative's first date (the meeting) is the fallback.
    for line in intro:
        if _PLACE_DATE.match(line):
            match = _DATE_LONG.search(line) or _DATE.search(line)
            if match:
                return _make_date(*match.groups())
    joined = "\n".join(intro)
    found = [m for m in (_DATE.search(joined), _DATE_LONG.search(joined)) if m]
    if found:
        return _make_date(*min(found, key=lambda m: m.start()).groups())
    return None


def _letterhead(intro: list[str]) -> list[str]:
    head: list[str] = []
    for line in intro[:12]:
        if _is_capitals(line, 12) or line.strip() in {"*", "---", "-----"}:
            head.append(line)
        elif _NUMBER.match(line) or _PLACE_DATE.match(line) or fold(line).startswith("doc lap"):
            continue
        else:
            break
    return head


def _issuer(intro: list[str]) -> str:
    head = [line for line in _letterhead(intro) if not _NOT_ISSUER.match(fold(line))]
    words = canon(" ".join(head))
    for key, shown in ISSUERS:
        if key in words:
            if words.endswith("van phong") and not shown.startswith("Văn phòng"):
                return f"Văn phòng {shown}"
            return shown
    narrative = "\n".join(line for line in intro if line not in head)
    for match in _ISSUER.finditer(narrative):
        # "Phó Chủ tịch UBND tỉnh" names a person's title, not who issues the text.
        if _TITLE_BEFORE.search(narrative[max(0, match.start() - 20) : match.start()]):
            continue
        found = match.group(1)
        return dict(ISSUERS).get(canon(found), found)
    return ""


def _signer(intro: str) -> str:
    for pattern in (_SIGNER_OF, _SIGNER):
        if match := pattern.search(intro):
            # Keep the capitalised words before the title: "đồng chí đồng chí Nguyễn Tiến Hải".
            name: list[str] = []
            for word in reversed(match.group(1).split()):
                if not word[0].isupper():
                    break
                name.insert(0, word)
            if name:
                return f"{' '.join(name)}, {match.group(2)}"
    return ""


def _is_person(line: str) -> bool:
    words = line.split()
    return (
        2 <= len(words) <= 5
        and all(w[0].isupper() and w[1:].islower() for w in words if w.isalpha())
        and all(w.isalpha() for w in words)
    )


def _signature_block(tail: list[str]) -> str:
    title = ""
    for line in tail:
        if _is_capitals(line) and not _SIGNING_FOR.match(line) and "ĐÃ KÝ" not in line:
            title = line
        elif _is_person(line):
            folded = fold(title)
            shown = _TITLES.get(folded, title[:1] + title[1:].lower())
            return f"{line}, {shown}" if shown else line
    return ""


def _subject(intro: list[str]) -> str:
    # "THÔNG BÁO" / "KẾT LUẬN" under the letterhead, then the line that says what about.
    for i, line in enumerate(intro[:15]):
        if fold(line) in _KINDS and i + 1 < len(intro):
            about = intro[i + 1]
            first = about.split()[0]
            if len(first) == 1 or first[1:].islower():
                about = about[0].lower() + about[1:]
            return shorten(f"{line[:1]}{line[1:].lower()} {about}", 300)
    head = _letterhead(intro)
    body = [line for line in intro if line not in head and not _PLACE_DATE.match(line)]
    body = [line for line in body if not _NUMBER.match(line)]
    return shorten(body[0], 300) if body else _("Kết luận")
