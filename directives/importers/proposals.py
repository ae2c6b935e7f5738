"""Propose assignments for each parsed directive: lead unit, coordinating units, deadline.

Conclusions say who does what in a few regular ways, and each is read here:

* "Giao Sở Y tế chủ trì, phối hợp với Sở Tài chính …", "Giao UBND các huyện, thành phố …";
* "Sở Y tế chủ trì, phối hợp với …"; the subject of a sentence: "Sở Tài chính khẩn trương …";
* "phối hợp với Y, Z và W …" gives the coordinating units; a subject followed by "phối hợp"
  ("Sở Tài chính, Công an tỉnh phối hợp thực hiện") coordinates the assignment before it.

A lead phrase naming several units ("UBND các huyện, thành phố") gives one proposed assignment per
unit, each for its own part, since an assignment has one lead unit. Names that match no known unit
are kept as *unknown names* for the admin to map to a unit or create.

Deadlines are read from the directive's own words: the calendar's phrases ("trước Tết Nguyên đán
Tân Sửu", "trong quý I/2021", "trong 10 ngày làm việc", "trước <sự kiện>") plus "trước ngày
DD/MM/YYYY" and "chậm nhất (là) ngày …". "Khẩn trương" and "thường xuyên" name no date: the
proposal carries no date and is *flagged* so the admin sets one or leaves it open.

Every proposal keeps the phrase it came from. No HTTP and no writes here.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field

from directives.calendar import DeadlinePhraseError, resolve_deadline
from directives.importers.conclusion import ParsedDirective, ParsedDocument
from directives.importers.units import (
    EXACT,
    Mention,
    Placement,
    UnitIndex,
    UnitRef,
    canon,
    fold_with_map,
    head_size,
    level_of_name,
    starts_with_head,
)
from directives.text import shorten

URGENT_BASIS = "Khẩn trương (văn bản không nêu ngày)"
ONGOING_BASIS = "Thường xuyên (văn bản không nêu ngày)"


@dataclass(frozen=True)
class ProposedDeadline:
    date: dt.date | None
    basis: str
    phrase: str
    flagged: bool = False


@dataclass
class ProposedAssignment:
    lead: UnitRef | None = None
    lead_name: str = ""  # the words that named the lead (an unknown name when lead is None)
    coordinating: list[UnitRef] = field(default_factory=list)
    unknown_coordinating: list[str] = field(default_factory=list)
    deadline: ProposedDeadline | None = None
    source: str = ""  # the sentence the lead was read from
    lead_confidence: str = ""  # exact, alias, relative or fuzzy (units.EXACT …)
    confidence: dict[int, str] = field(default_factory=dict)  # coordinating unit pk → confidence
    phrases: dict[int, str] = field(default_factory=dict)  # coordinating unit pk → its words
    unknown_levels: dict[str, str] = field(default_factory=dict)  # unknown name → level it needs
    other_deadlines: list[ProposedDeadline] = field(default_factory=list)  # later in the text

    @property
    def lead_unknown(self) -> bool:
        return self.lead is None and bool(self.lead_name)

    @property
    def doubtful(self) -> bool:
        """Anything below an exact match, or a name the tree lacks: the review page marks it."""
        below = [self.lead_confidence, *self.confidence.values()] if self.lead else []
        return (
            self.lead_unknown
            or bool(self.unknown_coordinating)
            or any(c and c != EXACT for c in below)
        )


@dataclass
class DirectiveProposal:
    directive: ParsedDirective
    assignments: list[ProposedAssignment]


@dataclass
class DocumentProposal:
    document: ParsedDocument
    directives: list[DirectiveProposal]
    placement: Placement | None = None

    @property
    def issuer_unit(self) -> UnitRef | None:
        return self.placement.issuer if self.placement else None

    @property
    def unknown_levels(self) -> dict[str, str]:
        """Each unknown name (as :attr:`unknown_names` gives it) → the level it needs."""
        levels: dict[str, str] = {}
        for item in self.directives:
            for proposal in item.assignments:
                for name, level in proposal.unknown_levels.items():
                    levels.setdefault(canon(name), level)
        return {n: levels.get(canon(n), "") for n in self.unknown_names}

    @property
    def unknown_names(self) -> list[str]:
        """Every unit name the text gives that no known unit matches, in order, once."""
        names: list[str] = []
        for item in self.directives:
            for proposal in item.assignments:
                for name in [
                    proposal.lead_name if proposal.lead_unknown else "",
                    *proposal.unknown_coordinating,
                ]:
                    if name and canon(name) not in {canon(n) for n in names}:
                        names.append(name)
        return names

    def as_dict(self) -> dict:
        """The JSON shape of `import_document --dry-run --format json`."""
        doc = self.document
        return {
            "document": {
                "number": doc.number,
                "subject": doc.subject,
                "issue_date": doc.issue_date.isoformat() if doc.issue_date else None,
                "issuer": doc.issuer,
                "signer": doc.signer,
                "sha256": doc.sha256,
            },
            "directives": [
                {
                    "number": item.directive.number,
                    "section": item.directive.section,
                    "title": item.directive.title,
                    "text": item.directive.text,
                    "assignments": [_assignment_dict(a) for a in item.assignments],
                }
                for item in self.directives
            ],
            "unknown_units": self.unknown_names,
            "unknown_levels": self.unknown_levels,
            "issuer_unit": self.issuer_unit.name if self.issuer_unit else None,
        }


def _assignment_dict(proposal: ProposedAssignment) -> dict:
    deadline = proposal.deadline
    return {
        "lead_unit": proposal.lead.name if proposal.lead else None,
        "lead_phrase": proposal.lead_name,
        "lead_unknown": proposal.lead_unknown,
        "lead_confidence": proposal.lead_confidence,
        "lead_level": proposal.lead.level if proposal.lead else "",
        "coordinating_units": [u.name for u in proposal.coordinating],
        "coordinating_confidence": [
            proposal.confidence.get(u.pk, "") for u in proposal.coordinating
        ],
        "coordinating_unknown": proposal.unknown_coordinating,
        "deadline": deadline.date.isoformat() if deadline and deadline.date else None,
        "basis": deadline.basis if deadline else "",
        "deadline_phrase": deadline.phrase if deadline else "",
        "flagged": bool(deadline and deadline.flagged),
        "source_phrase": proposal.source,
        "other_deadlines": [
            {"deadline": d.date.isoformat() if d.date else None, "basis": d.basis}
            for d in proposal.other_deadlines
        ],
    }


# --------------------------------------------------------------------------------------------
# Deadlines

_D = r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})(?:[/.-](?P<y>\d{4}))?"
_D_LONG = r"(?P<d>\d{1,2}) thang (?P<m>\d{1,2}) nam (?P<y>\d{4})"
_DATE_PREFIX = (
    r"(?P<prefix>truoc ngay|truoc|cham nhat la ngay|cham nhat ngay|cham nhat la|cham nhat"
    r"|han chot la ngay|han chot ngay|han chot)"
)
_PREFIX_SHOWN = {
    "truoc": "trước ngày",
    "truoc ngay": "trước ngày",
    "cham nhat": "chậm nhất ngày",
    "cham nhat la": "chậm nhất ngày",
    "cham nhat ngay": "chậm nhất ngày",
    "cham nhat la ngay": "chậm nhất ngày",
    "han chot": "hạn chót",
    "han chot ngay": "hạn chót",
    "han chot la ngay": "hạn chót",
}
_DEADLINE_PATTERNS = (
    re.compile(rf"\b{_DATE_PREFIX} (?:{_D}|{_D_LONG.replace('?P<', '?P<l')})\b"),
    re.compile(r"\btruoc tet duong lich (?:nam )?\d{4}"),
    re.compile(r"\btruoc tet (?:nguyen dan |am lich )?(?:nam )?(?:\d{4}|[a-z]+ [a-z]+)"),
    re.compile(r"\btrong thang \d{1,2}(?:/| nam )\d{4}"),
    re.compile(r"\btrong quy (?:iv|iii|ii|i|[1-4])(?:/| nam )\d{4}"),
    re.compile(rf"\b(?:trong )?\d+ ngay lam viec(?: (?:ke tu|tu)(?: ngay)? {_D})?"),
)
_FLAGS = (
    (re.compile(r"\bkhan truong\b"), URGENT_BASIS),
    (re.compile(r"\bthuong xuyen\b"), ONGOING_BASIS),
)


def _infer_year(day: int, month: int, start: dt.date | None) -> int:
    """ "trước ngày 31/12" without a year: the first such date on or after the document's date."""
    start = start or dt.date.today()
    try:
        candidate = dt.date(start.year, month, day)
    except ValueError:
        return start.year
    return start.year if candidate >= start else start.year + 1


