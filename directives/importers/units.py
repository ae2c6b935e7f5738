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
from dataclasses import dataclass, field, replace

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
    """A phrase that stands for several units, e.g. "các huyện, thành phố". Membership depends on
    where the issuer stands: "các cấp ủy trực thuộc" of a district are its communes' committees."""

    label: str
    phrases: tuple[str, ...]
    member: Callable[[UnitRef, Place], bool]


@dataclass(frozen=True)
class Place:
    """Where a document's issuer stands in the tree, as the groups need it: the top unit of the
    issuer's own level (the province's root, a district's Party committee, a commune's) and the
    top unit of the issuer's district (empty for the province)."""

    level: str = "province"
    anchor: str = ""  # path of the top unit of the issuer's level
    anchor_pk: int | None = None
    district: str = ""  # path of the issuer's district's top unit


def _is_district(unit: UnitRef, place: Place) -> bool:
    return unit.kind == "district"


def _is_directly_under(unit: UnitRef, place: Place) -> bool:
    # The Party committees directly under the issuer's own level: a province's districts and
    # sectoral committees, a district's communes — never the communes of a provincial text.
    if place.anchor_pk is None:
        return unit.kind == "party_committee" and unit.level != COMMUNE
    return unit.kind == "party_committee" and unit.parent == place.anchor_pk


def _is_district_party_committee(unit: UnitRef, place: Place) -> bool:
    return unit.kind == "party_committee" and unit.level == DISTRICT


def _in_district(unit: UnitRef, place: Place) -> bool:
    return bool(place.district) and unit.path.startswith(place.district)


def _is_commune(unit: UnitRef, place: Place) -> bool:
    # The top unit of each commune of the issuer's district (its Party committee in the demo).
    return _in_district(unit, place) and unit.level == COMMUNE and unit.top_of_level


def _is_commune_committee(unit: UnitRef, place: Place) -> bool:
    return _in_district(unit, place) and unit.level == COMMUNE and unit.kind == "committee"


def _is_own_body(unit: UnitRef, place: Place) -> bool:
    # "các ban, ngành, đoàn thể huyện": the boards, offices, divisions and mass organisations of
    # the issuer's own level.
    return (
        bool(place.anchor)
        and unit.path.startswith(place.anchor)
        and unit.level == place.level
        and unit.kind in ("party_board", "department", "mass_org", "agency")
    )


def _is_own_mass_org(unit: UnitRef, place: Place) -> bool:
    return (
        bool(place.anchor)
        and unit.path.startswith(place.anchor)
        and unit.level == place.level
        and unit.kind == "mass_org"
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
        "Ủy ban nhân dân các xã, thị trấn",
        (
            "UBND các xã, thị trấn",
            "UBND các xã, phường, thị trấn",
            "UBND các xã",
            "UBND xã, thị trấn",
            "UBND cấp xã",
        ),
        _is_commune_committee,
    ),
    Group(
        "Các xã, thị trấn",
        ("các xã, thị trấn", "các xã, phường, thị trấn", "các xã", "các địa phương cấp xã"),
        _is_commune,
    ),
    Group(
        "Các ban, ngành, đoàn thể cùng cấp",
        tuple(
            f"các {body} {level}"
            for body in ("ban, ngành, đoàn thể", "ban ngành, đoàn thể", "ban, ngành, đoàn thể")
            for level in ("huyện", "thành phố", "thị xã", "xã", "thị trấn")
        ),
        _is_own_body,
    ),
    Group(
        "Các đoàn thể cùng cấp",
        ("các đoàn thể", "các đoàn thể chính trị - xã hội", "các tổ chức chính trị - xã hội"),
        _is_own_mass_org,
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
        _is_directly_under,
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
    "phong",
    "doan",
    "huyen doan",
    "trung tam",
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
    return head_size(text) > 0


def head_size(text: str) -> int:
    """How many words of the longest head ("Văn phòng", "Sở") open ``text``; 0 for none."""
    words = canon(text).split()
    return max((len(h.split()) for h in HEADS if words[: len(h.split())] == h.split()), default=0)


# --------------------------------------------------------------------------------------------
# The index of known units


PROVINCE, DISTRICT, COMMUNE = "province", "district", "commune"
LEVELS = (PROVINCE, DISTRICT, COMMUNE)

# Words that carry a level of the tree (canonical) → the level and the word a same-level name
# uses ("Huyện ủy" and "Ủy ban nhân dân huyện" are both the district's). Each word must be
# written with its own diacritics (see _LEVEL_SPELLING): "tính", "tình" and "xa" are no level.
LEVEL_WORDS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("huyen", "uy"), DISTRICT, "huyen"),
    (("huyen",), DISTRICT, "huyen"),
    (("thanh", "uy"), DISTRICT, "thanh pho"),
    (("thanh", "pho"), DISTRICT, "thanh pho"),
    (("thi", "uy"), DISTRICT, "thi xa"),
    (("thi", "xa"), DISTRICT, "thi xa"),
    (("thi", "tran"), COMMUNE, "thi tran"),
    (("xa",), COMMUNE, "xa"),
    (("tinh", "uy"), PROVINCE, "tinh"),
    (("tinh",), PROVINCE, "tinh"),
)
_LEVEL_SPELLING = {
    "huyen": {"huyện"},
    "xa": {"xã"},
    "tinh": {"tỉnh"},
    "thanh": {"thành"},
    "pho": {"phố"},
    "thi": {"thị"},
    "tran": {"trấn"},
    "uy": {"ủy", "uỷ"},
}


