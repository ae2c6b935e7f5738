"""One way to read parameters (issue 13, item 5): directives.params and the pages that use it.

The exact inputs of the issue: '²' (accepted by str.isdigit, refused by int), '١٢' (read as 12
by int), signs, 10**30, empty strings, dates that do not exist or have not come yet.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from directives import params
from directives.models import Assignment, Reminder, Status
from tests.factories import DirectiveFactory

BIG = str(10**30)


# --- the module ------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["²", "١٢", "𝟙", "+5", "-1", " 7", "7 ", "1_000", "1e3", BIG, ""])
def test_parse_int_refuses_what_python_would_accept_or_overflow(text):
    with pytest.raises(params.ParamError):
        params.parse_int(text)


def test_parse_int_reads_ascii_digits_within_bounds():
    assert params.parse_int("0") == 0
    assert params.parse_int("2147483647") == 2**31 - 1
    assert params.parse_int("-3", signed=True, minimum=-5) == -3
    with pytest.raises(params.ParamError):
        params.parse_int("2147483648")
    with pytest.raises(params.ParamError):
        params.parse_int("0", minimum=1)


@pytest.mark.parametrize("text", ["2021-02-30", "abc", "2021-2-3", "٢٠٢١-٠٢-٠٣", "31/02/2021", ""])
def test_parse_date_refuses_days_that_do_not_exist_and_other_digits(text):
    with pytest.raises(params.ParamError, match="Ngày không hợp lệ"):
        params.parse_date(text)


def test_parse_date_reads_iso_and_vietnamese_order():
    assert params.parse_date("2021-02-28") == dt.date(2021, 2, 28)
    assert params.parse_date("28/02/2021") == dt.date(2021, 2, 28)
    assert params.parse_date("1/2/2021") == dt.date(2021, 2, 1)


def test_int_param_treats_empty_as_absent_and_refuses_with_bad_request():
    assert params.int_param(QueryDict("page="), "page", default=1) == 1
    assert params.page_param(QueryDict("")) == 1
    with pytest.raises(params.BadParameter, match="page"):
        params.page_param(QueryDict("page=%C2%B2"))
    with pytest.raises(params.BadParameter):
        params.page_param(QueryDict("page=10001"))


def test_ids_in_keeps_known_plain_ids_once():
    assert params.ids_in(["3", "²", "١٢", "3", BIG, "5", "-5"], {3, 5, 12}) == [3, 5]


def test_integer_field_refuses_other_digit_sets():
    field = params.IntegerParamField(required=False, min_value=0, max_value=100)
    assert field.clean("40") == 40
    for text in ["١٢", "²", "+4", BIG, "101"]:
        with pytest.raises(Exception, match="."):
            field.clean(text)


# --- the pages -------------------------------------------------------------------------------
@pytest.fixture
def leader(client, leader_user):
    client.force_login(leader_user)
    return client


def test_dashboard_with_a_date_that_does_not_exist_says_so_and_shows_no_figures(leader, assignment):
    html = leader.get(reverse("dashboard"), {"on": "2021-02-30"}).content.decode()
    assert "Ngày không hợp lệ: 2021-02-30" in html
    assert 'id="headline-rate"' not in html
    assert "Số liệu đến hôm nay" not in html


def test_dashboard_with_a_word_for_a_date_says_so(leader, assignment):
    html = leader.get(reverse("dashboard"), {"on": "abc"}).content.decode()
    assert "Ngày không hợp lệ: abc" in html
    assert 'id="headline-rate"' not in html


def test_dashboard_in_the_future_says_there_are_no_figures_yet(leader, assignment):
    html = leader.get(reverse("dashboard"), {"on": "2030-01-01"}).content.decode()
    assert "Ngày 01/01/2030 ở tương lai: chưa có số liệu." in html
    assert 'id="headline-rate"' not in html


def test_dashboard_empty_date_is_today(leader, assignment):
    html = leader.get(reverse("dashboard"), {"on": ""}).content.decode()
    assert "Số liệu đến hôm nay" in html
    assert 'id="headline-rate"' in html


def test_dashboard_ignores_bad_expand_and_doc(leader, assignment):
    for query in ({"doc": "1", "expand": "²"}, {"doc": "²"}, {"doc": BIG, "expand": "١٢"}):
        response = leader.get(reverse("dashboard"), query)
        assert response.status_code == 200
        assert 'id="headline-rate"' in response.content.decode()


def test_list_page_with_a_bad_date_lists_nothing_and_says_why(leader, assignment):
    html = leader.get(reverse("dashboard_assignments"), {"on": "2021-02-30"}).content.decode()
    assert "Ngày không hợp lệ: 2021-02-30" in html
    assert f"/assignments/{assignment.pk}/" not in html


@pytest.mark.parametrize("name", ["report_xlsx", "report_csv", "report_print"])
@pytest.mark.parametrize("on", ["2021-02-30", "2030-01-01", "abc"])
def test_exports_refuse_a_bad_date_rather_than_give_todays_figures(leader, assignment, name, on):
    response = leader.get(reverse(name), {"on": on})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


@pytest.mark.parametrize("page", ["²", "١٢", BIG, "-1"])
def test_dashboard_list_refuses_a_bad_page_number(leader, assignment, page):
    response = leader.get(reverse("dashboard_assignments"), {"page": page})
    assert response.status_code == 400
    assert "page" in response.content.decode()


@pytest.mark.parametrize("url_name", ["assignment_decide", "assignment_urge"])
def test_decision_with_a_bad_filter_acts_once_and_answers(
    client, leader_user, assignment, url_name
):
    """`filters=doc=1&expand=²` once saved the decision and then failed, so a retry repeated it."""
    client.force_login(leader_user)
    data = {
        "assignment_decide": {"action": "suspend", "note": "Tạm dừng", "version": 1},
        "assignment_urge": {"message": "Đề nghị khẩn trương"},
    }[url_name]
    data["filters"] = f"doc={assignment.directive.document_id}&expand=²&on=2021-02-30"
    url = reverse(url_name, args=[assignment.pk])
    before = (Assignment.objects.get(pk=assignment.pk).version, Reminder.objects.count())
    first = client.post(url, data)
    assert first.status_code == 302
    after = (Assignment.objects.get(pk=assignment.pk).version, Reminder.objects.count())
    assert after != before
    again = client.post(url, data)  # the retry a 500 used to invite
    assert again.status_code in (200, 302)
    if url_name == "assignment_decide":
        assert Assignment.objects.get(pk=assignment.pk).status == Status.SUSPENDED
        assert Assignment.objects.get(pk=assignment.pk).version == after[0]  # not twice


def test_staff_list_ignores_a_directive_filter_in_other_digits(client, staff_user, assignment):
    client.force_login(staff_user)
    for value in ["²", "١٢", BIG]:
        response = client.get(reverse("assignment_list"), {"directive": value})
        assert response.status_code == 200
        assert [row.pk for row in response.context["rows"]] == [assignment.pk]


def test_staff_list_says_it_ignored_a_bad_page(client, staff_user, assignment):
    client.force_login(staff_user)
    response = client.get(reverse("assignment_list"), {"page": "²"})
    assert response.status_code == 200
    assert "Đã bỏ qua tham số “page”" in response.content.decode()


def test_search_ignores_a_document_in_other_digits(client, staff_user, assignment):
    client.force_login(staff_user)
    for value in ["²", "١٢", BIG]:
        response = client.get(reverse("search_results"), {"q": "nhiem vu", "document": value})
        assert response.status_code == 200
        assert response.context["form"].errors.get("document")


def test_calendar_refuses_a_month_in_other_digits(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("calendar_month"), {"month": "٢٠٢١-٠٢"})
    assert response.status_code == 200
    assert response.context["first"] == timezone.localdate().replace(day=1)


def test_admin_assignment_add_with_a_directive_in_other_digits(client, admin_user, assignment):
    client.force_login(admin_user)
    for value in ["²", "١٢", BIG]:
        response = client.get(reverse("admin:directives_assignment_add"), {"directive": value})
        assert response.status_code == 200


def test_admin_year_filter_out_of_range_is_a_bad_request(client, admin_user, assignment):
    client.force_login(admin_user)
    DirectiveFactory(document=assignment.directive.document)
    url = reverse("admin:directives_document_changelist")
    assert client.get(url, {"issue_date__year": "2021"}).status_code == 200
    for value in [BIG, "²", "١٢", "1", "-1"]:
        response = client.get(url, {"issue_date__year": value})
        assert response.status_code == 400, value
        assert "issue_date__year" in response.content.decode()
