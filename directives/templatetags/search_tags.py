"""Template filters that mark the words a search matched: {{ text|highlight:words }}."""

from __future__ import annotations

from django import template

from directives import search

register = template.Library()


@register.filter
def highlight(text, words):
    """The text, escaped, with each word start that matches the query in <mark>; a list of
    texts is joined with commas first."""
    if isinstance(text, (list, tuple)):
        text = ", ".join(map(str, text))
    return search.highlight(text, words or [])


@register.filter
def excerpt(text, words):
    """A highlighted passage of a long text around its first match."""
    return search.excerpt(text, words or [])


@register.filter
def matching_sentence(text, words):
    """The sentence of a document's text where the query's words meet, highlighted."""
    return search.matching_sentence(text, words or [])