def level_word_at(tokens: list[tuple[str, int, int]], text: str, i: int) -> tuple[int, str, str]:
    """(size, level, family word) of the level word starting at token ``i``, or (0, "", "")."""
    words = [t[0] for t in tokens]
    for level_words, level, family in LEVEL_WORDS:
        size = len(level_words)
        if tuple(words[i : i + size]) != level_words:
            continue
        if level_words == ("xa",) and words[i + 1 : i + 2] == ["hoi"]:
            continue  # "xã hội" (society) is no commune
        written = [
            unicodedata.normalize("NFC", text[start:end]).lower()
            for _, start, end in tokens[i : i + size]
        ]
        abbreviated = len(written) > 1 and len(set(written)) == 1  # "TP" → "thành phố"
        spelt = zip(written, level_words, strict=True)
        if abbreviated or all(w in _LEVEL_SPELLING[lw] for w, lw in spelt):
            return size, level, family
    return 0, "", ""


def level_of_name(name: str) -> str:
    """The lowest level a name's own words carry ("UBND xã A, huyện B" is a commune), or ""."""
    tokens = canon_tokens(name)
    found = {level_word_at(tokens, name, i)[1] for i in range(len(tokens))}
    return next((level for level in reversed(LEVELS) if level in found), "")


@dataclass(frozen=True)
class UnitRef:
    pk: int
    name: str
    kind: str
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    parent: int | None = None
    path: str = ""
    level: str = ""  # province, district or commune: from the name's words, else the parent's
    top_of_level: bool = False  # the highest unit of its level on its branch

    def names(self) -> tuple[str, ...]:
        return tuple(n for n in (self.name, self.short_name, *self.aliases) if n)


@dataclass(frozen=True)
class Mention:
    """A stretch of text naming one unit, a group of units, or an unknown unit."""

    start: int
    end: int
    phrase: str
    units: tuple[UnitRef, ...] = ()
    group: str = ""
    confidence: str = ""  # exact, alias, relative or fuzzy (see UnitIndex)
    level: str = ""  # for an unknown name: the level of the tree it needs

    @property
    def unknown(self) -> bool:
        return not self.units and not self.group


# Trailing words a text may add to or leave off a provincial unit's name ("Sở Y tế tỉnh",
# "Ban Tuyên giáo" for "Ban Tuyên giáo Tỉnh ủy").
_QUALIFIERS = (("tinh", "uy"), ("tinh",))

