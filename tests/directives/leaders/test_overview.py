"""The leaders' overview (`/dashboard/` without `doc`): its numbers are the sum of the
per-document dashboards' numbers, for every role, several filters and as-of dates; filters with
bad values say what is wrong; leaders and inspectors land on it; its cost does not grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directives.leaders.dashboard import Dashboard
from directives.leaders.overview import (
    Attention,
    OverviewBoard,
    build_overview,
    kind_of,
    period_range,
)
from directives.leaders.reporting import build_report
from directives.models import Assignment, Document, ReportGroup, Role, Status, Unit
from tests.factories import member

D = dt.date
HTMX = {"HTTP_HX_REQUEST": "true"}
KEYS = ["total", *ReportGroup.values]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo with its three documents, seeded once for the module."""
    from django.core.management import call_command

    from directives.demo import seed

    with django_db_blocker.unblock():
        seed(other_documents=True)
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(seeded, db, settings):
    """Each test sees the seeded demo; whatever it writes is rolled back after it.

    The overview is computed on each request here (its numbers and queries are what these
    tests read); reusing its cached region is tested in test_regions.py."""
    settings.DASHBOARD_REGION_CACHE = False


def _user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


ROLES = {
    "admin": lambda: _user("admin"),
    "inspector": lambda: _user("kiemtra"),
    "province leader": lambda: _user("lanhdao"),
    "UBND tỉnh leader": lambda: member(Unit.objects.get(name="Ủy ban nhân dân tỉnh"), Role.LEADER),
    "district leader": lambda: member(Unit.objects.get(name="Huyện ủy Năm Căn"), Role.LEADER),
}


def _query(**values) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in values.items():
        query[key] = str(value)
    return query


def per_document_sum(user, filters: dict, on: dt.date | None) -> dict[str, int]:
    """What the per-document dashboards show, added up over every document they count."""
    overview = build_overview(user, _query(**filters, **({"on": on} if on else {})))
    total = dict.fromkeys(KEYS, 0)
    for document in Document.objects.select_related("issuing_unit"):
        if overview.issuer is not None and document.issuing_unit != overview.issuer:
            continue
        if overview.kind and kind_of(document.number) != overview.kind:
            continue
        values = {"doc": document.pk}
        if on:
            values["on"] = on
        if overview.start and overview.by == "issued":
            if not overview.start <= document.issue_date <= overview.end:
                continue
        elif overview.start:
            values["due_from"], values["due_to"] = overview.start, overview.end
        if overview.unit is not None:
            values["unit"] = overview.unit.pk
        report = build_report(user, _query(**values))
        if overview.unit is not None and report.unit is None:
            continue  # no unit of that subtree leads anything in this document
        totals = Dashboard(report).totals
        for key in KEYS:
            total[key] += totals[key]
    return total


def overview_counts(user, filters: dict, on: dt.date | None) -> dict[str, int]:
    overview = build_overview(user, _query(**filters, **({"on": on} if on else {})))
    totals = OverviewBoard(overview).totals
    return {key: totals[key] for key in KEYS}


FILTERS = [
    {},
    {"unit": "Ủy ban nhân dân tỉnh"},
    {"period": "range", "period_from": "2020-12-01", "period_to": "2021-01-31"},
    {"period": "quarter"},
    {"period": "term2020", "by": "issued"},
    {"period": "range", "period_from": "2021-01-01", "period_to": "2021-12-31", "by": "issued"},
    {"issuer": "Ủy ban nhân dân tỉnh"},
    {"kind": "KL"},
]


@pytest.mark.slow
@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("on", [None, D(2021, 2, 9), D(2021, 1, 10), D(2021, 3, 5)])
def test_overview_counts_are_the_sum_of_the_document_dashboards(demo, role, on):
    user = ROLES[role]()
    seen = set()
    for raw in FILTERS:
        filters = dict(raw)
        for key in ("unit", "issuer"):
            if key in filters:
                filters[key] = Unit.objects.get(name=filters[key]).pk
        expected = per_document_sum(user, filters, on)
        assert overview_counts(user, filters, on) == expected, (role, on, raw)
        seen.add(tuple(expected.values()))
    # The filters narrow something: the comparison is not between empty pages.
    assert len(seen) > 2 and max(total for total, *_rest in seen) > 0


