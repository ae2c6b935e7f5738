"""The input sweep: every URL × every parameter it reads × every role × hostile values.

Walks every URL pattern of the project (as tests/test_permission_matrix.py does) and feeds each
query parameter and form field a view reads with values that break naive parsing: '²' (which
`str.isdigit()` accepts and `int()` refuses), '١٢' (which `int()` reads as 12), signs, 10**30,
empty, NUL, 10,000 characters, dates that do not exist or have not come yet — always — plus a
fixed number of hypothesis-generated ones (derandomized, so every run sends the same values).
It fails on any server error, and on any write by a refused request (a cheap fingerprint of the
tables a user's action writes is compared before and after).

Which roles read the parameters: the roles the permission matrix lets through get one request
per parameter and value, the other parameters keeping a valid value (so a bad one meets the code
behind the valid ones, e.g. a decision's `filters` after the decision is written); the roles it
denies get one request per value with every parameter bad at once (they must be turned away
before anything is read).

A URL without a row in PARAMS fails `test_every_url_has_a_sweep_row` with the row to add. The
admin's per-model pages need no row: their changelist filters and form fields are read from the
ModelAdmin itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from directives.intake_forms import sign_source
from tests.security.world import ADMIN, ROLES, World
from tests.test_permission_matrix import (
    ALL_NAMES,
    DENIALS,
    admin_page_of,
    rolled_back_world,
    spec_for,
)

# --- the values -----------------------------------------------------------------------------------
ALWAYS = [
    "²",
    "١٢",
    "-1",
    "0",
    str(10**30),
    "",
    "\x00",
    "x" * 10_000,
    "2021-02-30",
    "abc",
    "2030-01-01",
]
GENERATED = 1  # hypothesis examples per parameter on top of ALWAYS (fixed, derandomized)

_digits = st.sampled_from(["1", "2", "12", "٣", "²", "𝟙", "١٢", "9" * 25, "-", "+", " ", "_"])
HOSTILE = st.one_of(
    st.lists(_digits, min_size=1, max_size=4).map("".join),  # number-like, mixed digit sets
    st.builds(  # date-like, existing or not, in both of the UI's orders
        lambda y, m, d, iso: f"{y:04d}-{m:02d}-{d:02d}" if iso else f"{d:02d}/{m:02d}/{y:04d}",
        st.integers(0, 9999),
        st.integers(0, 13),
        st.integers(0, 32),
        st.booleans(),
    ),
    st.text(st.characters(codec="utf-8"), max_size=30),
)


# --- what each URL reads ------------------------------------------------------------------
@dataclass
class Row:
    """What a URL reads. `get`/`post`: parameter names swept one at a time with bad values;
    `together`: GET parameters the same code reads for another URL, where they are swept one at
    a time — here they are all bad at once, once per value; `base_get` / `base_post`: valid
    values the other parameters keep (world → dict); `wrap`: how a swept value is put into a
    parameter that carries a query string (a decision's `filters`)."""

    get: tuple[str, ...] = ()
    post: tuple[str, ...] = ()
    together: tuple[str, ...] = ()
    base_get: Callable[[World], dict] = lambda w: {}
    base_post: Callable[[World], dict] = lambda w: {}
    wrap: dict[str, Callable[[World, str], str]] = field(default_factory=dict)


REPORT = ("doc", "directive", "unit", "due_from", "due_to", "standing", "on", "expand")
REPORT_LIST = (*REPORT, "group", "list", "lead", "basis", "page")
OVERVIEW = ("period", "period_from", "period_to", "by", "issuer", "kind", "unit", "on", "expand")
OVERVIEW_LIST = (*OVERVIEW, "group", "list", "doc", "lead", "page")


def _filters(w: World, value: str) -> str:
    """A dashboard's hidden `filters` field with `value` in every filter it carries."""
    return (
        urlencode({"doc": w.document.pk, **dict.fromkeys([*REPORT_LIST[1:], "expand"], value)})
        + "&"
        + urlencode({"doc": value, "expand": value})
    )


def _version(w: World) -> int:
    w.assignment.refresh_from_db()
    return w.assignment.version


def _slot_version(w: World, name: str) -> int:
    slot = getattr(w, name)
    slot.refresh_from_db()
    return slot.version


DECISION = {"filters": _filters}
PASSWORDS = ("old_password", "new_password1", "new_password2")

PARAMS: dict[str, Row] = {
    "home": Row(),
    "login": Row(get=("next",), post=("username", "password", "next")),
    "logout": Row(post=("next",)),
    "password_change": Row(post=PASSWORDS),
    "password_change_done": Row(),
    "set_language": Row(get=("next",), post=("language", "next")),
    "healthz": Row(),
    "metrics": Row(),
    "baseline": Row(),
    "bench_minimal": Row(),
    "admin:index": Row(),
    "admin:login": Row(get=("next",), post=("username", "password", "next")),
    "admin:logout": Row(),
    "admin:password_change": Row(post=PASSWORDS),
    "admin:password_change_done": Row(),
    "admin:jsi18n": Row(),
    "admin:autocomplete": Row(
        get=("app_label", "model_name", "field_name", "term", "page"),
        base_get=lambda w: {
            "app_label": "directives",
            "model_name": "assignment",
            "field_name": "lead_unit",
        },
    ),
    "admin:auth_user_password_change": Row(post=("password1", "password2", "usable_password")),
    "admin:view_on_site": Row(),
    "admin:app_list": Row(),
    "admin:directives_document_import": Row(
        # What the confirm step parses itself, and every formset's count (forms.PostedFormsFormSet).
        post=(
            "payload",
            "dir-TOTAL_FORMS",
            "asg-TOTAL_FORMS",
            "unk-TOTAL_FORMS",
            "doc-issue_date",
            "asg-0-directive",
            "asg-0-lead",
            # A proposed reporting obligation (issue 18): its key, rule and units.
            "obl-TOTAL_FORMS",
            "obl-0-directive",
            "obl-0-frequency",
            "obl-0-due_rule",
            "obl-0-receiving_unit",
            "obl-0-units",
        ),
        base_post=lambda w: {
            "step": "confirm",
            "payload": sign_source("THÔNG BÁO\n1. Nhiệm vụ một."),
            "doc-subject": "Văn bản quét",
            "doc-issue_date": "04/01/2021",
            "dir-TOTAL_FORMS": "1",
            "dir-INITIAL_FORMS": "0",
            "dir-0-include": "on",
            "dir-0-number": "1",
            "dir-0-title": "Một",
            "dir-0-text": "Nhiệm vụ một.",
            "asg-TOTAL_FORMS": "1",
            "asg-INITIAL_FORMS": "0",
            "asg-0-directive": "0",
            "asg-0-include": "on",
            "asg-0-lead": f"u:{w.lead_unit.pk}",
            "unk-TOTAL_FORMS": "0",
            "unk-INITIAL_FORMS": "0",
            "obl-TOTAL_FORMS": "1",
            "obl-INITIAL_FORMS": "0",
            "obl-0-include": "on",
            "obl-0-directive": "0",
            "obl-0-title": "Báo cáo kết quả",
            "obl-0-frequency": "quarterly",
            "obl-0-due_rule": "ngày 20 của tháng cuối kỳ",
            "obl-0-receiving_unit": str(w.lead_unit.pk),
            "obl-0-units": str(w.lead_unit.pk),
        },
    ),
    "assignment_list": Row(get=("q", "status", "standing", "directive", "role", "page")),
    "assignment_detail": Row(),
    "assignment_progress": Row(
        post=(
            "progress-note",
            "progress-percent",
            "progress-version",
            "progress-difficulties",
            "progress-proposals",
        ),
        base_post=lambda w: {
            "progress-note": "Quét",
            "progress-percent": "40",
            "progress-version": _version(w),
        },
    ),
    "assignment_start": Row(
        post=("start-version",), base_post=lambda w: {"start-version": _version(w)}
    ),
    "assignment_report_done": Row(
        post=("report-note", "report-version"),
        base_post=lambda w: {"report-note": "Xong", "report-version": _version(w)},
    ),
    "assignment_split": Row(
        post=("target", "expected_result", "deadline", "coordinating_units"),
        base_post=lambda w: {
            "target": f"user:{w.users['lead_staff'].pk}",
            "expected_result": "Quét",
            "deadline": "01/02/2021",
        },
    ),
    "assignment_extension": Row(
        post=("extension-new_deadline", "extension-reason", "extension-version"),
        base_post=lambda w: {
            "extension-new_deadline": "30/06/2021",
            "extension-reason": "Quét",
            "extension-version": _version(w),
        },
    ),
    "attachment_download": Row(),
    "search_results": Row(
        get=("q", "kind", "document", "page"), base_get=lambda w: {"q": "tet", "kind": "directive"}
    ),
    # The dashboard reads its filters with build_report, as the list page does (swept there one
    # by one); the as-of date, the document and the expanded units it uses its own way.
    "dashboard": Row(
        get=("on", "doc", "expand"), together=REPORT, base_get=lambda w: {"doc": w.document.pk}
    ),
    "dashboard_assignments": Row(get=REPORT_LIST, base_get=lambda w: {"doc": w.document.pk}),
    # The exports read their filters with build_report, as the list page does (swept there one
    # by one); each reads the as-of date its own way (a 400 for a date it cannot show).
    "report_xlsx": Row(
        get=("on",), together=REPORT_LIST, base_get=lambda w: {"doc": w.document.pk}
    ),
    "report_csv": Row(get=("on",), together=REPORT_LIST, base_get=lambda w: {"doc": w.document.pk}),
    "urge_letter": Row(
        get=("assignment",),
        together=REPORT_LIST,
        post=("reply_by", "filters"),
        base_get=lambda w: {"doc": w.document.pk},
        base_post=lambda w: {"reply_by": "31/12/2099"},
        wrap=DECISION,
    ),
    "report_docx": Row(
        get=("on",), together=REPORT_LIST, base_get=lambda w: {"doc": w.document.pk}
    ),
    "report_print": Row(
        get=("on",), together=REPORT_LIST, base_get=lambda w: {"doc": w.document.pk}
    ),
    # The overview reads its filters with build_overview, swept one by one on its list page
    # (the overview itself, the dashboard URL without doc, reads them with the same code).
    "overview_assignments": Row(get=OVERVIEW_LIST),
    "overview_xlsx": Row(get=("on",), together=OVERVIEW_LIST),
    "overview_csv": Row(get=("on",), together=OVERVIEW_LIST),
    "overview_print": Row(get=("on",), together=OVERVIEW_LIST),
    "landing": Row(),
    "assignment_decide": Row(
        post=(
            "action",
            "note",
            "version",
            "confirm_below",
            "back_to",
            "filters",
            "origin",
            "quality",
            "quality_comment",
        ),
        base_post=lambda w: {"action": "suspend", "note": "Quét", "version": _version(w)},
        wrap=DECISION,
    ),
    # Requests for explanation (issue 17): the reply-by day is a date or a deadline phrase.
    "explanation_request": Row(
        post=("question", "reply_by"),
        base_post=lambda w: {"question": "Vì sao chậm?", "reply_by": "31/12/2099"},
    ),
    "explanation_answer": Row(
        post=("answer", "version"),
        base_post=lambda w: {"answer": "Đã rõ"},
    ),
    "explanation_file": Row(),
    "scorecard": Row(get=("period",)),
    "scorecard_xlsx": Row(get=("period",)),
    "scorecard_docx": Row(get=("period",)),
    "assignment_urge": Row(
        post=("message", "filters", "origin"),
        base_post=lambda w: {"message": "Đề nghị khẩn trương"},
        wrap=DECISION,
    ),
    "extension_decide": Row(
        post=("decision", "note", "filters"),
        base_post=lambda w: {"decision": "refuse", "note": "Quét"},
        wrap=DECISION,
    ),
    # Periodic reports (issue 18).
    "periodic_list": Row(),
    "periodic_obligation": Row(get=("period", "status", "page")),
    "periodic_matrix": Row(get=("year", "page")),
    "periodic_matrix_xlsx": Row(get=("year",)),
    "periodic_compiled_docx": Row(get=("period",)),
    "periodic_template": Row(),
    "submission_detail": Row(),
    "submission_submit": Row(
        post=("text", "version", "figure_0"),
        base_post=lambda w: {"text": "Quét", "version": _slot_version(w, "open_slot")},
    ),
    "submission_review": Row(
        post=("decision", "reason", "version"),
        base_post=lambda w: {
            "decision": "return",
            "reason": "Quét",
            "version": _slot_version(w, "submitted_slot"),
        },
    ),
    "submission_file": Row(),
    "calendar_month": Row(get=("month",)),
    "calendar_subscription": Row(),
    "calendar_subscription_renew": Row(),
    "calendar_subscription_revoke": Row(),
    "calendar_feed": Row(),
    "notification_list": Row(get=("show", "page")),
    "notification_bell": Row(),
    "notification_read": Row(post=("read", "show", "page")),
    "notification_read_all": Row(post=("show", "page")),
    # The API (issue 19): the same parameters and forms as the pages, answered in JSON.
    "api:schema": Row(get=("format", "lang")),
    "api:docs": Row(),
    "api:document_list": Row(get=("after", "limit")),
    "api:document_detail": Row(),
    "api:directive_list": Row(get=("document", "after", "limit")),
    "api:directive_detail": Row(),
    "api:assignment_list": Row(
        get=("q", "status", "standing", "directive", "role", "unit", "after", "limit")
    ),
    "api:assignment_detail": Row(),
    "api:unit_list": Row(get=("after", "limit")),
    "api:calendar_resolve": Row(get=("phrase",)),
    "api:dashboard": Row(get=REPORT),
    "api:assignment_progress": Row(
        post=("note", "percent", "difficulties", "proposals", "version"),
        base_post=lambda w: {"note": "Quét", "percent": "10", "version": _version(w)},
    ),
    "api:assignment_start": Row(post=("version",), base_post=lambda w: {"version": _version(w)}),
    "api:assignment_report_done": Row(
        post=("note", "version"), base_post=lambda w: {"note": "Xong", "version": _version(w)}
    ),
    "api:assignment_extension": Row(
        post=("new_deadline", "reason", "version"),
        base_post=lambda w: {
            "new_deadline": "30/06/2021",
            "reason": "Quét",
            "version": _version(w),
        },
    ),
    "api:assignment_decision": Row(
        post=("action", "note", "version", "confirm_below"),
        base_post=lambda w: {"action": "suspend", "note": "Quét", "version": _version(w)},
    ),
    "api:assignment_urge": Row(
        post=("message",), base_post=lambda w: {"message": "Đề nghị khẩn trương"}
    ),
    "api:extension_decision": Row(
        post=("decision", "note"), base_post=lambda w: {"decision": "refuse", "note": "Quét"}
    ),
    "api_tokens": Row(post=("name", "scopes")),
    "api_token_revoke": Row(),
    "export_download": Row(),
}

# The admin's own changelist parameter that is parsed as a number, besides each filter's.
CHANGELIST = ("p",)


def _admin_request(world: World):
    request = RequestFactory().get("/")
    request.user = world.users[ADMIN]
    return request


def admin_row(label: str, page: str, world: World) -> Row:
    """The parameters an admin page reads, from its ModelAdmin: the changelist's filters and
    date hierarchy; the add/change forms' fields that are parsed (ids, numbers, dates, deadlines;
    free text and fixed choices are Django's own checks, swept by tests/test_hostile_input.py)."""
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    request = _admin_request(world)
    if not label.startswith("directives."):
        return Row()  # Django's and django-axes' own pages: visited, not swept
    if page == "changelist":
        names = list(CHANGELIST)
        changelist = model_admin.get_changelist_instance(request)
        for spec in changelist.filter_specs:
            names += spec.expected_parameters()
        hierarchy = (
            model_admin.get_date_hierarchy(request)
            if hasattr(model_admin, "get_date_hierarchy")
            else model_admin.date_hierarchy
        )
        if hierarchy:
            names += [f"{hierarchy}__{part}" for part in ("year", "month", "day")]
        return Row(get=tuple(dict.fromkeys(names)))
    if page in ("add", "change"):
        from django import forms

        form = model_admin.get_form(request, None if page == "add" else model.objects.first())
        parsed = (
            forms.IntegerField,
            forms.DateField,
            forms.DateTimeField,
            forms.ModelChoiceField,
            forms.DecimalField,
        )
        names = tuple(
            name
            for name, field_ in form.base_fields.items()
            if isinstance(field_, parsed) or "deadline" in name
        )
        # The add page takes initial values from the URL (?directive=…), read when it works out
        # related records; the change page takes none.
        related = tuple(n for n in names if isinstance(form.base_fields[n], forms.ModelChoiceField))
        return Row(get=related if page == "add" else (), post=names)
    return Row()


def row_for(name: str, world: World) -> Row | None:
    if name in PARAMS:
        return PARAMS[name]
    page = admin_page_of(name)
    if page:
        return admin_row(*page, world)
    return None


# --- the fingerprint of what users write ---------------------------------------------------------
FINGERPRINT = {
    "directives_progressupdate": "COUNT(*), COALESCE(MAX(id), 0)",
    "directives_assignment": "COUNT(*), COALESCE(SUM(version), 0)",
    "directives_reminder": "COUNT(*), COALESCE(MAX(id), 0)",
    "directives_extensionrequest": "COUNT(*), COUNT(decided_at)",
    "directives_deadlinechange": "COUNT(*), COALESCE(MAX(id), 0)",
    "directives_notification": "COUNT(*), COUNT(read_at)",
    "directives_calendarfeed": "COUNT(*), COUNT(revoked_at)",
    "directives_attachment": "COUNT(*), COALESCE(MAX(id), 0)",
    "directives_reportsubmission": "COUNT(*), COALESCE(SUM(version), 0)",
    "directives_reportsubmissionevent": "COUNT(*), COALESCE(MAX(id), 0)",
}
_FINGERPRINT_SQL = " UNION ALL ".join(
    f"SELECT '{table}', {columns} FROM {table}"  # noqa: S608 - our own table names
    for table, columns in FINGERPRINT.items()
)


def fingerprint() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(_FINGERPRINT_SQL)
        return {table: (int(a), int(b)) for table, a, b in cursor.fetchall()}


# --- the world, built once for the module -------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for every URL of this module, inside a transaction rolled back at the end (each
    test's own writes roll back to a savepoint, as in Django's TestCase.setUpTestData)."""
    yield from rolled_back_world(django_db_blocker, tmp_path_factory)


def test_every_url_has_a_sweep_row():
    missing = [n for n in ALL_NAMES if n not in PARAMS and not admin_page_of(n)]
    assert not missing, (
        "These URLs are not in the input sweep. For each, add to PARAMS in "
        "tests/test_input_sweep.py the query parameters and form fields its view reads, e.g.\n"
        + "\n".join(
            f'    "{n}": Row(get=(…), post=(…)),  # Row() if it reads none' for n in missing
        )
    )


def test_sweep_has_no_stale_rows():
    assert not set(PARAMS) - set(ALL_NAMES), sorted(set(PARAMS) - set(ALL_NAMES))


# --- sweeping ------------------------------------------------------------------------------------
SWEEP = settings(
    max_examples=GENERATED,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
STATS = {"requests": 0, "seconds": 0.0}


def _allowed(spec: dict, method: str) -> tuple[list[str], list[str]]:
    """(roles the matrix lets through, roles it turns away) for one method of one URL."""
    outcomes = spec.get(method, {})
    through = [r for r in ROLES if r in outcomes and outcomes[r] not in DENIALS]
    away = [r for r in ROLES if r not in through]
    return through, away


class Sweeper:
    def __init__(self, world: World, name: str, row: Row, spec: dict):
        self.world, self.name, self.row, self.spec = world, name, row, spec
        self.clients: dict[str, Client] = {}
        self.count = 0
        self.turn = 0

    def client(self, role: str) -> Client:
        client = self.clients.get(role)
        cookie = client.cookies.get("sessionid") if client is not None else None
        if client is None or (role != "anonymous" and not (cookie and cookie.value)):
            client = Client()
            if role != "anonymous":
                client.force_login(self.world.users[role])
            self.clients[role] = client
        return client

    def url(self) -> str:
        args = self.spec.get("args")
        return reverse(self.name, args=args(self.world) if args else None)

    def value(self, param: str, value: str) -> str:
        wrap = self.row.wrap.get(param)
        return wrap(self.world, value) if wrap else value

    def send(self, role: str, method: str, data: dict, what: str) -> None:
        url = self.url()
        before = fingerprint()
        client = self.client(role)
        start = time.perf_counter()
        try:
            response = client.get(url, data) if method == "GET" else client.post(url, data)
        except Exception as error:  # the test client re-raises a view's exception: a 500
            raise AssertionError(
                f"500 on {method} {url} as {role} with {what}: {type(error).__name__}: {error}"
            ) from error
        finally:
            STATS["seconds"] += time.perf_counter() - start
            STATS["requests"] += 1
            self.count += 1
        status = response.status_code
        assert status < 500, f"{status} on {method} {url} as {role} with {what}"
        # A write answers with a redirect, or with the file it made (an urging letter).
        attachment = response.get("Content-Disposition", "").startswith("attachment")
        # The API answers a write that succeeded with 200/201 and its JSON (issue 19).
        api_write = url.startswith("/api/") and status in (200, 201)
        succeeded = method == "POST" and (300 <= status < 400 or attachment or api_write)
        if not succeeded:
            after = fingerprint()
            changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
            assert not changed, (
                f"{method} {url} as {role} with {what} was refused ({status}) but wrote {changed}"
            )

    def sweep(self, value: str) -> None:
        for method, names, base in (
            ("GET", self.row.get, self.row.base_get),
            ("POST", self.row.post, self.row.base_post),
        ):
            if method not in self.spec and not names:
                continue
            through, away = _allowed(self.spec, method)
            if names and value == ALWAYS[0]:
                # Each role the matrix turns away, once, with every parameter bad (a different
                # fixed value each): it must be refused before anything is read or written.
                every_bad = {n: self.value(n, ALWAYS[i % len(ALWAYS)]) for i, n in enumerate(names)}
                for role in away:
                    self.send(role, method, every_bad, "every parameter bad")
            if not through:
                continue
            if method == "GET" and self.row.together:
                role = through[self.turn % len(through)]
                data = {**base(self.world), **{n: value for n in self.row.together}}
                self.send(role, method, data, f"{', '.join(self.row.together)} = {value[:30]!r}")
            if not names:
                if value == ALWAYS[0]:  # nothing to vary: each admitted role once
                    for role in through:
                        self.send(role, method, base(self.world), "no parameters")
                continue
            # Each (parameter, value) as one admitted role, the roles taking turns, so every
            # admitted role meets bad values and the size grows with parameters, not roles.
            for index, name in enumerate(names):
                role = through[(index + self.turn) % len(through)]
                data = {**base(self.world), name: self.value(name, value)}
                self.send(role, method, data, f"{name}={value[:30]!r}")
        self.turn += 1


def _explicit(test):
    for value in reversed(ALWAYS):
        test = example(value=value)(test)
    return test


@pytest.mark.slow
@pytest.mark.parametrize("name", ALL_NAMES)
def test_input_sweep(world, db, name):
    spec = spec_for(name)
    row = row_for(name, world)
    if row is None or spec is None:
        pytest.fail(f"{name}: no sweep row (see test_every_url_has_a_sweep_row)")
    sweeper = Sweeper(world, name, row, spec)

    @SWEEP
    @_explicit
    @given(value=HOSTILE)
    def probe(value):
        sweeper.sweep(value)

    probe()


def summary() -> str | None:
    """The sweep's size and time, for the end of the test run (tests/conftest.py prints it)."""
    if not STATS["requests"]:
        return None
    return (
        f"input sweep: {STATS['requests']} requests in {STATS['seconds']:.1f} s "
        f"({len(ALL_NAMES)} URLs, {len(ROLES)} roles, {len(ALWAYS)} fixed + {GENERATED} "
        "generated values per parameter)"
    )