# How sure a match is, shown on the review page (anything below exact is highlighted there):
# the unit's own name or short name; one of its other names; a name read against the issuer
# ("Ủy ban nhân dân huyện" in a district's text, "cùng cấp", "Văn phòng"); a name with words
# left off ("Ban Tuyên giáo" for "Ban Tuyên giáo Tỉnh ủy").
EXACT, ALIAS, RELATIVE, FUZZY = "exact", "alias", "relative", "fuzzy"
_RANK = {EXACT: 0, ALIAS: 1, RELATIVE: 2, FUZZY: 3}


def _has_level_word(words: list[str]) -> bool:
    for i in range(len(words)):
        for level_words, _level, _family in LEVEL_WORDS:
            if tuple(words[i : i + len(level_words)]) == level_words:
                if level_words == ("xa",) and words[i + 1 : i + 2] == ["hoi"]:
                    continue
                return True
    return False


def _place_of(unit: UnitRef) -> tuple[tuple[str, ...], str, str]:
    """The place a district's or commune's top unit is named after: (its canonical words, how it
    is written, the family word of its level) — "Huyện ủy Năm Căn" → (nam can, Năm Căn, huyen)."""
    tokens = canon_tokens(unit.name)
    found = (0, 0, "")
    for i in range(len(tokens)):
        size, _level, family = level_word_at(tokens, unit.name, i)
        if size:
            found = (i, size, family)
    i, size, family = found
    if not size or i + size >= len(tokens):
        return (), "", family
    words = tuple(t[0] for t in tokens[i + size :])
    return words, unit.name[tokens[i + size][1] :].strip(), family


@dataclass
class Placement:
    """A document's issuer in the tree and the names that are read against it.

    ``keys`` are the relative names: a district's own units without the district's name
    ("ban tuyen giao huyen uy" for Ban Tuyên giáo Huyện ủy Năm Căn), a department's divisions
    without the department's ("van phong so" for Văn phòng Sở Y tế) and "van phong" for the
    issuer's office. ``same_level`` replaces "cùng cấp" ("huyen" for a district).
    """

    issuer: UnitRef | None
    place: Place
    keys: dict[tuple[str, ...], tuple[UnitRef, ...]] = field(default_factory=dict)
    same_level: tuple[str, ...] = ("tinh",)
    anchors: dict[str, UnitRef] = field(default_factory=dict)

    @property
    def level(self) -> str:
        return self.place.level

    def parent_for(self, level: str) -> UnitRef | None:
        """Where a unit of ``level`` that the tree lacks is created: under the top unit of that
        level on the issuer's branch (the province's root, the district's Party committee)."""
        return self.anchors.get(level)

    def place_name(self, level: str) -> str:
        """How the issuer's place of ``level`` is written ("Năm Căn"), or ""."""
        anchor = self.anchors.get(level)
        return _place_of(anchor)[1] if anchor and level != PROVINCE else ""