def _board(board: OverviewBoard) -> dict:
    """Everything the overview shows of its numbers, lists and trend, as plain values."""
    return {
        "documents": {pk: c.values for pk, c in board._breakdowns[0].items()},
        # Per lead unit where the rows are read (the whole tree's board reads the tallies of
        # the units it ranks: compared by "ranking").
        "units": {pk: c.values for pk, c in board._breakdowns[1].items()}
        if board.overview.ids_listed
        else {},
        "ranking": [
            (line.key, line.depth, line.direct, line.expandable, line.expanded, line.counts.values)
            for line in board.unit_lines
        ],
        "lists": [(a["kind"], a["count"], [row.pk for row in a["rows"]]) for a in board.attention],
        "trend": [(m.start, m.completed, m.fallen_due) for m in board.months],
    }


@pytest.mark.slow
@pytest.mark.parametrize("role", list(ROLES))
def test_a_date_read_in_one_pass_shows_what_sql_counts_section_by_section(demo, role):
    """A past date's overview reads each row's history once and works out groups, lists and
    trend in Python: the same as SQL gives section by section, on each database. Today too,
    where the scope is a list of ids (a leader below the whole tree's body): its rows read once
    from the stored columns."""
    user = ROLES[role]()
    shown = set()
    # Each date with two of the four filters, shifted by the role: every role meets every date
    # and every filter, and every (date, filter) pair is met by some role — the whole product
    # for each role took ten seconds a role on SQLite, whose plan of the history's subqueries
    # is the slow reference here.
    shift = list(ROLES).index(role)
    today = timezone.localdate()
    dates = (*PAST_DATES, today - dt.timedelta(days=1), today)
    for index, on in enumerate(dates):
        for raw in (FILTERS[(index + shift) % 4], FILTERS[(index + shift + 2) % 4]):
            filters = dict(raw)
            if "unit" in filters:
                filters["unit"] = Unit.objects.get(name=filters["unit"]).pk
            overview = build_overview(user, _query(**filters, on=on))
            one_pass = OverviewBoard(overview)
            assert one_pass.one_pass == (on < today or overview.ids_listed)
            assert overview.ids_listed == (role in ("UBND tỉnh leader", "district leader"))
            expected = _board(OverviewBoard(overview, one_pass=False))
            assert _board(one_pass) == expected, (role, on, raw)
            shown.update((kind, count > 0) for kind, count, _rows in expected["lists"])
    # The dates reach lists with rows: the comparison is not between empty lists. (What the
    # provincial People's Committee leads never waited for sign-off on these dates.)
    required = {Attention.OVERDUE, Attention.DUE, Attention.SILENT}
    if role != "UBND tỉnh leader":
        required.add(Attention.AWAITING)
    assert {kind for kind, some in shown if some} >= required


PAST_DATES = (D(2020, 12, 20), D(2021, 1, 10), D(2021, 2, 9), D(2021, 3, 5))
NARROWINGS = [
    {},
    *({"group": group} for group in ReportGroup.values),
    *({"list": kind} for kind, _label in Attention.choices()),
]


@pytest.mark.slow
@pytest.mark.parametrize("role", list(ROLES))
def test_a_past_list_read_in_one_pass_is_the_list_sql_gives(demo, role):
    """The list behind a past number is worked out from one read of the history: the same
    assignments in the same order as SQL's filter and sort, for every group and list."""
    user = ROLES[role]()
    document = Document.objects.order_by("pk").first().pk
    listed = set()
    for on in (*PAST_DATES, timezone.localdate() - dt.timedelta(days=1)):
        for narrowing in [*NARROWINGS, {"doc": document}, {"doc": document, "list": "overdue"}]:
            overview = build_overview(user, _query(on=on, **narrowing))
            assert not overview.on_error
            sql = list(
                overview.listed()
                .order_by("asof_deadline", "directive__document_id", "lead_unit__path", "pk")
                .values_list("pk", flat=True)
            )
            assert overview.past_listing() == sql, (role, on, narrowing)
            if sql:
                listed.add(tuple(narrowing.items()))
    assert len(listed) >= 8  # most narrowings list something on some date