def _date_phrase(match: re.Match, start: dt.date | None) -> str:
    prefix = _PREFIX_SHOWN[match["prefix"]]
    day, month, year = (
        match["d"] or match["ld"],
        match["m"] or match["lm"],
        match["y"] or match["ly"],
    )
    if not year:
        year = str(_infer_year(int(day), int(month), start))
    return f"{prefix} {int(day):02d}/{int(month):02d}/{year}"


def find_deadline(
    text: str, *, start: dt.date | None, events: Mapping[str, dt.date] | None = None
) -> ProposedDeadline | None:
    """The first deadline ``text`` states, else a flag for "khẩn trương"/"thường xuyên"."""
    found = find_deadlines(text, start=start, events=events)
    if found:
        return found[0]
    folded, index = fold_with_map(text)
    flags = [
        (m.start(), ProposedDeadline(None, basis, text[index[m.start()] : index[m.end()]], True))
        for pattern, basis in _FLAGS
        if (m := pattern.search(folded))
    ]
    return min(flags, key=lambda pair: pair[0])[1] if flags else None


def find_deadlines(
    text: str, *, start: dt.date | None, events: Mapping[str, dt.date] | None = None
) -> list[ProposedDeadline]:
    """Every dated deadline ``text`` states, in text order, each once."""
    folded, index = fold_with_map(text)
    found: list[tuple[int, ProposedDeadline]] = []
    for number, pattern in enumerate(_DEADLINE_PATTERNS):
        for match in pattern.finditer(folded):
            phrase = text[index[match.start()] : index[match.end()]]
            asked = _date_phrase(match, start) if number == 0 else phrase.replace(" năm ", " ")
            try:
                resolved = resolve_deadline(asked, start=start, events=events)
            except DeadlinePhraseError:
                continue
            found.append((match.start(), ProposedDeadline(resolved.date, resolved.basis, phrase)))
    for match in _BEFORE_EVENT.finditer(folded):
        event = _event_named(match["words"], events or {})
        if event is not None:
            name, when, used = event
            end = match.start("words") + len(" ".join(match["words"].split()[:used]))
            phrase = text[index[match.start()] : index[end]]
            found.append(
                (
                    match.start(),
                    ProposedDeadline(when - dt.timedelta(days=1), f"Trước {name}", phrase),
                )
            )
    out: list[ProposedDeadline] = []
    for _at, deadline in sorted(found, key=lambda pair: pair[0]):
        if all((d.date, d.basis) != (deadline.date, deadline.basis) for d in out):
            out.append(deadline)
    return out