@dataclass
class UnitIndex:
    """Known units by canonical name, short name, aliases and unambiguous stems."""

    units: list[UnitRef]
    province: str = ""
    _keys: dict[tuple[str, ...], tuple[tuple[UnitRef, ...], str]] = field(default_factory=dict)
    _groups: dict[tuple[str, ...], Group] = field(default_factory=dict)
    _longest: int = 1
    _by_pk: dict[int, UnitRef] = field(default_factory=dict)
    _pairs: set[tuple[str, str]] = field(default_factory=set)  # word pairs of unit names

    def __post_init__(self) -> None:
        self.units = _with_levels(self.units)
        self._by_pk = {u.pk: u for u in self.units}
        for unit in self.units:
            for name in unit.names():
                words = canon(name).split()
                self._pairs.update(zip(words, words[1:], strict=False))
        exact: dict[tuple[str, ...], list[UnitRef]] = {}
        confidence: dict[tuple[str, ...], str] = {}
        stems: dict[tuple[str, ...], list[UnitRef]] = {}
        for unit in self.units:
            for position, name in enumerate((unit.name, unit.short_name, *unit.aliases)):
                words = tuple(canon(name).split())
                if not words:
                    continue
                exact.setdefault(words, [])
                rank = EXACT if position < 2 else ALIAS
                if words not in confidence or _RANK[rank] < _RANK[confidence[words]]:
                    confidence[words] = rank
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
                confidence[words] = FUZZY
        self._keys = {words: (tuple(found), confidence[words]) for words, found in exact.items()}
        for group in GROUPS:
            for phrase in group.phrases:
                self._groups[tuple(canon(phrase).split())] = group
        self._longest = max(len(k) for k in [*self._keys, *self._groups, ("x",)])

    @classmethod
    def from_units(cls, units) -> UnitIndex:
        """The index of Unit objects already loaded (no query)."""
        return cls(
            [
                UnitRef(
                    u.pk,
                    u.name,
                    u.kind,
                    u.short_name,
                    tuple(u.alias_list()),
                    parent=u.parent_id,
                    path=u.path,
                )
                for u in units
            ]
        )

    @classmethod
    def from_db(cls) -> UnitIndex:
        """Every active unit of the database."""
        from directives.models import Unit

        return cls.from_units(Unit.objects.active().order_by("path"))

    @property
    def name_pairs(self) -> set[tuple[str, str]]:
        """Consecutive words of every known unit name ("dao tao" of "Đào tạo")."""
        return self._pairs

    def by_pk(self, pk: int | None) -> UnitRef | None:
        return self._by_pk.get(pk) if pk is not None else None

    def match_name(self, name: str) -> UnitRef | None:
        """The unit a whole name stands for, or None (used for names typed during review)."""
        found = self._keys.get(tuple(canon(name).split()))
        return found[0][0] if found and len(found[0]) == 1 else None

    def group_members(self, group: Group, place: Place | None = None) -> tuple[UnitRef, ...]:
        place = place or Place()
        return tuple(u for u in self.units if group.member(u, place))

    # ----------------------------------------------------------------------------------------
    # The issuer

    def locate(self, lines: list[str]) -> UnitRef | None:
        """The unit a letterhead or signature block names, read from its last line up:
        "UBND TỈNH CÀ MAU / SỞ Y TẾ" is the department, "ỦY BAN NHÂN DÂN / HUYỆN TRẦN VĂN THỜI"
        the district's committee, "ỦY BAN NHÂN DÂN TỈNH CÀ MAU / VĂN PHÒNG" its office."""
        province = self._province_words()
        lines = [canon(line).split() for line in lines if canon(line)]
        for k in range(len(lines) - 1, -1, -1):
            line = lines[k]
            # The line with the one above first: "ỦY BAN NHÂN DÂN / TỈNH CÀ MAU" is the committee,
            # not the province.
            candidates = [line + lines[k - 1], lines[k - 1] + line] if k > 0 else []
            candidates.append(line)
            for words in candidates:
                for form in (words, _strip_end(words, province)):
                    found = self._keys.get(tuple(form))
                    if found and len(found[0]) == 1 and found[1] != FUZZY:
                        return found[0][0]
        return None

    def _province_words(self) -> tuple[str, ...]:
        root = next((u for u in self.units if u.parent is None and u.level == PROVINCE), None)
        return _place_of(root)[0] if root else ()

    def placement(self, issuer: UnitRef | None) -> Placement:
        """Where ``issuer`` stands and the relative names read against it (the province when
        the issuer is not known)."""
        chain: list[UnitRef] = []
        unit = issuer
        while unit is not None:
            chain.insert(0, unit)
            unit = self.by_pk(unit.parent)
        if not chain:
            chain = [u for u in self.units if u.parent is None][:1]
        anchors: dict[str, UnitRef] = {}
        for unit in chain:
            anchors.setdefault(unit.level, unit)
        level = issuer.level if issuer else PROVINCE
        anchor, district = anchors.get(level), anchors.get(DISTRICT)
        place = Place(
            level,
            anchor.path if anchor else "",
            anchor.pk if anchor and level != PROVINCE else None,
            district.path if district else "",
        )
        keys: dict[tuple[str, ...], list[UnitRef]] = {}

        def add(words: list[str] | tuple[str, ...], found: UnitRef) -> None:
            if words and found not in keys.setdefault(tuple(words), []):
                keys[tuple(words)].append(found)

        same_level: tuple[str, ...] = ("tinh",)
        for lvl in (DISTRICT, COMMUNE):
            top = anchors.get(lvl)
            if top is None:
                continue
            place_words, _shown, family = _place_of(top)
            if lvl == level:
                same_level = tuple(family.split())
            if not place_words:
                continue
            size = len(place_words)
            for unit in self.units:
                if not unit.path.startswith(top.path):
                    continue
                for name in unit.names():
                    words = canon(name).split()
                    own_place = len(words) > size and tuple(words[-size:]) == place_words
                    if not own_place or not _has_level_word(words[:-size]):
                        continue
                    add(words[:-size], unit)
                    # In the issuer's own level a unit may be named without its level word
                    # too: "Phòng Tài nguyên và Môi trường", "Ban Tuyên giáo" in a district.
                    bare = _strip_level_end(words[:-size])
                    if lvl == level and unit.level == level and bare:
                        add(bare, unit)
        if issuer is not None and issuer not in anchors.values():
            for words, unit in self._divisions(issuer):
                add(words, unit)
        if issuer is not None:
            office = issuer if canon(issuer.name).startswith("van phong") else None
            for issuer_name in issuer.names():
                found = self._keys.get(("van", "phong", *canon(issuer_name).split()))
                if office is None and found and len(found[0]) == 1:
                    office = found[0][0]
            if office is not None:
                add(("van", "phong"), office)
        unique = {words: tuple(found) for words, found in keys.items() if len(found) == 1}
        return Placement(issuer, place, unique, same_level, anchors)

    def _divisions(self, issuer: UnitRef) -> list[tuple[list[str], UnitRef]]:
        """A department's or a board's own divisions by their short names: "Phòng Kế hoạch -
        Tài chính", "Văn phòng Sở", "Thanh tra Sở" for units named "… Sở Y tế"."""
        out: list[tuple[list[str], UnitRef]] = []
        for issuer_name in issuer.names():
            own = canon(issuer_name).split()
            if len(own) < 2:
                continue
            for unit in self.units:
                if unit == issuer or not unit.path.startswith(issuer.path):
                    continue
                for name in unit.names():
                    words = canon(name).split()
                    if len(words) > len(own) and words[-len(own) :] == own:
                        out.append((words[: -len(own)], unit))
                        out.append(([*words[: -len(own)], own[0]], unit))
        return out

    # ----------------------------------------------------------------------------------------
    # Scanning a text

    def _hit(
        self, words: list[str], i: int, placement: Placement, longest: int
    ) -> tuple[int, tuple[UnitRef, ...], str, str] | None:
        for size in range(min(longest, len(words) - i), 0, -1):
            key = tuple(words[i : i + size])
            if key in self._groups:
                group = self._groups[key]
                return size, self.group_members(group, placement.place), group.label, ALIAS
            known = self._keys.get(key)
            if known and known[1] in (EXACT, ALIAS):
                return size, known[0], "", known[1]
            if key in placement.keys:
                return size, placement.keys[key], "", RELATIVE
            if known:
                return size, known[0], "", known[1]
        return None

    def scan(self, text: str, placement: Placement | None = None) -> list[Mention]:
        """Known units and groups named in ``text``, longest match first, in text order.

        Read against ``placement`` (the province when None). A name is never matched to a unit
        of another level than its words say: "Ủy ban nhân dân huyện" is no match for the
        province's committee, and when the issuer's district has none it comes back as an
        unknown mention with the level it needs. So does a shortened provincial name in a
        district's or a commune's text, and a shortened name that goes on with more capitals.
        """
        placement = placement or self.placement(None)
        tokens, rewritten = _same_level(canon_tokens(text), placement.same_level)
        words = [t[0] for t in tokens]
        longest = max([self._longest, *(len(k) for k in placement.keys)])
        mentions: list[Mention] = []
        i = 0
        while i < len(words):
            hit = self._hit(words, i, placement, longest)
            if hit is None:
                i += 1
                continue
            size, units, label, confidence = hit
            if not label and any(i <= r < i + size for r in rewritten):
                confidence = RELATIVE
            needs = ""
            if not label:
                needs = _needs_other(
                    tokens, text, i + size, units, confidence, rewritten, placement
                )
            shortened = confidence == FUZZY and placement.level != PROVINCE
            if not needs and shortened and all(u.level == PROVINCE for u in units):
                needs = placement.level  # "Ban Tuyên giáo" in a district's text
            first = i
            if not needs and not label and confidence in (RELATIVE, FUZZY):
                # "Văn phòng Đảng ủy" in a commune's text is the committee's office, which the
                # tree lacks — not the committee named by its last words.
                first = _name_start(tokens, text, i, mentions)
                if first < i:
                    needs = placement.level
            if needs:
                stop = _name_end(tokens, text, i + size, rewritten, self._pairs)
                start, end = tokens[first][1], tokens[stop - 1][2]
                level = level_of_name(text[start:end]) or needs
                mentions.append(Mention(start, end, text[start:end], level=level))
                i = stop
                continue
            start, end = tokens[i][1], tokens[i + size - 1][2]
            mentions.append(Mention(start, end, text[start:end], units, label, confidence))
            i += size
        return mentions