def test_the_past_list_page_shows_the_rows_sql_lists(demo, client):
    client.force_login(_user("lanhdao"))
    query = {"on": "2021-02-09", "list": "overdue"}
    overview = build_overview(_user("lanhdao"), _query(**query))
    expected = list(
        overview.listed()
        .order_by("asof_deadline", "directive__document_id", "lead_unit__path", "pk")
        .values_list("pk", "asof_deadline")
    )
    assert len(expected) > 3
    page = client.get(reverse("overview_assignments"), query).context["page"]
    assert [(row.pk, row.asof_deadline) for row in page.object_list] == expected
    assert page.paginator.count == len(expected)


def _history_reads(board: OverviewBoard) -> int:
    """The queries that read each row's status as recorded then (from `status_before`)."""
    with CaptureQueriesContext(connection) as run:
        _board(board)
    return sum('"status_before"' in q["sql"] for q in run.captured_queries)


def test_a_past_overview_reads_the_history_once(demo):
    """A past date's sections read each row's status as recorded then in three queries
    (every row once, the lists' first rows, the explanations list; the awaiting list is
    ordered by the last report alone), not once per list and per month."""
    overview = build_overview(_user("lanhdao"), _query(on="2021-02-09"))
    assert _history_reads(OverviewBoard(overview)) == 3
    assert _history_reads(OverviewBoard(overview, one_pass=False)) >= 8


def test_the_demo_overview_adds_up_three_documents(demo, client):
    client.force_login(_user("lanhdao"))
    response = client.get(reverse("dashboard"), {"on": "2021-03-05"})
    board = response.context["board"]
    assert board.document_count == 3
    assert {line.label for line in board.issuer_lines} == {
        "Tỉnh Cà Mau",
        "Ủy ban nhân dân tỉnh",
        "Huyện ủy Năm Căn",
    }
    # The founding document's 25 and Năm Căn's Tết assignment, once: its three parts (issue 17)
    # are not the province's to count.
    assert board.totals.total == 25 + 1 + 5 + 3
    # Documents with the most overdue-unfinished work come first, each opening its dashboard.
    first = board.document_lines[0]
    assert first.counts.overdue == max(line.counts.overdue for line in board.document_lines)
    assert f"doc={first.key}" in first.url and "on=2021-03-05" in first.url


def test_district_leader_sees_their_subtree_and_their_own_documents(demo, client):
    namcan = Unit.objects.get(name="Huyện ủy Năm Căn")
    client.force_login(member(namcan, Role.LEADER))
    board = client.get(reverse("dashboard")).context["board"]
    # What Năm Căn split counts as the parts it handed down (issue 17), the parent not again.
    led = Assignment.objects.filter(lead_unit__path__startswith=namcan.path).exclude(
        children__assigned_by_unit=namcan
    )
    issued = Assignment.objects.filter(directive__document__issuing_unit=namcan)
    assert Assignment.objects.filter(assigned_by_unit=namcan).count() == 3
    assert board.totals.total == (led | issued).distinct().count()
    assert Unit.objects.get(name="Văn phòng Tỉnh ủy").pk not in {
        line.key for line in board.unit_lines
    }


def test_every_headline_number_links_to_the_list_of_what_it_counts(demo, client):
    client.force_login(_user("lanhdao"))
    board = client.get(reverse("dashboard"), {"on": "2021-02-09"}).context["board"]
    for cell in board.headline_cells:
        listed = client.get(cell.url).context["page"].paginator.count
        assert listed == cell.count, cell.group
    for item in board.attention:
        assert client.get(item["url"]).context["page"].paginator.count == item["count"], item
    line = board.document_lines[0]
    assert client.get(line.total_url).context["page"].paginator.count == line.counts.total


def test_attention_lists_are_each_shown_once_overdue_longest_first(demo, client):
    client.force_login(_user("lanhdao"))
    html = client.get(reverse("dashboard"), {"on": "2021-02-09"}).content.decode()
    for kind in Attention.labels:
        assert html.count(f'id="list-{kind}"') == 1
    board = client.get(reverse("dashboard"), {"on": "2021-02-09"}).context["board"]
    overdue = next(item for item in board.attention if item["kind"] == Attention.OVERDUE)
    deadlines = [a.asof_deadline for a in overdue["rows"]]
    assert deadlines == sorted(deadlines) and overdue["count"] == board.totals.overdue


