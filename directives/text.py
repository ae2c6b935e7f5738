"""Text helpers shared by the importer, search and unit matching.

Vietnamese is typed with and without diacritics; `fold` gives the form both compare equal in.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def normalise_spaces(text: str) -> str:
    """NFC-normalise and turn every run of (no-break) spaces into one ordinary space, per line."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def fold(text: str) -> str:
    """Lower-case text without diacritics (đ → d), spaces collapsed: the form used for matching."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text.lower()).strip()


def shorten(text: str, limit: int = 120) -> str:
    """Cut text at a word boundary so titles stay readable (no half words, an ellipsis if cut)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def search_key(*parts: str) -> str:
    """The stored form for searching: folded words, one space apart, with a space at both ends.

    Punctuation separates words ("LĐ-TB&XH" → " ld tb xh "), and the leading space lets one
    `LIKE '% word%'` find a word by its beginning — the way people type — on SQLite and
    PostgreSQL alike (where a trigram index serves that pattern).
    """
    joined = " ".join(str(part) for part in parts if part)  # lazy translations too
    words = "".join(ch if ch.isalnum() else " " for ch in fold(joined))
    words = " ".join(words.split())
    return f" {words} " if words else ""


@functools.lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """`fold` of one character, with non-word characters as a space ("" for a combining mark).

    Folding is per character (đ included), so a position in the folded text maps back to a
    position in the original — what highlighting needs. Kept per character: a search page
    folds every character of its hits' texts (8,000 on a common word's page), from an
    alphabet of a few hundred.
    """
    if ch in "đĐ":
        return "d"
    decomposed = unicodedata.normalize("NFD", ch.lower())
    folded = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return "".join(c if c.isalnum() else " " for c in folded)


def percent(value) -> str:
    """A percentage as every page, export and print view shows it: "72 %" without needless
    decimals, "66,7 %" where a decimal matters — one decimal at most, rounded half up, with the
    reader's decimal mark ("66.7 %" in English) and a space before the sign; "—" for
    None (nothing has fallen due). The stored rate keeps its two decimals (headline_rate)."""
    from django.utils.formats import number_format

    if value is None:
        return "—"
    rounded = rounded_percent(value)
    decimals = 0 if rounded == rounded.to_integral_value() else 1
    return number_format(rounded, decimals, use_l10n=True) + " %"


def rounded_percent(value):
    """The percentage `percent` shows, as a number (one decimal, half up): spreadsheet cells
    carry the figure the page shows, so a reader comparing them finds the same."""
    from decimal import ROUND_HALF_UP, Decimal

    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
