"""The dashboard's rules at their edges, read from the pages as a leader reads them.

The headline rate (its denominator and its rounding), each list's boundaries on both sides, the
standing badges' thresholds and the weekly chart. Every expected number is worked out here from
the rows the test writes, never by the counting code.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from directives.models import Assignment, DeadlineChange, ProgressUpdate, Role, Status
from tests.factories import DirectiveFactory, DocumentFactory, member

D = dt.date
DAY = dt.timedelta(days=1)


@pytest.fixture
def board(db, province, lead_unit, leader_user, client):
    """A document of the province with one directive, and its leader signed in."""
    document = DocumentFactory(issuing_unit=province, issue_date=D(2020, 11, 17))
    directive = DirectiveFactory(document=document)
    client.force_login(leader_user)
    return {"document": document, "directive": directive, "lead": lead_unit, "client": client}


def add(board, count: int = 1, *, deadline=None, completed_on=None, status=None, **fields):
    """`count` assignments of the board's directive (stored values only, no history)."""
    if status is None:
        status = Status.DONE if completed_on else Status.IN_PROGRESS
    rows = [
        Assignment(
            directive=board["directive"],
            lead_unit=board["lead"],
            deadline=deadline,
            status=status,
            completed_on=completed_on,
            percent=100 if completed_on else 30,
            **fields,
        )
        for _ in range(count)
    ]
    return Assignment.objects.bulk_create(rows)


