"""Hostile input: no server error and nothing written on failure, on every form and parser;
script payloads come back escaped; an oversized request is refused cleanly.

Property-based (hypothesis); examples per test: see VIEW_EXAMPLES / FUNCTION_EXAMPLES in
tests/security/hostile.py. New forms: add a test with `post_hostile` (see that module).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django import forms
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from directives import actions
from directives.calendar import DeadlinePhraseError, ResolvedDeadline, resolve_deadline
from directives.fields import DeadlineField
from directives.importers.conclusion import DocumentParseError, decode, parse_conclusion
from directives.models import Assignment, Directive, Document
from tests.conftest import PASSWORD
from tests.security.checks import changed_tables, row_counts
from tests.security.hostile import (
    HOSTILE_FORM,
    HOSTILE_FUNCTION,
    PAYLOADS,
    hostile_form,
    hostile_number,
    hostile_text,
    post_hostile,
)

SIGN_IN_LOG = {"axes_accessattempt", "axes_accessfailurelog"}


@pytest.fixture
def fast_passwords(settings):
    """Every example checks a password; the production hasher would spend most of the run on it.
    Request it before the user fixtures so their passwords use it too."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- forms through their views ---------------------------------------------------------------


@HOSTILE_FORM
@given(data=hostile_form({"username": hostile_text(), "password": hostile_text()}))
def test_sign_in_form_survives_hostile_input(fast_passwords, client, staff_user, data):
    response = post_hostile(client, reverse("login"), data, may_write_on_refusal=SIGN_IN_LOG)
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


@HOSTILE_FORM
@given(
    data=hostile_form(
        {
            "old_password": hostile_text(),
            "new_password1": hostile_text(),
            "new_password2": hostile_text(),
        }
    )
)
def test_password_change_form_survives_hostile_input(fast_passwords, client, staff_user, data):
    client.force_login(staff_user)
    response = post_hostile(client, reverse("password_change"), data)
    assert response.status_code == 200  # the old password is never guessed
    staff_user.refresh_from_db()
    assert staff_user.check_password(PASSWORD)