def test_the_unit_ranking_rolls_up_and_expands_in_place(demo, client):
    client.force_login(_user("lanhdao"))
    board = client.get(reverse("dashboard")).context["board"]
    ubnd = next(line for line in board.unit_lines if line.label == "Ủy ban nhân dân tỉnh")
    below = Assignment.objects.filter(
        lead_unit__path__startswith=Unit.objects.get(pk=ubnd.key).path
    )
    assert ubnd.counts.total == below.count() and ubnd.expandable
    overdue = [line.counts.overdue for line in board.unit_lines if line.depth == 0]
    assert overdue == sorted(overdue, reverse=True)
    fragment = client.get(ubnd.toggle_url, **HTMX)
    assert b"<html" not in fragment.content
    expanded = fragment.context["board"].unit_lines
    assert any(line.depth == 1 for line in expanded)


def test_the_trend_has_twelve_months_with_a_table(demo, client):
    client.force_login(_user("lanhdao"))
    response = client.get(reverse("dashboard"), {"on": "2021-03-05"})
    months = response.context["board"].months
    assert [m.start for m in months][-1] == D(2021, 3, 1) and len(months) == 12
    december = next(m for m in months if m.start == D(2020, 12, 1))
    assert december.fallen_due >= 20  # the founding document's "khẩn trương" deadlines
    html = response.content.decode()
    assert 'id="trend-table"' in html and "<svg" in html


def test_htmx_gets_the_region_and_history_restore_the_page(demo, client):
    client.force_login(_user("lanhdao"))
    fragment = client.get(reverse("dashboard"), {"period": "year"}, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="overview"')
    page = client.get(
        reverse("dashboard"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert b"<html" in page.content


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "decade"}, "không phải là một trong các lựa chọn"),
        ({"period": "range"}, "cần nhập ngày"),
        ({"period": "range", "period_from": "2021-02-30"}, "Ngày không hợp lệ"),
        (
            {"period": "range", "period_from": "2021-03-01", "period_to": "2021-01-01"},
            "Ngày kết thúc phải sau ngày bắt đầu",
        ),
        ({"issuer": "²"}, "không phải là một trong các lựa chọn"),
        ({"unit": str(10**30)}, "không phải là một trong các lựa chọn"),
        ({"kind": "ZZ"}, "không phải là một trong các lựa chọn"),
        ({"by": "moon"}, "không phải là một trong các lựa chọn"),
        ({"on": "2021-02-30"}, "Ngày không hợp lệ: 2021-02-30"),
        ({"on": "2099-01-01"}, "ở tương lai: chưa có số liệu"),
    ],
)
def test_bad_filter_values_are_said_in_vietnamese_and_ignored(demo, client, params, message):
    client.force_login(_user("lanhdao"))
    for url in ("dashboard", "overview_assignments"):
        response = client.get(reverse(url), params)
        assert response.status_code == 200
        assert message in response.content.decode()


def test_date_filters_read_day_first_whatever_the_browser(demo, client):
    """The overview's date fields are the application's dd/mm/yyyy inputs (issue 21), not native
    date inputs that an English browser shows as 02/09/2021 under a 09/02/2021 banner."""
    client.force_login(_user("lanhdao"))
    html = client.get(
        reverse("dashboard"),
        {
            "on": "2021-02-09",
            "period": "range",
            "period_from": "2021-01-01",
            "period_to": "2021-02-28",
        },
    ).content.decode()
    assert 'type="date"' not in html
    assert 'name="on" value="09/02/2021"' in html
    assert 'name="period_from" value="01/01/2021"' in html


def test_a_period_is_relative_to_the_as_of_date():
    assert period_range("quarter", D(2021, 2, 9)) == (D(2021, 1, 1), D(2021, 3, 31))
    assert period_range("month", D(2020, 12, 15)) == (D(2020, 12, 1), D(2020, 12, 31))
    assert period_range("year", D(2021, 2, 9)) == (D(2021, 1, 1), D(2021, 12, 31))
    assert period_range("term2025", D(2021, 2, 9)) == (D(2025, 10, 1), D(2030, 9, 30))