def dashboard(board, **params) -> str:
    params = {"doc": board["document"].pk, **params}
    response = board["client"].get(reverse("dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


def page_counts(html: str) -> dict[str, int]:
    found = re.findall(r'id="count-([a-z_]+)"[^>]*>.*?<span class="count">([\d.]+)</span>', html)
    return {key: int(value.replace(".", "")) for key, value in found}


def headline_rate(html: str) -> str:
    return re.search(r'id="headline-rate">([^<]*)<', html)[1]


def pill(html: str, heading_id: str) -> int:
    match = re.search(rf'<h3 id="{heading_id}">.*?class="count-pill[^"]*"[^>]*>([\d.]+)</a>', html)
    return int(match[1].replace(".", ""))


def listed(board, kind: str) -> set[int]:
    """The assignments a dashboard list's page shows."""
    response = board["client"].get(
        reverse("dashboard_assignments"), {"doc": board["document"].pk, "list": kind}
    )
    return {a.pk for a in response.context["page"].object_list}


# --- the headline rate -------------------------------------------------------------------------
def test_headline_rate_ignores_not_yet_due(board):
    """3 done and 1 overdue give 75 % (no needless decimals), whatever is not yet due or has
    no deadline."""
    today = timezone.localdate()
    add(board, 2, deadline=today - 30 * DAY, completed_on=today - 31 * DAY)
    add(board, 1, deadline=None, completed_on=today - 3 * DAY)  # done without deadline: on time
    add(board, 1, deadline=today - DAY)  # overdue since yesterday
    add(board, 1, deadline=today)  # due today: not yet due
    add(board, 1, deadline=today + 3 * DAY)
    add(board, 1, deadline=today + 40 * DAY, status=Status.NOT_STARTED)
    add(board, 2, deadline=None)  # no deadline, open
    html = dashboard(board)
    assert page_counts(html) == {
        "done_on_time": 3,
        "done_late": 0,
        "overdue_unfinished": 1,
        "not_yet_due": 3,
        "no_deadline": 2,
        "total": 9,
    }
    assert headline_rate(html) == "75 %"


def test_headline_rate_is_a_dash_when_only_not_yet_due_and_no_deadline(board):
    today = timezone.localdate()
    add(board, 2, deadline=today + 3 * DAY)
    add(board, 1, deadline=None)
    assert headline_rate(dashboard(board)) == "—"


# The rule: completed × 100 ÷ (completed + overdue-unfinished), rounded half up to two decimals
# (README, "Rules"), shown half up to one decimal without needless zeros (issue 21). Ties tell
# half up from half even (banker's rounding, Python's round()) and from truncation.
@pytest.mark.parametrize(
    ("done", "overdue", "shown"),
    [
        (29, 3, "90,6 %"),  # 90.625 → 90,63 → 90,6
        (1, 31, "3,1 %"),  # 3.125 → 3,13 → 3,1
        (1, 159, "0,6 %"),  # 0.625 → 0,63 → 0,6
        (1, 79, "1,3 %"),  # 1.25 exactly: half up (half even would give 1,2)
        (18, 6, "75 %"),  # no needless decimals
        (9, 1, "90 %"),
        (1, 7, "12,5 %"),
        (2, 1, "66,7 %"),  # 66.666…: up, one decimal, never two
        (1, 2, "33,3 %"),  # 33.333…: down
        (199, 1, "99,5 %"),
        (1999, 1, "100 %"),  # 99.95 rounds to a whole 100
    ],
)
def test_headline_rate_rounds_half_up_as_the_page_shows_it(board, done, overdue, shown):
    today = timezone.localdate()
    add(board, done, deadline=today - 10 * DAY, completed_on=today - 12 * DAY)
    add(board, overdue, deadline=today - DAY)
    add(board, 1, deadline=today + DAY)  # not yet due: outside the rate
    assert headline_rate(dashboard(board)) == shown


def test_excel_rate_is_rounded_half_up_too(board):
    today = timezone.localdate()
    add(board, 29, deadline=today - 10 * DAY, completed_on=today - 12 * DAY)
    add(board, 3, deadline=today - DAY)
    response = board["client"].get(reverse("report_xlsx"), {"doc": board["document"].pk})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Tổng hợp"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert values["Tỷ lệ hoàn thành (đã hoàn thành ÷ đã đến hạn), %"] == 90.6  # as the page shows


# --- overdue and the "due within 14 days" list ---------------------------------------------------
def test_overdue_from_the_day_after_the_deadline(board):
    today = timezone.localdate()
    yesterday = add(board, deadline=today - DAY)[0]
    add(board, deadline=today)
    html = dashboard(board)
    assert page_counts(html)["overdue_unfinished"] == 1
    assert pill(html, "h-overdue") == 1
    assert listed(board, "overdue") == {yesterday.pk}


def test_due_list_runs_from_today_to_day_14(board):
    today = timezone.localdate()
    add(board, deadline=today - DAY)  # overdue, not "due"
    day_0 = add(board, deadline=today)[0]
    day_14 = add(board, deadline=today + 14 * DAY)[0]
    add(board, deadline=today + 15 * DAY)
    add(board, deadline=today + 3 * DAY, completed_on=today - DAY)  # done: not listed
    assert pill(dashboard(board), "h-due") == 2
    assert listed(board, "due") == {day_0.pk, day_14.pk}


# --- the stale list: last heard of more than 30 days before the date ----------------------------
def _local(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute, second)))


def test_stale_list_starts_after_30_whole_days_in_local_time(board):
    """Heard of on day −30 (even at 00:00, which is 17:00 UTC on day −31): not stale;
    on day −31 (even at 23:59:59): stale. Days are the project's (Asia/Ho_Chi_Minh)."""
    today = timezone.localdate()
    writer = member(board["lead"], Role.STAFF)
    heard = {
        "31 days, noon": _local(today - 31 * DAY, 12),
        "31 days, 23:59:59": _local(today - 31 * DAY, 23, 59, 59),
        "30 days, 00:00": _local(today - 30 * DAY, 0),
        "30 days, 00:30 (UTC: day −31)": _local(today - 30 * DAY, 0, 30),
        "30 days, noon": _local(today - 30 * DAY, 12),
        "29 days, noon": _local(today - 29 * DAY, 12),
    }
    rows = {}
    for name, at in heard.items():
        a = add(board, deadline=today + 60 * DAY)[0]
        ProgressUpdate.objects.create(
            assignment=a, author=writer, unit=board["lead"], note=name, percent=30, created_at=at
        )
        rows[name] = a.pk
    # Heard of long ago but finished or paused: not stale.
    for status, completed in ((Status.DONE, today - 40 * DAY), (Status.SUSPENDED, None)):
        a = add(board, deadline=today + 60 * DAY, status=status, completed_on=completed)[0]
        ProgressUpdate.objects.create(
            assignment=a, author=writer, unit=board["lead"], note="cũ", percent=30,
            created_at=_local(today - 90 * DAY, 12),
        )  # fmt: skip
    assert _local(today - 30 * DAY, 0).astimezone(dt.UTC).date() == today - 31 * DAY
    stale = {rows["31 days, noon"], rows["31 days, 23:59:59"]}
    assert listed(board, "stale") == stale
    assert pill(dashboard(board), "h-stale") == len(stale)