def _admin_assignment_data(assignment):
    """The admin assignment form: real ids or garbage for the relations, hostile text elsewhere."""
    some_id = st.one_of(st.just(str(assignment.directive_id)), hostile_number())
    unit_id = st.one_of(st.just(str(assignment.lead_unit_id)), hostile_number())
    date_text = st.one_of(st.dates().map(dt.date.isoformat), hostile_text(30))
    inline_management = {
        f"{prefix}-{key}": st.just("0")
        for prefix in ("deadline_changes", "updates")
        for key in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    return hostile_form(
        {
            "directive": some_id,
            "lead_unit": unit_id,
            "coordinating_units": st.lists(unit_id, max_size=3),
            "contact_person": hostile_text(),
            "expected_result": hostile_text(),
            # The admin's one "Thời hạn" input takes a date or a phrase.
            "deadline_phrase": st.one_of(date_text, hostile_text()),
            **inline_management,
        }
    )


@pytest.mark.parametrize("page", ["add", "change"])
def test_admin_assignment_form_survives_hostile_input(client, admin_user, assignment, page):
    client.force_login(admin_user)
    url = (
        reverse("admin:directives_assignment_add")
        if page == "add"
        else reverse("admin:directives_assignment_change", args=[assignment.pk])
    )

    @HOSTILE_FORM
    @given(data=_admin_assignment_data(assignment))
    def check(data):
        response = post_hostile(client, url, data)
        if response.status_code == 302:  # accepted: the page showing it still renders
            saved = Assignment.objects.order_by("-pk").first() if page == "add" else assignment
            change = reverse("admin:directives_assignment_change", args=[saved.pk])
            assert client.get(change).status_code == 200

    check()


# --- fields, parsers and the importer --------------------------------------------------------


@HOSTILE_FUNCTION
@given(text=hostile_text())
def test_deadline_field_cleans_or_explains(db, text):
    try:
        value = DeadlineField(required=False).clean(text)
    except forms.ValidationError as error:
        assert error.messages and all(message.strip() for message in error.messages)
    else:
        assert value is None or isinstance(value, ResolvedDeadline)


def _deadline_phrases():
    """Phrases shaped like the real ones, with numbers from anywhere."""
    number = st.one_of(st.integers(-5, 10**6), st.integers(0, 10**30)).map(str)
    day_month_year = st.tuples(number, number, number).map("/".join)
    return st.one_of(
        hostile_text(),
        st.builds(lambda y: f"trước Tết Nguyên đán {y}", number),
        st.builds(lambda y: f"Trước Tết Dương lịch {y}", number),
        st.builds(lambda m, y: f"trong tháng {m}/{y}", number, number),
        st.builds(
            lambda q, y: f"trong quý {q}/{y}", st.sampled_from(["I", "IV", "4", "V", "0"]), number
        ),
        st.builds(lambda n, d: f"{n} ngày làm việc kể từ {d}", number, day_month_year),
        st.builds(lambda n: f"trong {n} ngày làm việc", number),
        st.builds(lambda d: f"chậm nhất ngày {d}", day_month_year),
        st.builds(lambda c, ch: f"trước Tết {c} {ch}", hostile_text(12), hostile_text(12)),
    )


@HOSTILE_FUNCTION
@given(
    phrase=_deadline_phrases(),
    start=st.one_of(st.none(), st.dates()),
    events=st.dictionaries(hostile_text(60), st.dates(), max_size=3),
)
def test_resolve_deadline_resolves_or_explains(phrase, start, events):
    try:
        resolved = resolve_deadline(phrase, start=start, events=events)
    except DeadlinePhraseError as error:
        assert str(error).startswith("Không xác định được thời hạn")
    else:
        assert isinstance(resolved.date, dt.date) and resolved.basis


def _conclusion_texts():
    """Texts shaped like conclusions (numbered items, dates, numbers, signatures) and noise."""
    line = hostile_text(200)
    item = st.builds(lambda n, t: f"{n}. {t}", st.integers(0, 12), line)
    header = st.builds(
        lambda number, day, signer: (
            f"Số: {number}\nNgày {day}, Ban Thường vụ Tỉnh ủy họp. "
            f"Đồng chí {signer}, Bí thư Tỉnh ủy kết luận:"
        ),
        st.one_of(hostile_text(120), st.just("123-KL/TU" * 20)),
        st.one_of(hostile_text(20), st.just("31/02/2021"), st.just("17/11/2020")),
        hostile_text(150),
    )
    document = st.builds(
        lambda h, items, tail: "\n".join([h, *items, tail]),
        header,
        st.lists(st.one_of(item, line), max_size=8),
        st.one_of(st.just("TL. BAN THƯỜNG VỤ"), line),
    )
    return st.one_of(hostile_text(2000), document)


@HOSTILE_FUNCTION
@given(text=_conclusion_texts())
def test_conclusion_parser_parses_or_explains(text):
    try:
        parsed = parse_conclusion(text)
    except DocumentParseError as error:
        assert str(error).strip()
    else:
        assert parsed.directives and parsed.subject


@HOSTILE_FUNCTION
@given(data=st.one_of(st.binary(max_size=500), hostile_text().map(lambda s: s.encode())))
def test_uploaded_bytes_decode_or_explain(data):
    try:
        text = decode(data)
    except DocumentParseError as error:
        assert str(error).strip()
    else:
        assert isinstance(text, str) and "\x00" not in text


@HOSTILE_FORM
@given(text=_conclusion_texts())
@example(text="\x00\n1. 0")  # PostgreSQL cannot store NUL
@example(text="Số: " + "123-KL/TU" * 20 + "\n1. Nhiệm vụ")  # longer than the number column
@example(text="đồng chí " + "Nguyễn " * 60 + ", Bí thư Tỉnh ủy kết luận\n1. Nhiệm vụ")
def test_importing_a_parsed_text_saves_it_whole_or_not_at_all(db, text):
    try:
        parsed = parse_conclusion(text)
    except DocumentParseError:
        return
    before = row_counts()
    try:
        document, created = actions.import_document(parsed)
    except DocumentParseError:
        assert not changed_tables(before, row_counts())
        return
    assert created or document.pk
    assert document.directives.count() == len(parsed.directives)


# --- escaping --------------------------------------------------------------------------------

SCRIPT = "<script>alert('xss')</script>"
IMAGE = '"><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile_assignment(assignment, lead_unit):
    """Script payloads in every text a user can type that pages show."""
    lead_unit.name = f"Ban {SCRIPT}"
    lead_unit.save()
    directive = assignment.directive
    directive.title = f"Nhiệm vụ {SCRIPT}"
    directive.text = IMAGE
    directive.save()
    Document.objects.filter(pk=directive.document_id).update(subject=f"Kết luận {IMAGE}")
    Assignment.objects.filter(pk=assignment.pk).update(
        contact_person=IMAGE, expected_result=SCRIPT, deadline_basis=f"Trước {SCRIPT}"
    )
    assignment.refresh_from_db()
    return assignment


def assert_escaped(content: str) -> None:
    assert SCRIPT not in content and IMAGE not in content
    assert "&lt;script&gt;" in content


def test_payloads_render_escaped_on_the_home_page(client, staff_user, hostile_assignment):
    client.force_login(staff_user)
    assert_escaped(client.get(reverse("home")).content.decode())


@pytest.mark.parametrize(
    ("url_name", "args"),
    [
        ("admin:directives_assignment_changelist", lambda a: []),
        ("admin:directives_assignment_change", lambda a: [a.pk]),
        ("admin:directives_assignment_history", lambda a: [a.pk]),
        ("admin:directives_directive_changelist", lambda a: []),
        ("admin:directives_directive_change", lambda a: [a.directive_id]),
        ("admin:directives_unit_changelist", lambda a: []),
        ("admin:directives_document_change", lambda a: [a.directive.document_id]),
    ],
)
def test_payloads_render_escaped_in_the_admin(
    client, admin_user, hostile_assignment, url_name, args
):
    client.force_login(admin_user)
    response = client.get(reverse(url_name, args=args(hostile_assignment)))
    assert response.status_code == 200
    assert_escaped(response.content.decode())


@pytest.mark.parametrize(
    ("url_name", "args"),
    [
        ("assignment_list", lambda a: []),
        ("assignment_detail", lambda a: [a.pk]),
        ("dashboard", lambda a: []),
        ("dashboard_assignments", lambda a: []),
        ("report_print", lambda a: []),
    ],
)
def test_payloads_render_escaped_on_the_application_pages(
    client, leader_user, hostile_assignment, url_name, args
):
    client.force_login(leader_user)
    response = client.get(reverse(url_name, args=args(hostile_assignment)))
    assert response.status_code == 200
    assert_escaped(response.content.decode())


def test_payloads_stay_text_in_the_csv_export(client, leader_user, hostile_assignment):
    client.force_login(leader_user)
    response = client.get(reverse("report_csv"))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert SCRIPT in content  # as plain text, which a spreadsheet never runs


# Text a spreadsheet would run as a formula: each starts with one of = + - @.
FORMULAS = {
    "directive_number": "=1+1",
    "lead": "+cmd|' /C calc'!A0",
    "coordinating": "-2+3+cmd|' /C calc'!A0",
    "basis": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def test_formulas_in_every_text_column_are_neutralised_in_the_csv(
    client, leader_user, assignment, lead_unit, coordinating_unit
):
    Directive.objects.filter(pk=assignment.directive_id).update(number=FORMULAS["directive_number"])
    lead_unit.name = FORMULAS["lead"]
    lead_unit.save()
    coordinating_unit.name = FORMULAS["coordinating"]
    coordinating_unit.save()
    Assignment.objects.filter(pk=assignment.pk).update(deadline_basis=FORMULAS["basis"])
    client.force_login(leader_user)
    response = client.get(reverse("report_csv"))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(content)))
    cells = dict(zip(header, row, strict=True))
    # Each payload is there, whole, behind a leading apostrophe that keeps it text.
    assert cells["Nội dung nhiệm vụ"].startswith("'" + FORMULAS["directive_number"] + ". ")
    assert cells["Đơn vị chủ trì"] == "'" + FORMULAS["lead"]
    assert cells["Đơn vị phối hợp"] == "'" + FORMULAS["coordinating"]
    assert cells["Căn cứ thời hạn"] == "'" + FORMULAS["basis"]
    assert not [cell for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_every_payload_is_escaped_in_a_directive_title(client, admin_user, assignment):
    client.force_login(admin_user)
    for payload in PAYLOADS:
        if "<" not in payload:
            continue
        Directive.objects.filter(pk=assignment.directive_id).update(title=payload)
        content = client.get(reverse("admin:directives_assignment_changelist")).content.decode()
        assert payload not in content


# --- request size ----------------------------------------------------------------------------


def test_oversized_request_body_is_refused_cleanly(client, staff_user, settings):
    before = row_counts()
    body = {
        "username": staff_user.username,
        "password": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
    }
    response = client.post(reverse("login"), body)
    assert response.status_code == 413
    content = response.content.decode()
    assert "Dữ liệu gửi lên quá lớn" in content and "Traceback" not in content
    assert not changed_tables(before, row_counts())


def test_too_many_fields_are_refused_cleanly(client, admin_user, settings):
    client.force_login(admin_user)
    before = row_counts()
    fields = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("admin:directives_unit_add"), fields)
    assert response.status_code == 413
    assert not changed_tables(before, row_counts())