def test_kind_is_read_from_the_number():
    assert kind_of("05-KL/HU") == "KL"
    assert kind_of("15/KH-UBND") == "KH"
    assert kind_of("42/2014/QĐ-TTg") == "QĐ"
    assert kind_of("") == ""


# --- landing and access -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("username", "lands"),
    [("lanhdao", "/dashboard/"), ("kiemtra", "/dashboard/"), ("tuyengiao", "/"), ("admin", "/")],
)
def test_sign_in_lands_leaders_and_inspectors_on_the_overview(demo, client, username, lands):
    response = client.post(
        reverse("login"), {"username": username, "password": "demo12345"}, follow=True
    )
    assert response.redirect_chain[-1][0] == lands


def test_staff_cannot_open_the_overview_or_its_exports(demo, client):
    client.force_login(_user("tuyengiao"))
    for name in ("dashboard", "overview_assignments", "overview_csv", "overview_xlsx"):
        assert client.get(reverse(name)).status_code == 403


# --- exports ----------------------------------------------------------------------------
def test_csv_and_excel_carry_the_filters_and_the_totals(demo, client):
    import io

    import openpyxl

    client.force_login(_user("lanhdao"))
    params = {"on": "2021-02-09", "issuer": Unit.objects.get(name="Ủy ban nhân dân tỉnh").pk}
    board = client.get(reverse("dashboard"), params).context["board"]
    text = client.get(reverse("overview_csv"), params).content.decode("utf-8-sig")
    assert "Cơ quan ban hành: Ủy ban nhân dân tỉnh" in text.splitlines()[0]
    total_line = text.splitlines()[2].split(",")
    assert int(total_line[2]) == board.totals.total
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("overview_xlsx"), params).content))
    sheet = book.active
    assert sheet.cell(5, 3).value == board.totals.total
    printed = client.get(reverse("overview_print"), params).content.decode()
    assert "Ủy ban nhân dân tỉnh" in printed and 'id="headline-rate"' in printed


def test_exports_refuse_a_date_they_cannot_show(demo, client):
    client.force_login(_user("lanhdao"))
    assert client.get(reverse("overview_csv"), {"on": "2099-01-01"}).status_code == 400


# --- bounded cost -----------------------------------------------------------------------
def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard"), params).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_documents_or_assignments(demo, client):
    from tests.factories import DirectiveFactory, DocumentFactory

    client.force_login(_user("lanhdao"))
    params = {"on": "2021-03-05", "expand": Unit.objects.get(name="Ủy ban nhân dân tỉnh").pk}
    _queries(client, params)  # the first view counts and stores the finished quarter's scores
    before = _queries(client, params)
    units = list(Unit.objects.filter(parent__isnull=False)[:8])
    for i in range(6):
        document = DocumentFactory(
            issuing_unit=units[i], issue_date=D(2021, 1, 1), number=f"{i + 1}-NQ/TU"
        )
        directive = DirectiveFactory(document=document)
        Assignment.objects.bulk_create(
            Assignment(directive=directive, lead_unit=unit, deadline=D(2021, 2, 1))
            for unit in units
        )
    after = _queries(client, params)
    assert after == before


def test_overview_list_groups_rows_under_their_directive_and_document(demo, client):
    """Issue 21: the overview's list groups like the staff list, the document in each heading."""
    client.force_login(_user("lanhdao"))
    response = client.get(reverse("overview_assignments"))
    html = response.content.decode()
    rows = list(response.context["page"].object_list)
    assert html.count('class="group-row"') == len(rows)
    assert html.count('class="group-head"') == len({row.directive_id for row in rows})
    document = next(row.directive.document for row in rows if row.directive.document.number)
    assert f'<span class="group-document">{document.number}</span>' in html
    assert "deadline-short" in html


