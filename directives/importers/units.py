"""Find the units a document's text names, tolerant of case, diacritics and abbreviations.

Texts write the same body many ways: "UBND tỉnh", "Ủy ban nhân dân tỉnh", "Uỷ ban nhân dân tỉnh";
"Sở LĐ-TB&XH", "Sở LĐTBXH", "Sở Lao động - Thương binh và Xã hội". Every name is turned into the
same *canonical words* (folded, abbreviations expanded, punctuation dropped), and a text is scanned
for the longest known name at each word. The abbreviation table and the table of group phrases
("các huyện, thành phố" = every district) live here and nowhere else.

No database access happens here except in :meth:`UnitIndex.from_db`; the index can be built from
any objects with ``pk``, ``name``, ``short_name``, ``kind`` and ``alias_list()``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

# --------------------------------------------------------------------------------------------
# The one table of abbreviations: a folded token (as written, "&" and "-" kept) → its words.

ABBREVIATIONS: dict[str, str] = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "ubmttq": "uy ban mat tran to quoc",
    "ubmttqvn": "uy ban mat tran to quoc",
    "mttq": "mat tran to quoc",
    "mttqvn": "mat tran to quoc",
    "ubkt": "uy ban kiem tra",
    "ld-tb&xh": "lao dong thuong binh va xa hoi",
    "ld-tbxh": "lao dong thuong binh va xa hoi",
    "ldtb&xh": "lao dong thuong binh va xa hoi",
    "ldtbxh": "lao dong thuong binh va xa hoi",
    "kh&dt": "ke hoach va dau tu",
    "khdt": "ke hoach va dau tu",
    "tt&tt": "thong tin va truyen thong",
    "tttt": "thong tin va truyen thong",
    "gd&dt": "giao duc va dao tao",
    "gddt": "giao duc va dao tao",
    "nn&ptnt": "nong nghiep va phat trien nong thon",
    "nnptnt": "nong nghiep va phat trien nong thon",
    "tn&mt": "tai nguyen va moi truong",
    "tnmt": "tai nguyen va moi truong",
    "vh-tt&dl": "van hoa the thao va du lich",
    "vhtt&dl": "van hoa the thao va du lich",
    "vhttdl": "van hoa the thao va du lich",
    "kh&cn": "khoa hoc va cong nghe",
    "khcn": "khoa hoc va cong nghe",
    "gtvt": "giao thong van tai",
    "pt-th": "phat thanh truyen hinh",
    "ptth": "phat thanh truyen hinh",
    "ldld": "lien doan lao dong",
    "lhpn": "lien hiep phu nu",
    "hlhpn": "hoi lien hiep phu nu",
    "ctd": "chu thap do",
    "bcsd": "ban can su dang",
    "dd": "dang doan",
    "vptu": "van phong tinh uy",
    "tp": "thanh pho",
    "tx": "thi xa",
    "kt-xh": "kinh te xa hoi",
}

# Canonical word sequences rewritten after expansion: the official long form and the everyday
# short form of the same body must compare equal.
_REWRITES: tuple[tuple[str, str], ...] = (("mat tran to quoc viet nam", "mat tran to quoc"),)


@dataclass(frozen=True)
class Group:
    """A phrase that stands for several units, e.g. "các huyện, thành phố"."""

    label: str
    phrases: tuple[str, ...]
    member: Callable[[UnitRef], bool]


def _is_district(unit: UnitRef) -> bool:
    return unit.kind == "district"


def _is_party_committee(unit: UnitRef) -> bool:
    return unit.kind == "party_committee"


def _is_district_party_committee(unit: UnitRef) -> bool:
    words = canon(unit.name).split()
    return unit.kind == "party_committee" and words[:2] in (
        ["huyen", "uy"],
        ["thanh", "uy"],
        ["thi", "uy"],
    )


# Phrases (as written; canonicalised at import) that mean a whole kind of unit. Longer phrases
# win over shorter ones, so "UBND các huyện, thành phố" is one group, not "UBND" + a group.
GROUPS: tuple[Group, ...] = (
    Group(
        "Ủy ban nhân dân các huyện, thành phố",
        (
            "UBND các huyện, thành phố",
            "UBND các huyện, thị xã, thành phố",
            "UBND huyện, thành phố",
            "các huyện, thành phố",
            "các huyện, thị xã, thành phố",
            "các địa phương cấp huyện",
            "UBND cấp huyện",
        ),
        _is_district,
    ),
    Group(
        "Các huyện ủy, thành ủy",
        ("các huyện ủy, thành ủy", "các huyện ủy, thị ủy, thành ủy", "huyện ủy, thành ủy"),
        _is_district_party_committee,
    ),
    Group(
        "Các đảng bộ trực thuộc Tỉnh ủy",
        (
            "các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy",
            "các huyện ủy, thành ủy, đảng ủy trực thuộc",
            "các đảng bộ trực thuộc Tỉnh ủy",
            "các đảng bộ trực thuộc",
            "các cấp ủy trực thuộc Tỉnh ủy",
            "các cấp ủy trực thuộc",
            "các cấp ủy đảng",
            "các cấp ủy",
        ),
        _is_party_committee,
    ),
)

# Words that open a unit's name: a piece of a list that starts with one of these and matches no
# known unit is offered as an unknown unit. Canonical words.
HEADS: tuple[str, ...] = (
    "so",
    "ban",
    "uy ban",
    "hoi",
    "van phong",
    "cong an",
    "bo chi huy",
    "dai",
    "bao",
    "lien doan",
    "tinh doan",
    "truong",
    "benh vien",
    "cuc",
    "chi cuc",
    "trung tam",
    "huyen uy",
    "thanh uy",
    "dang uy",
    "dang doan",
    "kho bac",
    "ngan hang",
    "thanh tra",
    "bao hiem",
    "quy",
    "bo",
    "toa an",
    "vien kiem sat",
    "hoi dong",
    "thuong truc",
)

# --------------------------------------------------------------------------------------------
# Canonical words


def fold_char(ch: str) -> str:
    """One character folded: lower case, no diacritics, đ → d (may give an empty string)."""
    if ch in "đĐ":
        return "d"
    decomposed = unicodedata.normalize("NFD", ch)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` character by character, keeping for each folded character the index of the
    original one it came from (and a final entry for the end), so a match found in the folded
    text can be cut from the original with its diacritics."""
    folded: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(unicodedata.normalize("NFC", text)):
        piece = fold_char(ch)
        folded.append(piece)
        index.extend([i] * len(piece))
    index.append(len(text))
    return "".join(folded), index


