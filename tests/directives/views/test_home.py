"""Sign-in, sign-out and the home page."""

from __future__ import annotations

import pytest
from django.urls import reverse


def test_every_page_requires_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_in_vietnamese(client, db):
    content = client.get(reverse("login")).content.decode()
    assert '<html lang="vi">' in content
    assert "Đăng nhập" in content and "Mật khẩu" in content


def test_login_with_wrong_password_shows_error_in_vietnamese(client, demo):
    response = client.post(reverse("login"), {"username": "tuyengiao", "password": "sai"})
    assert response.status_code == 200
    assert "Vui lòng nhập đúng" in response.content.decode()


def test_sign_in_rotates_session_and_sign_out_ends_it(client, demo):
    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": "tuyengiao", "password": "demo12345"})
    assert response.status_code == 302
    session_key = client.session.session_key
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get(reverse("home")).status_code == 302


def test_home_greets_user_with_unit_and_role(client, demo):
    client.login(username="tuyengiao", password="demo12345")
    content = client.get(reverse("home")).content.decode()
    assert "Cán bộ Ban Tuyên giáo" in content
    assert "Cán bộ — Ban Tuyên giáo Tỉnh ủy" in content


def test_home_lists_only_the_units_assignments(client, demo):
    client.login(username="namcan", password="demo12345")
    response = client.get(reverse("home"))
    rows = list(response.context["assignments"])
    assert rows
    assert all(
        a.lead_unit.name == "Huyện ủy Năm Căn"
        or a.coordinating_units.filter(name="Huyện ủy Năm Căn").exists()
        for a in rows
    )


def test_home_shows_deadline_with_basis_and_standing(client, demo):
    client.login(username="laodong", password="demo12345")
    content = client.get(reverse("home")).content.decode()
    assert "Trước Tết Nguyên đán Tân Sửu — 09/02/2021" in content
    assert "Quá hạn" in content


def test_home_orders_overdue_first(client, demo):
    client.login(username="lanhdao", password="demo12345")
    rows = list(client.get(reverse("home")).context["assignments"])
    ranks = [row.standing_rank for row in rows]
    assert ranks == sorted(ranks)


def test_htmx_and_csrf_are_wired_in_base_layout(client, demo):
    client.login(username="tuyengiao", password="demo12345")
    content = client.get(reverse("home")).content.decode()
    assert "django_htmx/htmx" in content
    assert 'hx-headers=\'{"X-CSRFToken": "' in content


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"old_password": "sai", "new_password1": "x", "new_password2": "x"}, "không chính xác"),
        (
            {"old_password": "demo12345", "new_password1": "ngan1", "new_password2": "ngan1"},
            "12",
        ),
    ],
)
def test_password_change_refuses_bad_input(client, demo, data, error):
    client.login(username="tuyengiao", password="demo12345")
    response = client.post(reverse("password_change"), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="tuyengiao").check_password("demo12345")


def test_password_change_accepts_a_long_password(client, demo):
    client.login(username="tuyengiao", password="demo12345")
    new = "mot-mat-khau-rat-dai-2021"
    response = client.post(
        reverse("password_change"),
        {"old_password": "demo12345", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="tuyengiao").check_password(new)


def test_home_starts_with_what_the_unit_leads_that_is_late_then_what_it_coordinates(client, demo):
    client.login(username="namcan", password="demo12345")
    response = client.get(reverse("home"))
    sections = {s.key: s.rows for s in response.context["sections"]}
    assert [s.key for s in response.context["sections"]] == ["urgent", "coordinating", "rest"]
    assert sections["urgent"]
    assert all(a.lead_unit.name == "Huyện ủy Năm Căn" for a in sections["urgent"])
    assert all(a.standing_value in ("overdue", "due_soon") for a in sections["urgent"])
    assert all(a.lead_unit.name != "Huyện ủy Năm Căn" for a in sections["coordinating"])
    html = response.content.decode()
    assert html.index("Đơn vị chủ trì: quá hạn, sắp đến hạn") < html.index("Đơn vị phối hợp")


def test_home_folds_finished_work_away(client, demo):
    client.login(username="tuyengiao", password="demo12345")
    response = client.get(reverse("home"))
    finished = response.context["finished"]
    assert finished and all(a.standing_value.startswith("done") for a in finished)
    html = response.content.decode()
    folded = html[html.index('<details class="home-finished">') :]
    assert f'href="{reverse("assignment_detail", args=[finished[0].pk])}"' in folded
    shown = html[: html.index('<details class="home-finished">')]
    assert f'href="{reverse("assignment_detail", args=[finished[0].pk])}"' not in shown


def test_home_shows_deadline_date_and_short_basis_with_the_explanation_folded(client, demo):
    client.login(username="namcan", password="demo12345")
    html = client.get(reverse("home")).content.decode()
    # The long explanation is behind its short basis, not the row's visible text.
    assert (
        '<details class="deadline-more"><summary>Khẩn trương</summary>'
        '<span class="small">Khẩn trương (văn bản không nêu ngày) — 31/12/2020' in html
    )


def test_home_shows_the_most_pressing_work_and_sends_to_the_list_for_the_rest(
    client, staff_user, assignment
):
    """A unit with more work than the home page holds sees the most pressing first, a notice
    that there is more, and a link to the full list; no section claims to be empty."""
    import datetime as dt

    from directives.views.home import LIMIT
    from tests.factories import AssignmentFactory

    client.force_login(staff_user)
    unit = assignment.lead_unit
    # All overdue but one, due far away: that one is last in the standing order.
    AssignmentFactory.create_batch(
        LIMIT, lead_unit=unit, directive=assignment.directive, deadline=dt.date(2021, 1, 5)
    )
    AssignmentFactory(
        lead_unit=unit,
        directive=assignment.directive,
        deadline=dt.date(2099, 1, 1),
        expected_result="Việc còn xa hạn nhất",
    )
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert len(response.context["assignments"]) == LIMIT
    assert "Việc còn xa hạn nhất" not in content
    assert f"Trang chủ hiện {LIMIT} việc cần chú ý nhất" in content
    assert f'href="{reverse("assignment_list")}"' in content
    assert "Không có việc nào khác." not in content  # "the rest" is beyond the first rows
    assert "Không có trong các việc đầu tiên" in content


def test_home_without_more_work_than_it_holds_has_no_notice(client, staff_user, assignment):
    client.force_login(staff_user)
    content = client.get(reverse("home")).content.decode()
    assert "việc cần chú ý nhất" not in content
