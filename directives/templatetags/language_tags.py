"""The language switcher's helper: each language named in itself, composed (NFC)."""

from __future__ import annotations

import unicodedata

from django import template

register = template.Library()


@register.filter
def own_name(language: dict) -> str:
    """'Tiếng Việt', 'English': Django's name_local, whose Vietnamese is half decomposed."""
    return unicodedata.normalize("NFC", language["name_local"])