@pytest.mark.parametrize("role", ["UBND tỉnh leader", "district leader"])
def test_todays_lists_of_records_read_in_one_pass_are_the_lists_sql_gives(demo, role):
    """Today, where the scope's rows are read once, the pending extensions and the unanswered
    explanations are known by their rows: the same counts and first rows as SQL's lists, and
    nothing of another scope."""
    from directives.models import ExplanationRequest, ExtensionRequest

    user = ROLES[role]()
    overview = build_overview(user, _query())
    in_scope = sorted(overview.scoped_ids)[:3]
    outside = Assignment.objects.exclude(pk__in=overview.scoped_ids).first()
    assert len(in_scope) == 3 and outside is not None
    leader = _user("lanhdao")
    for pk in [*in_scope[:2], outside.pk]:
        ExtensionRequest.objects.create(
            assignment_id=pk, new_deadline=D(2030, 1, 1), reason="Chờ kinh phí"
        )
    for pk in [in_scope[2], in_scope[0], outside.pk]:
        ExplanationRequest.objects.create(
            assignment_id=pk,
            asked_by=leader,
            question="Vì sao chậm?",
            reply_by=timezone.localdate() + dt.timedelta(days=pk % 5),
        )
    overview = build_overview(user, _query())
    one_pass = OverviewBoard(overview)
    assert one_pass.one_pass
    shown = _board(one_pass)
    assert shown == _board(OverviewBoard(overview, one_pass=False))
    lists = {a["kind"]: a for a in one_pass.attention}
    extensions = lists[Attention.EXTENSION]
    assert extensions["count"] == 2
    assert sorted(request.assignment_id for request in extensions["rows"]) == in_scope[:2]
    explanations = lists[Attention.EXPLANATION]
    assert explanations["count"] == 2
    assert sorted(row.pk for row in explanations["rows"]) == sorted([in_scope[2], in_scope[0]])


def _every_unit_open(user, filters: dict, on: dt.date) -> QueryDict:
    """The overview's query with every unit of the ranking opened (`expand`)."""
    query = _query(**filters, on=on)
    query.setlist("expand", [str(pk) for pk in Unit.objects.values_list("pk", flat=True)])
    return query


@pytest.mark.slow
@pytest.mark.parametrize("role", ["admin", "inspector", "province leader"])
def test_the_whole_trees_board_today_from_the_maintained_counts_is_what_its_rows_count(demo, role):
    """The whole tree's board today and later reads its breakdowns from the maintained counts
    (`DocumentTally` per document, `AssignmentTally` for the ranking of lead units): the same
    numbers per document, per issuing body and per unit at every level of the ranking (every
    unit opened) as counting the rows, with every filter."""
    from tests.factories import AssignmentFactory

    user = ROLES[role]()
    today = timezone.localdate()
    # Work falling due within the week (and just after it), so that list counts something.
    directive = Assignment.objects.filter(parent__isnull=True).first().directive
    district = Unit.objects.get(name="Huyện ủy Năm Căn")
    for days in (0, 3, 7, 8):
        AssignmentFactory(
            directive=directive, lead_unit=district, deadline=today + dt.timedelta(days=days)
        )
    ranked = []
    for on in (today, today + dt.timedelta(days=400)):
        for raw in FILTERS:
            filters = dict(raw)
            for key in ("unit", "issuer"):
                if key in filters:
                    filters[key] = Unit.objects.get(name=filters[key]).pk
            overview = build_overview(user, _every_unit_open(user, filters, on))
            tallied = OverviewBoard(overview)
            assert tallied.tallies and not tallied.one_pass
            counted = OverviewBoard(overview, tallies=False)
            shown, expected = _board(tallied), _board(counted)
            assert shown == expected, (role, on, raw)
            assert tallied.totals.values == counted.totals.values
            issuers = [(line.key, line.counts.values) for line in tallied.issuer_lines]
            assert issuers == [(line.key, line.counts.values) for line in counted.issuer_lines]
            ranked.append(len(expected["ranking"]))
    # Not a comparison of empty pages: most filters rank units, at several levels.
    assert sum(n > 1 for n in ranked) >= 8, ranked
    lists = {a["kind"]: a["count"] for a in OverviewBoard(build_overview(user, _query())).attention}
    assert lists[Attention.DUE] == 3 and lists[Attention.AWAITING] > 0
    board = OverviewBoard(build_overview(user, _every_unit_open(user, {}, today)))
    assert any(line.expanded for line in board.unit_lines)
    assert max(line.depth for line in board.unit_lines) >= 1