# The kind of unit a name's head says it is, for a unit the review page offers to create.
_KIND_BY_HEAD: tuple[tuple[str, str], ...] = (
    ("uy ban nhan dan", "committee"),
    ("hoi dong nhan dan", "council"),
    ("uy ban mat tran", "mass_org"),
    ("uy ban kiem tra", "party_board"),
    ("dang uy", "party_committee"),
    ("huyen uy", "party_committee"),
    ("thanh uy", "party_committee"),
    ("dang doan", "party_group"),
    ("ban can su", "party_group"),
    ("van phong", "agency"),
    ("so", "department"),
    ("phong", "department"),
    ("hoi", "mass_org"),
    ("doan", "mass_org"),
    ("huyen doan", "mass_org"),
    ("lien doan", "mass_org"),
)


def kind_for(name: str, level: str = PROVINCE) -> str:
    """The kind a unit named ``name`` most likely is ("agency" when the head says nothing);
    a board ("Ban …") of a Party committee is a party board, of anything else an agency."""
    words = canon(name).split()
    for head, kind in _KIND_BY_HEAD:
        if words[: len(head.split())] == head.split():
            return kind
    if words[:1] == ["ban"] and ("uy" in words or level != PROVINCE):
        return "party_board"
    return "agency"


def _strip_level_end(words: list[str]) -> list[str]:
    """The words without a trailing level word ("… huyện", "… Huyện ủy"), or [] if none."""
    for level_words, _level, _family in LEVEL_WORDS:
        size = len(level_words)
        if len(words) > size and tuple(words[-size:]) == level_words:
            return words[:-size]
    return []


