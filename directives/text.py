"""Text helpers shared by the importer, search and unit matching.

Vietnamese is typed with and without diacritics; `fold` gives the form both compare equal in.
"""

from __future__ import annotations

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