def _fold_plain(text: str) -> str:
    return " ".join(fold_with_map(text)[0].split())


# "trước (thềm|khi) <up to 12 words>": the words are compared with the events admins keep.
_BEFORE_EVENT = re.compile(
    r"\btruoc (?:them |khi |thoi diem )?(?P<words>[a-z0-9]+(?: [a-z0-9]+){1,11})"
)
_EVENT_STOP = {"cua", "va", "nam", "nhiem", "de", "nham"}


def _event_named(words: str, events: Mapping[str, dt.date]) -> tuple[str, dt.date, int] | None:
    """The one event whose name holds the words after "trước": the whole name as written, or a
    short form ("Đại hội XIII") whose words (at least two, one of them a number) all appear in
    exactly one event's name. The third value is how many words were used."""
    folded_events = {name: _fold_plain(name) for name in events}
    for name, folded in folded_events.items():
        if words.startswith(folded):
            return name, events[name], len(folded.split())
    short: list[str] = []
    for word in words.split():
        if word in _EVENT_STOP:
            break
        short.append(word)
    numbered = any(re.fullmatch(r"[ivxlc]+|\d+", w) for w in short)
    if len(short) < 2 or not numbered:
        return None
    found = [name for name, folded in folded_events.items() if set(short) <= set(folded.split())]
    return (found[0], events[found[0]], len(short)) if len(found) == 1 else None