@pytest.mark.parametrize("role", ["admin", "province leader"])
def test_a_document_without_an_issuing_body_is_counted_as_each_role_counts_it(demo, role):
    """The central leader counts the parts of an unissued document's work their body handed
    down (and not what it split), where the tallies count top-level work: those documents
    are counted from their rows, the rest from the tallies — the same board either way."""
    from directives.models import Directive
    from tests.factories import AssignmentFactory

    leader = _user("lanhdao")
    body = leader.membership.unit
    district = Unit.objects.get(name="Huyện ủy Năm Căn")
    document = Document.objects.create(
        number="15/TB-VP", subject="Thông báo không rõ cơ quan", issue_date=D(2021, 1, 5)
    )
    directive = Directive.objects.create(document=document, number="1", title="Việc", text="x")
    split = AssignmentFactory(directive=directive, lead_unit=body, deadline=D(2021, 3, 1))
    for deadline in (D(2021, 2, 1), None):
        AssignmentFactory(
            directive=directive,
            lead_unit=district,
            parent=split,
            assigned_by_unit=body,
            deadline=deadline,
        )
    AssignmentFactory(directive=directive, lead_unit=district, deadline=D(2021, 1, 20))
    user = ROLES[role]()
    today = timezone.localdate()
    for raw in ({}, {"period": "term2020"}, {"kind": "TB"}):
        overview = build_overview(user, _every_unit_open(user, raw, today))
        tallied, counted = OverviewBoard(overview), OverviewBoard(overview, tallies=False)
        assert tallied.tallies
        assert tallied._unissued_apart == (role == "province leader")
        shown, expected = _board(tallied), _board(counted)
        assert shown == expected, (role, raw)
    # The central leader counts the two parts and the other top-level work; admins the two
    # top-level assignments.
    counts = OverviewBoard(build_overview(user, _query()))._breakdowns[0][document.pk]
    assert counts.total == (3 if role == "province leader" else 2)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["admin", "inspector", "province leader"])
def test_a_past_date_from_the_tallies_and_what_moved_since_is_what_the_history_gives(demo, role):
    """A past date of the whole tree's board reads today's maintained counts less the rows
    whose history moved since, plus those rows as they were: the same groups per document and
    unit (every unit opened), lists with their counts and first rows, and trend as reading
    every row's history — on dates before, within and after the demo's history."""
    # The demo's assignments were recorded when it was seeded, after its history's dates:
    # recorded with the conclusion instead, rows without later history have not moved.
    Assignment.objects.update(created_at=dt.datetime(2020, 11, 18, 8, tzinfo=dt.timezone.utc))
    # Since then: a deadline moved (the trend's months and the lists change with it) and an
    # assignment recorded today (in today's counts, on none of the past dates).
    from directives import actions
    from directives.models import DeadlineChange
    from tests.factories import AssignmentFactory

    open_work = Assignment.objects.filter(parent__isnull=True, status=Status.IN_PROGRESS)
    first = open_work.exclude(deadline=None).order_by("deadline", "pk").first()
    actions.set_deadline(
        first,
        deadline=D(2021, 2, 25),
        basis="Điều chỉnh",
        kind=DeadlineChange.Kind.EDIT,
        at=dt.datetime(2021, 2, 1, 8, tzinfo=dt.timezone.utc),
    )
    AssignmentFactory(directive=first.directive, lead_unit=first.lead_unit, deadline=D(2021, 1, 5))
    user = ROLES[role]()
    today = timezone.localdate()
    moved = []
    for on in (*PAST_DATES, D(2021, 6, 30), today - dt.timedelta(days=1)):
        for raw in ({}, FILTERS[2], {"period": "year"}):
            overview = build_overview(user, _every_unit_open(user, raw, on))
            since = OverviewBoard(overview)
            assert since.since and since.one_pass
            history = OverviewBoard(overview, tallies=False)
            assert not history.since
            shown, expected = _board(since), _board(history)
            assert shown == expected, (role, on, raw)
            assert since.totals.values == history.totals.values
            moved.append(len(since._moved_ids))
    # Later dates read fewer rows' history; the day before today only today's new one.
    assert max(moved) > min(moved) == 1
    # A filter on documents or on a unit reads the history as before.
    unit = Unit.objects.get(name="Ủy ban nhân dân tỉnh").pk
    for raw in ({"unit": unit}, {"kind": "KL"}):
        assert not OverviewBoard(build_overview(user, _query(**raw, on=PAST_DATES[1]))).since