def test_stale_list_as_of_a_past_date_counts_back_from_that_date(board):
    """As of 01/03/2021: heard of on 30/01/2021 (30 days) is not stale, 29/01 (31 days) is."""
    on = D(2021, 3, 1)
    writer = member(board["lead"], Role.STAFF)
    rows = {}
    for day in (D(2021, 1, 29), D(2021, 1, 30)):
        a = add(board, deadline=D(2021, 6, 30))[0]
        DeadlineChange.objects.create(
            assignment=a,
            kind="initial",
            new_deadline=a.deadline,
            changed_at=_local(D(2021, 1, 2), 9),
        )
        ProgressUpdate.objects.create(
            assignment=a, author=writer, unit=board["lead"], note="x", percent=30,
            created_at=_local(day, 8),
        )  # fmt: skip
        rows[day] = a.pk
    response = board["client"].get(
        reverse("dashboard_assignments"),
        {"doc": board["document"].pk, "list": "stale", "on": on.isoformat()},
    )
    assert {a.pk for a in response.context["page"].object_list} == {rows[D(2021, 1, 29)]}


# --- the standing badges: due soon within TRACKER_DUE_SOON_DAYS days -----------------------------
@pytest.mark.parametrize(
    ("days", "badge"),
    [
        (-1, "Quá hạn"),
        (0, "Sắp đến hạn"),
        (5, "Sắp đến hạn"),
        (6, "Trong hạn"),
    ],
)
def test_standing_badge_at_the_due_soon_threshold(board, settings, days, badge):
    settings.TRACKER_DUE_SOON_DAYS = 5
    a = add(board, deadline=timezone.localdate() + days * DAY)[0]
    html = board["client"].get(reverse("assignment_detail", args=[a.pk])).content.decode()
    assert re.findall(r'class="badge standing-[a-z_]+">([^<]+)<', html)[0] == badge
    listing = board["client"].get(reverse("assignment_list")).content.decode()
    assert re.findall(r'class="badge standing-[a-z_]+">([^<]+)<', listing) == [badge]


# --- the weekly chart ----------------------------------------------------------------------------
# A document issued on Monday 01/03/2021, looked at as of Sunday 28/03/2021: the chart's points
# are the issue day and the end of each week (Sunday). Completions fall on every day of the
# first week (1 on Monday … 7 on Sunday, so leaving out any one day changes the total by a
# count no other day has) and on both sides of a week's edge (Sunday 14/03, Monday 15/03).
ISSUED, AS_OF = D(2021, 3, 1), D(2021, 3, 28)
COMPLETIONS = [(ISSUED + i * DAY, i + 1, D(2021, 3, 7)) for i in range(7)] + [
    (D(2021, 3, 14), 1, D(2021, 3, 14)),
    (D(2021, 3, 15), 2, D(2021, 3, 14)),
]  # (completed on, how many, deadline)
OPEN = [(D(2021, 3, 21), 3), (D(2021, 3, 22), 4), (None, 2)]  # (deadline, how many)
LATER = (D(2021, 4, 5), D(2021, 4, 30))  # done after the as-of date: not counted then
POINTS = [D(2021, 3, 1), D(2021, 3, 7), D(2021, 3, 14), D(2021, 3, 21), D(2021, 3, 28)]


