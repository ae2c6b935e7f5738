"""The calendar page: a month of deadlines and events in the user's scope, Tết marked, htmx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directives.models import Directive, Event
from tests.factories import AssignmentFactory, DirectiveFactory

URL = reverse("calendar_month")
HTMX = {"HTTP_HX_REQUEST": "true"}


def get(client, user, month="2021-02", **headers):
    client.force_login(user)
    return client.get(URL, {"month": month} if month else {}, **headers)


def test_calendar_requires_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_calendar_shows_deadline_on_its_day(client, assignment, staff_user):
    response = get(client, staff_user)
    assert response.status_code == 200
    day = next(d for d in response.context["days"] if d.date == dt.date(2021, 2, 9))
    assert day.deadlines == [assignment]
    content = response.content.decode()
    assert assignment.directive.title in content
    assert "Trước Tết Nguyên đán Tân Sửu — 09/02/2021" in content


def test_calendar_marks_tet_and_public_holidays(client, assignment, staff_user):
    response = get(client, staff_user)
    days = {d.date: d for d in response.context["days"]}
    assert days[dt.date(2021, 2, 12)].holiday == "Tết Nguyên Đán"
    assert all(days[dt.date(2021, 2, n)].is_tet for n in range(10, 17))
    assert not days[dt.date(2021, 2, 9)].is_tet
    content = response.content.decode()
    assert "day-tet" in content
    assert "Giao thừa Tết Nguyên Đán" in content


def test_calendar_shows_lunar_date_beside_solar(client, assignment, staff_user):
    content = get(client, staff_user).content.decode()
    assert 'Thứ Sáu, 12/02/2021 <span class="day-lunar">— Mùng 1 Tết Tân Sửu</span>' in content
    assert "Âm lịch: tháng Chạp năm Canh Tý – tháng Giêng năm Tân Sửu" in content


def test_calendar_december_2020_shows_new_year_holiday_in_next_month_cells(
    client, assignment, staff_user
):
    response = get(client, staff_user, month="2020-12")
    days = {d.date: d for d in response.context["days"]}
    assert days[dt.date(2021, 1, 1)].holiday == "Tết Dương lịch"
    assert not days[dt.date(2021, 1, 1)].in_month
    # 14/12/2020 opens lunar month 11 of Canh Tý (in China: 15/12).
    assert days[dt.date(2020, 12, 14)].lunar_short == "1/11"


def test_calendar_shows_events_on_every_day_they_span(client, staff_user):
    congress = Event.objects.create(
        name="Đại hội XIII của Đảng", date=dt.date(2021, 1, 25), end_date=dt.date(2021, 2, 1)
    )
    response = get(client, staff_user)
    days = {d.date: d for d in response.context["days"]}
    assert days[dt.date(2021, 2, 1)].events == [congress]
    assert days[dt.date(2021, 2, 2)].events == []
    assert response.context["event_count"] == 1
    assert "Đại hội XIII của Đảng" in response.content.decode()


def test_calendar_hides_assignments_outside_scope(client, assignment, unrelated_user):
    response = get(client, unrelated_user)
    assert all(not d.deadlines for d in response.context["days"])
    assert assignment.directive.title not in response.content.decode()


def test_calendar_coordinating_unit_sees_deadline(client, assignment, coordinating_user):
    response = get(client, coordinating_user)
    assert response.context["deadline_count"] == 1


def test_calendar_leader_sees_subtree(client, assignment, leader_user):
    response = get(client, leader_user)
    assert response.context["deadline_count"] == 1


def test_calendar_defaults_to_this_month(client, staff_user):
    response = get(client, staff_user, month=None)
    assert response.context["first"] == timezone.localdate().replace(day=1)


def test_calendar_navigation_links_to_previous_and_next_month(client, staff_user):
    content = get(client, staff_user).content.decode()
    assert f'href="{URL}?month=2021-01"' in content
    assert f'href="{URL}?month=2021-03"' in content
    assert 'hx-push-url="true"' in content


def test_calendar_accepts_month_written_mm_yyyy(client, staff_user):
    response = get(client, staff_user, month="02/2021")
    assert response.context["first"] == dt.date(2021, 2, 1)
    assert not response.context["error"]


@pytest.mark.parametrize("month", ["2021-13", "tháng hai", "1800-01", "2021-02-30"])
def test_calendar_bad_month_shows_error_beside_field_and_this_month(client, staff_user, month):
    response = get(client, staff_user, month=month)
    assert response.status_code == 200
    assert response.context["first"] == timezone.localdate().replace(day=1)
    content = response.content.decode()
    assert 'id="month-error"' in content and "Không hiểu tháng" in content
    assert 'aria-invalid="true"' in content


def test_calendar_full_page_without_htmx(client, staff_user):
    response = get(client, staff_user)
    content = response.content.decode()
    assert "<html" in content and 'id="calendar-month"' in content
    assert "HX-Request" in response["Vary"]


def test_calendar_htmx_returns_month_fragment(client, assignment, staff_user):
    response = get(client, staff_user, month="2021-03", **HTMX)
    content = response.content.decode().strip()
    assert "<html" not in content
    assert content.startswith('<section id="calendar-month"')
    assert "Tháng 3/2021" in content
    assert "HX-Request" in response["Vary"]


def test_calendar_history_restore_gets_full_page(client, staff_user):
    response = get(client, staff_user, **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


def test_calendar_has_no_inline_script_or_style(client, assignment, staff_user):
    content = get(client, staff_user).content.decode()
    assert "<script>" not in content and "style=" not in content and "hx-on" not in content


def _queries(client, user) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"month": "2021-02"})
    assert response.status_code == 200
    return len(queries)


def test_calendar_query_count_does_not_grow_with_data(client, assignment, leader_user, document):
    client.force_login(leader_user)
    Event.objects.create(name="Sự kiện 1", date=dt.date(2021, 2, 3))
    small = _queries(client, leader_user)
    for n in range(30):
        AssignmentFactory(
            directive=DirectiveFactory(document=document),
            lead_unit=assignment.lead_unit,
            deadline=dt.date(2021, 2, 1 + n % 28),
        )
        Event.objects.create(name=f"Sự kiện tải {n}", date=dt.date(2021, 2, 1 + n % 28))
    assert _queries(client, leader_user) == small


def test_calendar_groups_one_directive_given_to_many_units(
    client, assignment, leader_user, coordinating_unit
):
    second = AssignmentFactory(
        directive=assignment.directive,
        lead_unit=coordinating_unit,
        deadline=assignment.deadline,
        deadline_basis="Trước ngày 09/02/2021",
    )
    response = get(client, leader_user)
    day = next(d for d in response.context["days"] if d.date == dt.date(2021, 2, 9))
    (group,) = day.deadline_groups
    assert group.assignments == [assignment, second]
    assert group.label.startswith("Trước Tết Nguyên đán Tân Sửu — 09/02/2021")
    # The unit whose basis differs shows its own.
    assert [a.own_label for a in group.assignments] == [
        "",
        "Trước ngày 09/02/2021 (Ngày 28 tháng Chạp năm Canh Tý)",
    ]


def test_a_busy_day_shows_ten_deadlines_and_counts_the_rest(
    client, assignment, leader_user, staff_user, document
):
    """A central leader's month holds thousands of deadlines: each day shows the first ten (by
    directive), says how many more there are, and the month's total counts them all."""
    day = assignment.deadline
    Directive.objects.filter(pk=assignment.directive_id).update(position=1)
    for n in range(13):
        AssignmentFactory(
            directive=DirectiveFactory(document=document, position=n + 2),
            lead_unit=assignment.lead_unit,
            deadline=day,
        )
    response = get(client, leader_user)
    html = response.content.decode()
    cell = next(d for d in response.context["days"] if d.date == day)
    assert (len(cell.deadlines), cell.total, cell.more) == (10, 14, 4)
    assert cell.deadlines[0] == assignment  # the first directive first
    assert "14 thời hạn trong tháng" in html
    more = (
        f"?period=range&amp;by=deadline&amp;period_from={day:%Y-%m-%d}&amp;period_to={day:%Y-%m-%d}"
    )
    assert f'{reverse("overview_assignments")}{more}">và 4 phân công khác</a>' in html
    # The link lists exactly that day's fourteen, across every document.
    listed = client.get(reverse("overview_assignments") + more.replace("&amp;", "&"))
    assert listed.status_code == 200
    assert listed.content.decode().count(f"{day:%d/%m/%Y}") >= 14
    assert "Mỗi ngày hiện tối đa 10 phân công" in html
    # Staff have no leaders' list to open: the count alone.
    staff_html = get(client, staff_user).content.decode()
    assert "và 4 phân công khác" in staff_html
    assert reverse("overview_assignments") not in staff_html


def test_a_day_within_the_cap_says_nothing_more(client, assignment, leader_user):
    html = get(client, leader_user).content.decode()
    assert "phân công khác" not in html
    assert "Mỗi ngày hiện tối đa" not in html