def _strip_end(words: list[str], tail: tuple[str, ...]) -> list[str]:
    if tail and len(words) > len(tail) and tuple(words[-len(tail) :]) == tail:
        return words[: -len(tail)]
    return words


def _with_levels(units: list[UnitRef]) -> list[UnitRef]:
    """The units with their level and top-of-level flag filled in from names and parents."""
    by_pk = {u.pk: u for u in units}
    levels: dict[int, str] = {}

    def level(unit: UnitRef, depth: int = 0) -> str:
        if unit.pk not in levels:
            parent = by_pk.get(unit.parent) if unit.parent is not None else None
            inherited = level(parent, depth + 1) if parent and depth < 50 else PROVINCE
            own = unit.level or level_of_name(unit.name) or inherited
            # A unit never sits above its parent's level ("Hội đồng nhân dân tỉnh" aside).
            if LEVELS.index(own) < LEVELS.index(inherited):
                own = inherited
            levels[unit.pk] = own
        return levels[unit.pk]

    out = []
    for unit in units:
        parent = by_pk.get(unit.parent) if unit.parent is not None else None
        mine = level(unit)
        top = parent is None or level(parent) != mine
        out.append(replace(unit, level=mine, top_of_level=top))
    return out


def _adjacent(tokens: list[tuple[str, int, int]], text: str, a: int, b: int) -> bool:
    """No punctuation between tokens ``a`` and ``b``."""
    return not text[tokens[a][2] : tokens[b][1]].strip()