# --------------------------------------------------------------------------------------------
# Who leads, who coordinates

# Words (canonical) that end a list of units when written in lower case: the verb or adverb
# that follows the subject. Names keep their own words capitalised after the head ("Sở Xây
# dựng"), so a capitalised word never ends a list.
_STOP_WORDS = (
    "chu tri|phoi hop|khan truong|tham muu|xay dung|trien khai|to chuc|ra soat|huong dan"
    "|thuc hien|chi dao|bao cao|nghien cuu|kiem tra|theo doi|tiep tuc|hoan thanh"
    "|co trach nhiem|chiu trach nhiem|trinh|lap|de xuat|tong hop|ban hanh|can cu"
    "|tap trung|quan tam|lam tot|day manh|bo tri|dam bao|cap nhat|soan thao|phat dong"
    "|tuyen truyen|thong bao|cung cap|tong ket|danh gia|chuan bi|can|phai|sua doi|quan ly"
    "|giam sat|xu ly|thuong xuyen|kip thoi|de|trong|truoc|theo|nham|ve|van dong"
    "|tang cuong|dieu chinh|tiep nhan|phan bo|kiem soat|hoan thien|sap xep|giai quyet"
    "|du thao|thanh lap|mo|khao sat|ho tro|chu dong|nhanh chong|som|ngay|duoc|da|se|dang"
    "|tiep thu|bao dam|rut kinh nghiem|lam ro|phan cong|kien toan|dua|tao|huy dong|chiu"
    "|cham lo|tham hoi|uu tien|xac dinh|phan dau|ket hop|lien he|dieu tra|tuyen"
)
_STOPS = tuple(tuple(s.split()) for s in _STOP_WORDS.split("|"))  # noqa: SIM905
_LEAD_IN = re.compile(
    r"^(?:(?:de nghi|yeu cau|giao|dong y|thong nhat|dong thoi|rieng|ngoai ra|chi dao)"
    r"(?: cho)?[ ,:]+)+"
)
_GIAO = re.compile(r"(?:^|[\s,:;(])giao (?:cho )?")
_NOT_GIAO = ("tuyen", "ban", "trao", "chuyen", "duoc", "da", "so", "bo")
_COORD = re.compile(r"\bphoi hop(?: chat che)?(?: voi| cung)? ")
_CHU_TRI = re.compile(r"\bchu tri\b")
_MARKER = re.compile(r"^(?:[a-zđ]\)|\d{1,2}\.\d{1,2}\.?|[-–—•+*])\s+")
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=\S)")
_ABBREVIATION_END = re.compile(r"\b(?:TP|Tp|tp|TX|Tx|tx|KT|TM|TL|Q)\.$")
_CONNECTORS = {"va", "cac", "cung", "voi", "tinh", "toan"}


@dataclass
class _Sentence:
    text: str
    folded: str
    index: list[int]
    mentions: list[Mention]
    ranges: list[tuple[int, int]] = field(default_factory=list)  # mentions, folded offsets
    level: str = "province"  # the issuer's level: unknown names without a level word need it
    pairs: frozenset[tuple[str, str]] = frozenset()  # word pairs of known unit names

    def __post_init__(self) -> None:
        self.ranges = [
            (bisect_left(self.index, m.start), bisect_left(self.index, m.end))
            for m in self.mentions
        ]


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for paragraph in text.split("\n"):
        paragraph = _MARKER.sub("", paragraph.strip())
        if not paragraph:
            continue
        pieces = _SENTENCE_END.split(paragraph)
        for piece in pieces:
            if out and _ABBREVIATION_END.search(out[-1]) and not out[-1].endswith("\n"):
                out[-1] = f"{out[-1]} {piece}"
            else:
                out.append(piece)
        out[-1] += "\n"  # a paragraph's end is always a sentence's end
    return [s.strip() for s in out if s.strip()]


