"""Which form a report takes, and what its header says.

A document issued by a Party body (Tỉnh ủy, its Ban Thường vụ, a huyện ủy, đảng ủy, their boards
and offices) is answered in the Party's form (Hướng dẫn 36-HD/VPTW): "ĐẢNG CỘNG SẢN VIỆT NAM" on
the right, the committee and the issuing body on the left over a star, numbers like
"Số 125-BC/TU". Any other body — UBND, a sở, HĐND — writes in the State's form (Nghị định
30/2020/NĐ-CP): "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc" and
"Số: 412/BC-UBND".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from directives.models import Document, UnitKind

PARTY = "party"
STATE = "state"

# A Party committee's name, as it opens or closes the issuing body's name.
_COMMITTEE = re.compile(r"(tỉnh ủy|thành ủy|huyện ủy|thị ủy|quận ủy|đảng ủy|đảng bộ)", re.I)
_PARTY_WORDS = re.compile(
    r"(tỉnh ủy|thành ủy|huyện ủy|thị ủy|quận ủy|đảng ủy|đảng bộ|đảng đoàn|ban cán sự đảng|"
    r"chi bộ|ban chấp hành đảng)",
    re.I,
)
_PARTY_KINDS = {UnitKind.PARTY_BOARD, UnitKind.PARTY_GROUP, UnitKind.PARTY_COMMITTEE}
# The committee's symbol after the slash of a Party number ("125-BC/TU").
_PARTY_SYMBOLS = {
    "tỉnh ủy": "TU",
    "thành ủy": "ThU",
    "huyện ủy": "HU",
    "thị ủy": "TU",
    "quận ủy": "QU",
    "đảng ủy": "ĐU",
}
_STATE_SYMBOLS = [
    ("ủy ban nhân dân", "UBND"),
    ("ubnd", "UBND"),
    ("hội đồng nhân dân", "HĐND"),
    ("hđnd", "HĐND"),
]


def _norm(text: str) -> str:
    # "Ủy" and "Uỷ" are both written; NFC and one placement of the tone mark make them match.
    text = unicodedata.normalize("NFC", text or "")
    return text.replace("uỷ", "ủy").replace("Uỷ", "Ủy").replace("UỶ", "ỦY")


def issuing_body(document: Document) -> str:
    """The body that issued the document: its issuer as written, else its issuing unit."""
    if document.issuer.strip():
        return _norm(document.issuer.strip())
    return _norm(document.issuing_unit.name) if document.issuing_unit else ""


def form_of(document: Document) -> str:
    """PARTY or STATE, from the issuing body's name (or, without one, its unit's kind)."""
    body = issuing_body(document)
    if _PARTY_WORDS.search(body):
        return PARTY
    unit = document.issuing_unit
    if not document.issuer.strip() and unit is not None and unit.kind in _PARTY_KINDS:
        return PARTY
    # A Party-style number ("09-NQ/TU") is the last hint when the name says nothing.
    if not body and re.search(r"^\d+-[A-ZĐ]+/", document.number or ""):
        return PARTY
    return STATE


@dataclass
class Letterhead:
    """What the top of the first page says, left and right, and the number to fill in."""

    form: str
    upper: str  # the body above the issuer (left, first line), may be empty
    issuer: str  # the issuing body (left, bold)
    number: str  # "Số     -BC/TU" or "Số:     /BC-UBND", the number left blank
    national: str  # right, first line
    motto: str  # right, second line (State form only)
    place: str
    signing_as: str  # first line of the signature block: "T/M BAN THƯỜNG VỤ", "TM. ỦY BAN NHÂN DÂN"

    @property
    def is_party(self) -> bool:
        return self.form == PARTY

    def date_line(self, year: int) -> str:
        """ "Cà Mau, ngày    tháng    năm 2026": day and month left for the office."""
        return _("%(place)s, ngày     tháng     năm %(year)d") % {
            "place": self.place,
            "year": year,
        }


_PLACE_TAIL = re.compile(r"\s+(tỉnh|huyện|thành phố|thị xã|quận|xã|phường)\b.*$", re.I)


def _without_place(name: str) -> str:
    """ "Ủy ban nhân dân tỉnh Cà Mau" → "Ủy ban nhân dân"; "Tỉnh ủy Cà Mau" → "Tỉnh ủy"."""
    match = _COMMITTEE.match(name)
    if match:
        return match.group(1)
    return _PLACE_TAIL.sub("", name)


def _party_parts(body: str) -> tuple[str, str, str]:
    """(upper line, issuer line, symbol) of a Party body: "Ban Tuyên giáo Tỉnh ủy Cà Mau" is
    the board under "TỈNH ỦY CÀ MAU"; "Ban Thường vụ Tỉnh ủy Cà Mau" signs as the committee."""
    match = _COMMITTEE.search(body)
    if match is None:
        return "", body.upper(), "…"
    committee = body[match.start() :]
    symbol = _PARTY_SYMBOLS.get(match.group(1).lower(), "…")
    before = body[: match.start()].strip()
    if not before or re.match(r"^(ban thường vụ|ban chấp hành|thường trực)\b", before, re.I):
        return "", committee.upper(), symbol
    return committee.upper(), before.upper(), symbol


def _state_symbol(body: str) -> str:
    low = body.lower()
    for words, symbol in _STATE_SYMBOLS:
        if words in low:
            return symbol
    return "…"


def letterhead(document: Document, kind: str = "BC") -> Letterhead:
    """The header of a report (kind "BC") or a letter (kind "CV") answering `document`."""
    form = form_of(document)
    body = issuing_body(document)
    place = settings.TRACKER_PLACE
    if form == PARTY:
        upper, issuer, symbol = _party_parts(body)
        # A symbol already in the document's own number ("09-NQ/TU") is the right one.
        if "/" in (document.number or "") and "-" in document.number.split("/")[0]:
            symbol = document.number.rsplit("/", 1)[1].strip() or symbol
        match = _COMMITTEE.search(body)
        signer = body[: match.start()].strip() if match and match.start() else body
        return Letterhead(
            form=form,
            upper=upper,
            issuer=issuer,
            number=_("Số        -%(kind)s/%(symbol)s") % {"kind": kind, "symbol": symbol},
            national=_("ĐẢNG CỘNG SẢN VIỆT NAM"),
            motto="",
            place=place,
            signing_as=_("T/M %(body)s") % {"body": _without_place(signer).upper()},
        )
    unit = document.issuing_unit
    parent = unit.parent if unit is not None else None
    upper = ""
    if parent is not None and parent.kind in {UnitKind.COMMITTEE, UnitKind.COUNCIL}:
        upper = _norm(parent.name).upper()
    symbol = _state_symbol(body)
    if "/" in (document.number or "") and "-" in document.number.rsplit("/", 1)[1]:
        symbol = document.number.rsplit("-", 1)[1].strip() or symbol
    return Letterhead(
        form=form,
        upper=upper,
        issuer=body.upper(),
        number=_("Số:        /%(kind)s-%(symbol)s") % {"kind": kind, "symbol": symbol},
        national=_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        motto=_("Độc lập - Tự do - Hạnh phúc"),
        place=place,
        signing_as=_("TM. %(body)s") % {"body": _without_place(body).upper()},
    )


def report_recipients(document: Document) -> list[str]:
    """ "Nơi nhận" of a report: the issuing body it reports to, the lead units, the file."""
    return [
        _("- %(body)s (để báo cáo);") % {"body": issuing_body(document)},
        _("- Các đơn vị chủ trì (để thực hiện);"),
        _("- Lưu: Văn phòng."),
    ]