_TOKEN = re.compile(r"[a-z0-9]+(?:[&-][a-z0-9]+)*&?[a-z0-9]*")


def _token_words(token: str) -> list[str]:
    if token in ABBREVIATIONS:
        return ABBREVIATIONS[token].split()
    words: list[str] = []
    for part in re.split(r"([&-])", token):
        if part == "&":
            words.append("va")
        elif part and part != "-":
            words.extend(ABBREVIATIONS.get(part, part).split())
    return words


def canon_tokens(text: str) -> list[tuple[str, int, int]]:
    """The canonical words of ``text``, each with the span (start, end) of the original token."""
    folded, index = fold_with_map(text)
    out: list[tuple[str, int, int]] = []
    for match in _TOKEN.finditer(folded):
        start, end = index[match.start()], index[match.end()]
        for word in _token_words(match.group()):
            out.append((word, start, end))
    return _rewrite(out)


def _rewrite(tokens: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    for long, short in _REWRITES:
        long_words, short_words = long.split(), short.split()
        i = 0
        while i <= len(tokens) - len(long_words):
            if [t[0] for t in tokens[i : i + len(long_words)]] == long_words:
                start, end = tokens[i][1], tokens[i + len(long_words) - 1][2]
                tokens[i : i + len(long_words)] = [(w, start, end) for w in short_words]
            i += 1
    return tokens


def canon(text: str) -> str:
    """Canonical form of a name: "Sở LĐ-TB&XH" and "Sở Lao động - Thương binh và Xã hội" both
    give "so lao dong thuong binh va xa hoi"."""
    return " ".join(word for word, _, _ in canon_tokens(text))


def starts_with_head(text: str) -> bool:
    words = canon(text).split()
    return any(words[: len(h.split())] == h.split() for h in HEADS)


# --------------------------------------------------------------------------------------------
# The index of known units


@dataclass(frozen=True)
class UnitRef:
    pk: int
    name: str
    kind: str
    short_name: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A stretch of text naming one unit, a group of units, or an unknown unit."""

    start: int
    end: int
    phrase: str
    units: tuple[UnitRef, ...] = ()
    group: str = ""

    @property
    def unknown(self) -> bool:
        return not self.units and not self.group


# Trailing words a text may add to or leave off a provincial unit's name ("Sở Y tế tỉnh",
# "Ban Tuyên giáo" for "Ban Tuyên giáo Tỉnh ủy").
_QUALIFIERS = (("tinh", "uy"), ("tinh",))


@dataclass
class UnitIndex:
    """Known units by canonical name, short name, aliases and unambiguous stems."""

    units: list[UnitRef]
    province: str = ""
    _keys: dict[tuple[str, ...], tuple[UnitRef, ...]] = field(default_factory=dict)
    _groups: dict[tuple[str, ...], Group] = field(default_factory=dict)
    _longest: int = 1

    def __post_init__(self) -> None:
        exact: dict[tuple[str, ...], list[UnitRef]] = {}
        stems: dict[tuple[str, ...], list[UnitRef]] = {}
        for unit in self.units:
            for name in (unit.name, unit.short_name, *unit.aliases):
                words = tuple(canon(name).split())
                if not words:
                    continue
                exact.setdefault(words, [])
                if unit not in exact[words]:
                    exact[words].append(unit)
                for qualifier in _QUALIFIERS:
                    if len(words) > len(qualifier) + 1 and words[-len(qualifier) :] == qualifier:
                        stems.setdefault(words[: -len(qualifier)], []).append(unit)
                    elif len(words) >= 2:
                        stems.setdefault((*words, *qualifier), []).append(unit)
        for words, found in stems.items():
            # A stem is used only when it names one unit and no unit carries it as its own name.
            if words not in exact and len(set(found)) == 1:
                exact[words] = [found[0]]
        self._keys = {words: tuple(found) for words, found in exact.items()}
        for group in GROUPS:
            for phrase in group.phrases:
                self._groups[tuple(canon(phrase).split())] = group
        self._longest = max(len(k) for k in [*self._keys, *self._groups, ("x",)])

    @classmethod
    def from_db(cls) -> UnitIndex:
        """Every active unit of the database."""
        from directives.models import Unit

        refs = [
            UnitRef(u.pk, u.name, u.kind, u.short_name, tuple(u.alias_list()))
            for u in Unit.objects.active().order_by("path")
        ]
        return cls(refs)

    def by_pk(self, pk: int) -> UnitRef | None:
        return next((u for u in self.units if u.pk == pk), None)

    def match_name(self, name: str) -> UnitRef | None:
        """The unit a whole name stands for, or None (used for names typed during review)."""
        found = self._keys.get(tuple(canon(name).split()))
        return found[0] if found and len(found) == 1 else None

    def group_members(self, group: Group) -> tuple[UnitRef, ...]:
        return tuple(u for u in self.units if group.member(u))

    def scan(self, text: str) -> list[Mention]:
        """Known units and groups named in ``text``, longest match first, in text order."""
        tokens = canon_tokens(text)
        words = [t[0] for t in tokens]
        mentions: list[Mention] = []
        i = 0
        while i < len(words):
            hit = None
            for size in range(min(self._longest, len(words) - i), 0, -1):
                key = tuple(words[i : i + size])
                if key in self._groups:
                    group = self._groups[key]
                    hit = (size, self.group_members(group), group.label)
                    break
                if key in self._keys:
                    hit = (size, self._keys[key], "")
                    break
            if hit is None:
                i += 1
                continue
            size, units, label = hit
            start, end = tokens[i][1], tokens[i + size - 1][2]
            mentions.append(Mention(start, end, text[start:end], tuple(units), label))
            i += size
        return mentions