def _words(folded: str, start: int, end: int) -> list[tuple[str, int]]:
    return [(m.group(), m.start()) for m in re.finditer(r"[a-z0-9]+", folded[start:end])]


def _span_end(sentence: _Sentence, start: int, limit: int | None = None) -> int:
    """Where a list of units that begins at folded offset ``start`` ends: at the first
    lower-case stop word outside a known name, or at ":", ";", "(" or the end."""
    folded, original = sentence.folded, sentence.text
    limit = len(folded) if limit is None else limit
    position = start
    words = [(w, start + offset) for w, offset in _words(folded, start, limit)]
    i = 0
    while i < len(words):
        word, at = words[i]
        if any(lo <= at < hi for lo, hi in sentence.ranges):
            i += 1
            continue
        punct = re.search(r"[:;(]", folded[position:at])
        if punct:
            return position + punct.start()
        following = [w for w, _ in words[i : i + 3]]
        original_char = original[sentence.index[at]] if at < len(sentence.index) else ""
        # "Đào tạo" in "Phòng Giáo dục và Đào tạo": a lower-case word after a capitalised one,
        # as the pair stands in some unit's name, is still the name, not the verb "tạo".
        previous = words[i - 1] if i else ("", 0)
        capitalised_before = bool(i) and original[sentence.index[previous[1]]].isupper()
        in_a_name = capitalised_before and (previous[0], word) in sentence.pairs
        if original_char.islower() and not in_a_name:
            for stop in _STOPS:
                if tuple(following[: len(stop)]) == stop and not (
                    stop == ("can",) and following[1:2] == ["su"]
                ):
                    return at
        position = at + len(word)
        i += 1
    punct = re.search(r"[:;(]", folded[position:limit])
    return position + punct.start() if punct else limit


@dataclass
class _Named:
    units: list[UnitRef]
    unknown: list[str]
    phrases: list[str]
    order: list[UnitRef | str] = field(default_factory=list)  # units and unknown names, as written
    phrase_of: dict[int, str] = field(default_factory=dict)  # unit pk → the words that named it
    confidence: dict[int, str] = field(default_factory=dict)  # unit pk → how sure the match is
    levels: dict[str, str] = field(default_factory=dict)  # unknown name → the level it needs

    def __bool__(self) -> bool:
        return bool(self.units or self.unknown)


def _named_in(sentence: _Sentence, start: int, end: int) -> _Named:
    """Known units, groups and unknown unit names in the folded range [start, end)."""
    lo, hi = sentence.index[start], sentence.index[min(end, len(sentence.index) - 1)]
    named = _Named([], [], [])
    order: list[tuple[int, UnitRef | str]] = []
    rest = sentence.text[lo:hi]
    for mention in sentence.mentions:
        if not (lo <= mention.start and mention.end <= hi):
            continue
        for unit in mention.units:
            if unit not in named.units:
                named.units.append(unit)
                order.append((mention.start, unit))
                named.phrase_of[unit.pk] = mention.phrase
                named.confidence[unit.pk] = mention.confidence
        if mention.unknown and mention.phrase not in named.unknown:
            # A name the scan refused to match to another level's unit: unknown, with its level.
            named.unknown.append(mention.phrase)
            named.levels[mention.phrase] = mention.level
            order.append((mention.start, mention.phrase))
        named.phrases.append(mention.phrase)
        # Keep the length so positions of what is left still point into the sentence.
        at = rest.find(mention.phrase)
        rest = rest[:at] + "|" * len(mention.phrase) + rest[at + len(mention.phrase) :]
    for name in _unknown_names(rest):
        if name in named.unknown:
            continue
        named.unknown.append(name)
        named.levels[name] = level_of_name(name) or sentence.level
        order.append((lo + max(rest.find(name.split(",")[0]), 0), name))
        named.phrases.append(name)
    order.sort(key=lambda pair: pair[0])
    named.order = [item for _, item in order]
    return named