def expected_weekly() -> list[tuple[dt.date, int, int]]:
    """Cumulative completions and deadlines fallen due by each point, from the table above."""
    deadlines = [(deadline, n) for _done, n, deadline in COMPLETIONS] + [
        (deadline, n) for deadline, n in OPEN if deadline
    ]
    deadlines.append((LATER[1], 1))
    return [
        (
            point,
            sum(n for done, n, _deadline in COMPLETIONS if done <= point),
            sum(n for deadline, n in deadlines if deadline <= point),
        )
        for point in POINTS
    ]


@pytest.fixture
def weekly_board(board):
    board["document"].issue_date = ISSUED
    board["document"].save()
    created = []
    for done, n, deadline in COMPLETIONS:
        created += add(board, n, deadline=deadline, completed_on=done)
    for deadline, n in OPEN:
        created += add(board, n, deadline=deadline)
    later = add(board, deadline=LATER[1], completed_on=LATER[0])[0]
    created.append(later)
    # The history the as-of picture reads: every deadline set before the document's first day,
    # and the late one's completion recorded on its day.
    DeadlineChange.objects.bulk_create(
        DeadlineChange(
            assignment=a, kind="initial", new_deadline=a.deadline, changed_at=_local(ISSUED, 8)
        )
        for a in created
    )
    ProgressUpdate.objects.create(
        assignment=later, unit=board["lead"], note="Xong", percent=100,
        created_at=_local(LATER[0], 10), status_before=Status.IN_PROGRESS, status_after=Status.DONE,
    )  # fmt: skip
    return board


def test_weekly_expectation_is_what_the_table_says():
    """The hand-made series (a check of this module's own arithmetic)."""
    assert expected_weekly() == [
        (D(2021, 3, 1), 1, 0),
        (D(2021, 3, 7), 28, 28),
        (D(2021, 3, 14), 29, 31),
        (D(2021, 3, 21), 31, 34),
        (D(2021, 3, 28), 31, 38),
    ]


def test_weekly_table_counts_every_days_completions(weekly_board):
    html = dashboard(weekly_board, on=AS_OF.isoformat())
    section = html[html.index('id="h-weekly"') :]
    rows = re.findall(
        r'<tr><th scope="row">(\d\d/\d\d/\d{4})</th><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td></tr>',
        section,
    )
    shown = [(dt.datetime.strptime(d, "%d/%m/%Y").date(), int(a), int(b)) for d, a, b in rows]
    assert shown == expected_weekly()


def test_weekly_chart_draws_the_same_numbers(weekly_board):
    html = dashboard(weekly_board, on=AS_OF.isoformat())
    svg = re.search(r'<svg[^>]*aria-labelledby="chart-weekly-title[^"]*".*?</svg>', html, re.S)[0]
    expected = expected_weekly()
    # The value axis: its ticks are labelled with counts; a point's height gives its count back.
    ticks = {
        int(label): float(y)
        for y, label in re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*>(\d+)</text>', svg)
    }
    zero, peak = ticks[0], max(ticks)
    assert peak == max(max(done, due) for _day, done, due in expected)

    def counts(points: str) -> list[int]:
        ys = [float(p.split(",")[1]) for p in points.split()]
        return [round((zero - y) / (zero - ticks[peak]) * peak) for y in ys]

    done_line = re.search(r'<polyline points="([^"]+)" class="chart-line-done"', svg)[1]
    due_line = re.search(r'<polyline points="([^"]+)" class="chart-line-due"', svg)[1]
    assert counts(done_line) == [done for _day, done, _due in expected]
    assert counts(due_line) == [due for _day, _done, due in expected]
    xs = [float(p.split(",")[0]) for p in done_line.split()]
    assert xs == sorted(xs) and len(set(xs)) == len(POINTS)
    day, done, due = expected[-1]
    assert (
        f"Đến {day:%d/%m/%Y}: {done} đã hoàn thành, {due} đã đến hạn." in svg
    )  # the chart's text alternative
