"""One rule for every percentage a reader sees (issue 21): "72 %" without needless decimals,
"66,7 %" where a decimal matters — one decimal, never two — in the reader's language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from directives.text import percent


@pytest.mark.parametrize(
    ("value", "vietnamese", "english"),
    [
        (72, "72 %", "72 %"),
        (Decimal("72.00"), "72 %", "72 %"),
        (Decimal("66.67"), "66,7 %", "66.7 %"),
        (Decimal("98.63"), "98,6 %", "98.6 %"),
        (Decimal("90.63"), "90,6 %", "90.6 %"),
        (Decimal("12.50"), "12,5 %", "12.5 %"),
        (Decimal("99.96"), "100 %", "100 %"),
        (Decimal("0.04"), "0 %", "0 %"),
        (0, "0 %", "0 %"),
        (None, "—", "—"),
    ],
)
def test_percent_has_at_most_one_decimal_in_the_readers_language(value, vietnamese, english):
    with translation.override("vi"):
        assert percent(value) == vietnamese
    with translation.override("en"):
        assert percent(value) == english


def test_templates_use_the_same_filter_for_progress_and_rates():
    template = Template("{% load tracker leader %}{{ p|percent }} / {{ r|rate_label }}")
    with translation.override("vi"):
        text = template.render(Context({"p": 72, "r": Decimal("66.67")}))
    assert text == '<span class="nowrap">72 %</span> / 66,7 %'