def _unknown_names(rest: str) -> list[str]:
    names: list[str] = []
    previous_was_name = False
    # Split on commas, semicolons, cut-out known names ("|") and on "và" before a capital, keeping
    # each separator so a name with a comma inside can be put back together as written.
    parts = re.split(r"([|,;]+|\s+và\s+(?=[A-ZĐÀ-Ỹ|]))", rest)
    separators = [""] + parts[1::2]
    for piece, separator in zip(parts[::2], separators, strict=True):
        piece = re.sub(r"^(?:(?:các|với|và|cùng|cho)\s+)+", "", piece.strip(), flags=re.IGNORECASE)
        piece = piece.strip(" .:-–")
        if not piece or "|" in separator:
            previous_was_name = previous_was_name and bool(piece)
            if not piece:
                previous_was_name = False
                continue
        words = piece.split()
        head = head_size(piece) if piece[0].isupper() else 0
        # A name: a head ("Sở", "Văn phòng") and a capitalised word after it ("Sở Nội vụ").
        if head and len(words) > head and words[head][0].isupper():
            names.append(piece)
            previous_was_name = True
        elif previous_was_name and piece[0].isupper() and "|" not in separator:
            # "Sở Văn hóa, Thể thao và Du lịch": a comma or "và" inside one name.
            names[-1] = f"{names[-1]}{separator.rstrip() if separator.strip() else ' '} {piece}"
            names[-1] = re.sub(r"\s+,", ",", re.sub(r"\s+", " ", names[-1]))
        else:
            previous_was_name = False
    return names


@dataclass
class _Roles:
    lead: _Named | None = None
    coordinating: _Named | None = None
    subject_coordinates: bool = False
    subject_coordinating: _Named | None = None  # "A phối hợp với B …": B, when A ends up leading
    task_start: int = 0  # folded offset where the task's own words begin, after the units


# "X được đề nghị …": a body outside the issuer's line is asked, not assigned.
_ASKED = re.compile(r"^\s*duoc (?:de nghi|kien nghi|moi)\b")


def _roles(sentence: _Sentence) -> _Roles:
    folded = sentence.folded
    roles = _Roles()
    coord = _COORD.search(folded)
    lead_limit = coord.start() if coord else len(folded)
    lead = None
    for match in _GIAO.finditer(folded):
        before = folded[: match.start() + 1].split()
        if before and before[-1] in _NOT_GIAO:
            continue
        start = match.end()
        end = _span_end(sentence, start, lead_limit)
        named = _named_in(sentence, start, end)
        if named:
            lead = named
            roles.task_start = end
            break
    if lead is None and (chu_tri := _CHU_TRI.search(folded)):
        head = _LEAD_IN.match(folded)
        start = head.end() if head else 0
        separator = max(
            folded.rfind(":", 0, chu_tri.start()), folded.rfind(";", 0, chu_tri.start())
        )
        start = max(start, separator + 1)
        while start < len(folded) and folded[start] == " ":
            start += 1
        named = _named_in(sentence, start, chu_tri.start())
        if named:
            lead = named
            roles.task_start = chu_tri.end()
    if lead is None:
        head = _LEAD_IN.match(folded)
        start = head.end() if head else 0
        first_word = sentence.text[sentence.index[start] : sentence.index[start] + 1]
        starts_named = any(sentence.index[start] == m.start for m in sentence.mentions) or (
            first_word.isupper() and starts_with_head(sentence.text[sentence.index[start] :])
        )
        if starts_named:
            end = _span_end(sentence, start)
            named = _named_in(sentence, start, end)
            if named and end < len(folded) and not _ASKED.match(folded[end:]):
                roles.task_start = end
                if folded[end:].startswith("phoi hop"):
                    roles.subject_coordinates = True
                    roles.coordinating = named
                    if coord:
                        after = coord.end()
                        stop = _span_end(sentence, after)
                        roles.subject_coordinating = _named_in(sentence, after, stop)
                        roles.task_start = stop
                    return roles
                lead = named
    roles.lead = lead
    if coord:
        start = coord.end()
        stop = _span_end(sentence, start)
        roles.coordinating = _named_in(sentence, start, stop)
        between = folded[roles.task_start : coord.start()].strip(" ,")
        if lead is not None and between in ("", "chu tri"):
            # "A chủ trì, phối hợp với B <the task>": the task begins after B.
            roles.task_start = max(roles.task_start, stop)
    return roles