def _needs_other(
    tokens: list[tuple[str, int, int]],
    text: str,
    j: int,
    units: tuple[UnitRef, ...],
    confidence: str,
    rewritten: set[int],
    placement: Placement,
) -> str:
    """The level a match followed by more of a name needs instead, or "" when it stands:
    "Công an" + "huyện" is the district's police, not the province's; "Văn phòng" + "Chính
    phủ" is not the issuer's office."""
    if j >= len(tokens) or not _adjacent(tokens, text, j - 1, j):
        return ""
    size, level, _family = level_word_at(tokens, text, j)
    if j in rewritten:
        size, level = 1, placement.level
    if size:
        return level if any(u.level != level for u in units) else ""
    if confidence in (RELATIVE, FUZZY) and text[tokens[j][1]].isupper():
        return placement.level
    return ""


def _name_start(
    tokens: list[tuple[str, int, int]], text: str, i: int, mentions: list[Mention]
) -> int:
    """Where a name that token ``i`` may end began: back over adjacent capitalised words that
    open with a head ("Văn phòng", "Ban"); ``i`` itself when nothing of a name stands before."""
    taken = mentions[-1].end if mentions else -1
    j = i
    while j > 0 and _adjacent(tokens, text, j - 1, j) and tokens[j - 1][2] > taken:
        if not text[tokens[j - 1][1]].isupper() and not _inside_word(tokens, text, j - 1):
            break
        j -= 1
    while j < i and not starts_with_head(text[tokens[j][1] : tokens[i][1]]):
        j += 1
    return j


def _inside_word(tokens: list[tuple[str, int, int]], text: str, j: int) -> bool:
    # The second word of a head written in lower case: "phòng" of "Văn phòng".
    return j > 0 and _adjacent(tokens, text, j - 1, j) and text[tokens[j - 1][1]].isupper()


def _name_end(
    tokens: list[tuple[str, int, int]],
    text: str,
    j: int,
    rewritten: set[int],
    pairs: set[tuple[str, str]],
) -> int:
    """Where a name that runs on from token ``j`` ends: over level words, capitalised words, the
    words "cùng cấp" stood for, and a lower-case word that follows a capitalised one as it does
    in some unit's name ("Đảng ủy", "Tổ quốc")."""
    while j < len(tokens) and _adjacent(tokens, text, j - 1, j):
        size = level_word_at(tokens, text, j)[0]
        compound = (tokens[j - 1][0], tokens[j][0]) in pairs and text[tokens[j - 1][1]].isupper()
        if size:
            j += size
        elif j in rewritten or text[tokens[j][1]].isupper() or compound:
            j += 1
        else:
            break
    return j


def _same_level(
    tokens: list[tuple[str, int, int]], family: tuple[str, ...]
) -> tuple[list[tuple[str, int, int]], set[int]]:
    """ "cùng cấp" → the issuer's level word ("huyện" for a district), spanning the original
    words, so "Hội đồng nhân dân cùng cấp" reads as the issuer's own council."""
    out: list[tuple[str, int, int]] = []
    rewritten: set[int] = set()
    i = 0
    while i < len(tokens):
        if [t[0] for t in tokens[i : i + 2]] == ["cung", "cap"]:
            start, end = tokens[i][1], tokens[i + 1][2]
            for word in family:
                rewritten.add(len(out))
                out.append((word, start, end))
            i += 2
            continue
        out.append(tokens[i])
        i += 1
    return out, rewritten
