"""Dates read the same in every browser: text fields in dd/mm/yyyy, never native date inputs;
and the long select of thousands of units writes what Django's select writes."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from directives.widgets import DateInput, picker_labels


def test_date_input_shows_an_iso_value_as_dd_mm_yyyy():
    html = DateInput().render("on", "2021-02-09")
    assert 'type="text"' in html
    assert 'value="09/02/2021"' in html
    assert 'placeholder="dd/mm/yyyy"' in html
    assert 'data-picker="date"' in html


def test_date_input_keeps_what_the_user_typed_when_it_is_not_a_date():
    assert 'value="31/02/2021"' in DateInput().render("on", "31/02/2021")
    assert 'value="2021-02-31"' in DateInput().render("on", "2021-02-31")


def test_picker_words_follow_the_interface_language_not_the_browser():
    with translation.override("vi"):
        vi = picker_labels()
    with translation.override("en"):
        en = picker_labels()
    assert vi["months"][0] == "Tháng 1" and en["months"][0] == "January"
    assert vi["weekdays"][0] == "T2" and en["weekdays"][0] == "Mo"
    assert vi["choose_file"] == "Chọn tệp"


def test_dashboard_filters_are_dd_mm_yyyy_text_fields(client, demo):
    from directives.models import Document

    client.login(username="lanhdao", password="demo12345")  # noqa: S106
    doc = Document.objects.get()
    html = client.get(reverse("dashboard"), {"doc": doc.pk, "on": "2021-02-09"}).content.decode()
    assert 'type="date"' not in html
    assert re.search(r'<input[^>]*name="on"[^>]*value="09/02/2021"', html)
    assert "Số liệu tại ngày 09/02/2021" in html
    labels = re.search(r'<script id="picker-labels" type="application/json">(.*?)</script>', html)
    assert json.loads(labels[1])["months"][11] == "Tháng 12"
    # What the field shows is accepted back.
    again = client.get(reverse("dashboard"), {"doc": doc.pk, "on": "09/02/2021"})
    assert "Số liệu tại ngày 09/02/2021" in again.content.decode()


def test_calendar_month_field_is_mm_yyyy_text(client, demo):
    client.login(username="lanhdao", password="demo12345")  # noqa: S106
    html = client.get(reverse("calendar_month"), {"month": "02/2021"}).content.decode()
    assert 'type="month"' not in html
    assert re.search(r'<input type="text" id="month-input"[^>]*value="02/2021"', html)


@pytest.mark.parametrize("value", ["", "7", 7, None, "not-a-choice"])
def test_a_long_select_writes_what_djangos_select_writes(value):
    """The long select (thousands of units) is written in one pass: the same select, the same
    options, the same one selected, labels escaped, whatever the value."""
    from django import forms
    from django.test.html import parse_html
    from django.utils.translation import gettext_lazy

    from directives.widgets import LongSelect

    choices = [
        ("", gettext_lazy("Tất cả đơn vị")),
        (7, '— Sở Y tế <Cà Mau> & "Bạc Liêu"'),
        *((n, f"Xã {n}") for n in range(8, 40)),
    ]
    attrs = {"id": "id_unit", "aria-describedby": "id_unit_error", "required": True}
    django_select, long_select = forms.Select(choices=choices), LongSelect(choices=choices)
    expected = django_select.render("unit", value, attrs=attrs)
    written = long_select.render("unit", value, attrs=attrs)
    assert parse_html(written) == parse_html(expected)
    assert "&lt;Cà Mau&gt; &amp; &quot;Bạc Liêu&quot;" in written
    assert written.count(" selected") == (0 if value == "not-a-choice" else 1)