# Where a task's head phrase ends: its deadline, the report that follows it, or a new clause.
_TITLE_END = re.compile(
    r"(?:[,;:(]\s*(?:hoan thanh|xong|bao cao|trinh|thuc hien|de|nham|gui|phoi hop)\b"
    r"|[;:(]"
    r"|\s(?:truoc ngay|truoc tet|truoc thoi diem|cham nhat|han chot|trong quy|trong thang"
    r"|trong \d+ ngay|ngay tu dau|khan truong|thuong xuyen)\b)"
)
_TITLE_LEAD = re.compile(
    r"[\s,]*(?:(?:chu tri|phoi hop|va|cung|de|co trach nhiem|khan truong)\b[\s,]*)*"
)


def _head_phrase(sentence: _Sentence, start: int) -> str:
    """The task's own words as a clerk would name it: after the units that do it, up to its
    deadline or the report that follows ("Rà soát nhu cầu vật tư, trang thiết bị phòng, chống
    dịch"); "" when too little is left."""
    folded = sentence.folded
    lead_in = _TITLE_LEAD.match(folded, start)
    start = lead_in.end() if lead_in else start
    stop = _TITLE_END.search(folded, start)
    end = stop.start() if stop else len(folded)
    text = sentence.text[sentence.index[start] : sentence.index[min(end, len(folded))]]
    text = text.strip(" ,.;:")
    if len(text.split()) < 3:
        return ""
    return shorten(text[:1].upper() + text[1:], 120)


def _prepare(text: str, index: UnitIndex, placement: Placement) -> _Sentence:
    folded, mapping = fold_with_map(text)
    sentence = _Sentence(text, folded, mapping, index.scan(text, placement))
    sentence.level = placement.level
    sentence.pairs = index.name_pairs
    return sentence


@dataclass
class _Group:
    lead: _Named
    coordinating: list[UnitRef] = field(default_factory=list)
    unknown_coordinating: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    confidence: dict[int, str] = field(default_factory=dict)
    phrases: dict[int, str] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)

    def add_coordinating(self, named: _Named) -> None:
        for unit in named.units:
            if unit not in self.coordinating and unit not in self.lead.units:
                self.coordinating.append(unit)
                self.confidence[unit.pk] = named.confidence.get(unit.pk, "")
                self.phrases[unit.pk] = named.phrase_of.get(unit.pk, "")
        for name in named.unknown:
            if name not in self.unknown_coordinating:
                self.unknown_coordinating.append(name)
                self.levels[name] = named.levels.get(name, "")


def _clauses(text: str, index: UnitIndex, placement: Placement, start, events) -> list[str]:
    """A sentence holding two assignments, each with its deadline ("A làm X trước ngày …, B làm
    Y trước ngày …"), split after the first deadline where a unit's name opens the rest."""
    out: list[str] = []
    for sentence in _sentences(text):
        mentions = index.scan(sentence, placement)
        cut = 0
        for mention in mentions:
            before = sentence[cut : mention.start]
            if not before.rstrip().endswith(",") or not (mention.units or mention.unknown):
                continue
            if not sentence[mention.start].isupper():
                continue
            clause = before.rstrip().rstrip(",")
            if find_deadlines(clause, start=start, events=events):
                out.append(clause.strip())
                cut = mention.start
        out.append(sentence[cut:].strip())
    return [c for c in out if c]


def propose_directive(
    directive: ParsedDirective,
    index: UnitIndex,
    *,
    start: dt.date | None,
    events: Mapping[str, dt.date] | None = None,
    placement: Placement | None = None,
) -> DirectiveProposal:
    """Proposed assignments for one directive (at least one, possibly without a lead)."""
    placement = placement or index.placement(None)
    preamble: list[str] = []
    groups: list[_Group] = []
    title = ""
    for text in _clauses(directive.text, index, placement, start, events):
        sentence = _prepare(text, index, placement)
        roles = _roles(sentence)
        if not title and not groups and not preamble and (roles.lead or roles.subject_coordinates):
            title = _head_phrase(sentence, roles.task_start)
        if roles.subject_coordinates and not groups:
            # "Sở Tài chính, Sở KH&ĐT phối hợp bố trí …" with nobody before them: they do it,
            # with whoever they are to work with.
            roles.lead, roles.coordinating = roles.coordinating, roles.subject_coordinating
        if roles.lead:
            groups.append(_Group(roles.lead, sentences=[text]))
        elif groups:
            groups[-1].sentences.append(text)
        else:
            preamble.append(text)
        if roles.coordinating and (groups or roles.lead):
            groups[-1].add_coordinating(roles.coordinating)
    directive.proposed_title = title
    shared = find_deadline(" ".join(preamble), start=start, events=events)
    if not groups:
        deadline = find_deadline(directive.text, start=start, events=events)
        return DirectiveProposal(directive, [ProposedAssignment(deadline=deadline)])
    proposals: list[ProposedAssignment] = []
    for group in groups:
        said = " ".join(group.sentences)
        deadline = find_deadline(said, start=start, events=events) or shared
        later = [
            d
            for d in find_deadlines(said, start=start, events=events)
            if deadline is None or (d.date, d.basis) != (deadline.date, deadline.basis)
        ]
        source = group.sentences[0]
        common = {
            "coordinating": group.coordinating,
            "unknown_coordinating": group.unknown_coordinating,
            "deadline": deadline,
            "source": source,
            "confidence": group.confidence,
            "phrases": group.phrases,
            "other_deadlines": later,
        }
        for item in group.lead.order:
            levels = {**group.levels}
            if isinstance(item, str):
                levels[item] = group.lead.levels.get(item, "")
                proposals.append(
                    ProposedAssignment(lead_name=item, unknown_levels=levels, **common)
                )
            else:
                proposals.append(
                    ProposedAssignment(
                        lead=item,
                        lead_name=group.lead.phrase_of[item.pk],
                        lead_confidence=group.lead.confidence.get(item.pk, ""),
                        unknown_levels=levels,
                        **common,
                    )
                )
    return DirectiveProposal(directive, proposals)


def locate_issuer(parsed: ParsedDocument, index: UnitIndex) -> UnitRef | None:
    """The unit that issues ``parsed``: its letterhead, else the issuer the text names, else the
    unit a signature line names ("TM. ỦY BAN NHÂN DÂN XÃ …")."""
    found = index.locate(parsed.letterhead)
    if found is None and parsed.issuer:
        found = index.match_name(parsed.issuer)
    if found is None:
        signing = [_SIGNING_FOR.sub("", line) for line in parsed.signature]
        found = index.locate([line for line in signing if line.strip()])
    return found


_SIGNING_FOR = re.compile(r"^(?:t/?m|kt|k/t|t/?l|tuq|q)\.?\s+", re.IGNORECASE)


def propose(
    parsed: ParsedDocument,
    index: UnitIndex,
    *,
    events: Mapping[str, dt.date] | None = None,
) -> DocumentProposal:
    """Proposals for every directive of ``parsed``, read against its issuer's place in the tree;
    dates count from its issue date."""
    start = parsed.issue_date
    issuer = locate_issuer(parsed, index)
    if issuer is not None and index.match_name(parsed.issuer) != issuer:
        # The letterhead names a unit more precisely than the issuer line read from the text.
        parsed.issuer = issuer.name
    placement = index.placement(issuer)
    return DocumentProposal(
        parsed,
        [
            propose_directive(d, index, start=start, events=events, placement=placement)
            for d in parsed.directives
        ],
        placement,
    )
