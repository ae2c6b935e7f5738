"""The Django admin: complete for admins, closed to everyone else, flat query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.models import Assignment, DeadlineChange, Unit
from tests.factories import AssignmentFactory


@pytest.fixture
def demo(fresh_demo):
    """Seeded per test here: most tests of this module count rows on an otherwise empty
    database, which a demo seeded for the whole module would fill."""


ADMIN_MODELS = [
    "unit",
    "document",
    "directive",
    "assignment",
    "progressupdate",
    "deadlinechange",
    "event",
    "membership",
    "extensionrequest",
    "reminder",
    "notification",
    "calendarfeed",
    "explanationrequest",
    "scorecardformula",
]


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_changelists_open_for_admin(client, admin_user, demo, model):
    client.force_login(admin_user)
    response = client.get(reverse(f"admin:directives_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("username", ["lanhdao", "kiemtra", "tuyengiao", "laodong", "namcan"])
def test_admin_refuses_non_staff_demo_users(client, demo, username):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_refuses_anonymous(client, db):
    response = client.get(reverse("admin:directives_assignment_changelist"))
    assert response.status_code == 302


def test_admin_demo_admin_sees_five_directives(client, demo):
    client.login(username="admin", password="demo12345")
    response = client.get(reverse("admin:directives_directive_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 5


def test_assignment_changelist_shows_deadline_basis_and_standing(client, admin_user, demo):
    client.force_login(admin_user)
    content = client.get(reverse("admin:directives_assignment_changelist")).content.decode()
    assert "Trước Tết Nguyên đán Tân Sửu — 09/02/2021" in content
    assert "Quá hạn" in content or "Hoàn thành đúng hạn" in content


def test_assignment_changelist_filters_by_standing(client, admin_user, demo):
    client.force_login(admin_user)
    url = reverse("admin:directives_assignment_changelist") + "?standing=done_late"
    response = client.get(url)
    assert response.status_code == 200
    result = response.context["cl"].result_list
    assert result and all(a.standing_value == "done_late" for a in result)


def test_admin_search_ignores_diacritics(client, admin_user, demo):
    client.force_login(admin_user)
    response = client.get(reverse("admin:directives_unit_changelist") + "?q=dam+doi")
    names = [u.name for u in response.context["cl"].result_list]
    assert "Huyện ủy Đầm Dơi" in names
    response = client.get(reverse("admin:directives_assignment_changelist") + "?q=tan+suu")
    assert response.context["cl"].result_count >= 1


def _changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:directives_assignment_changelist"))
    assert response.status_code == 200
    return len(queries)


def test_assignment_changelist_query_count_is_flat(client, admin_user, assignment):
    client.force_login(admin_user)
    AssignmentFactory.create_batch(9, directive=assignment.directive)
    small = _changelist_queries(client)
    units = [Unit.objects.create(name=f"Đơn vị tải {i}", kind="department") for i in range(20)]
    for i in range(190):
        AssignmentFactory(directive=assignment.directive, lead_unit=units[i % 20])
    assert Assignment.objects.count() == 200
    assert _changelist_queries(client) == small


def test_admin_assignment_page_shows_history_read_only(client, admin_user, demo):
    client.force_login(admin_user)
    assignment = Assignment.objects.filter(updates__isnull=False).first()
    response = client.get(reverse("admin:directives_assignment_change", args=[assignment.pk]))
    assert response.status_code == 200
    assert assignment.updates.first().note in response.content.decode()


def _assignment_form(assignment, **fields) -> dict:
    return {
        "directive": assignment.directive_id,
        "lead_unit": assignment.lead_unit_id,
        "coordinating_units": [],
        "contact_person": "Chị Lan",
        "expected_result": "Kế hoạch",
        **{
            f"{p}-{k}": v
            for p in ("deadline_changes", "updates")
            for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
        },
        **fields,
    }


def test_admin_deadline_edit_keeps_history(client, admin_user, assignment):
    client.force_login(admin_user)
    url = reverse("admin:directives_assignment_change", args=[assignment.pk])
    response = client.post(url, _assignment_form(assignment, deadline_phrase="trong quý I/2021"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assignment.refresh_from_db()
    assert str(assignment.deadline) == "2021-03-31"
    assert assignment.deadline_basis == "Trong quý I/2021"
    change = DeadlineChange.objects.get(assignment=assignment)
    assert (str(change.old_deadline), change.kind) == ("2021-02-09", DeadlineChange.Kind.EDIT)


def test_admin_assignment_form_has_one_deadline_input(client, admin_user, assignment):
    client.force_login(admin_user)
    url = reverse("admin:directives_assignment_change", args=[assignment.pk])
    response = client.get(url)
    form = response.context["adminform"].form
    assert "deadline_phrase" in form.fields
    assert "deadline" not in form.fields and "deadline_basis" not in form.fields
    assert form.fields["deadline_phrase"].label == "Thời hạn"
    assert form["deadline_phrase"].value() == "Trước Tết Nguyên đán Tân Sửu"
    content = response.content.decode()
    assert "Hiện tại: Trước Tết Nguyên đán Tân Sửu — 09/02/2021 (Ngày 28 tháng Chạp" in content


def test_admin_deadline_phrase_counts_from_the_document_date(client, admin_user, assignment):
    # The document was issued 17/11/2020, so "Tết Tân Sửu" is February 2021, not 2081.
    client.force_login(admin_user)
    url = reverse("admin:directives_assignment_change", args=[assignment.pk])
    client.post(url, _assignment_form(assignment, deadline_phrase="trước Tết Tân Sửu"))
    assignment.refresh_from_db()
    assert (assignment.deadline, assignment.deadline_basis) == (
        dt.date(2021, 2, 9),
        "Trước Tết Nguyên đán Tân Sửu",
    )


def test_admin_deadline_working_days_skip_tet(client, admin_user, assignment):
    client.force_login(admin_user)
    url = reverse("admin:directives_assignment_change", args=[assignment.pk])
    client.post(
        url, _assignment_form(assignment, deadline_phrase="5 ngày làm việc kể từ 08/02/2021")
    )
    assignment.refresh_from_db()
    assert assignment.deadline == dt.date(2021, 2, 22)


def test_admin_unchanged_free_text_basis_is_kept(client, admin_user, assignment):
    basis = "Khẩn trương (văn bản không nêu ngày) — 31/12/2020, do Văn phòng Tỉnh ủy ấn định"
    Assignment.objects.filter(pk=assignment.pk).update(
        deadline=dt.date(2020, 12, 31), deadline_basis=basis
    )
    client.force_login(admin_user)
    url = reverse("admin:directives_assignment_change", args=[assignment.pk])
    shown = client.get(url).context["adminform"].form["deadline_phrase"].value()
    assert shown == basis
    response = client.post(
        url, _assignment_form(assignment, deadline_phrase=shown, contact_person="Anh Hùng")
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.deadline, assignment.deadline_basis) == (dt.date(2020, 12, 31), basis)
    assert assignment.contact_person == "Anh Hùng"
    assert not DeadlineChange.objects.filter(assignment=assignment).exists()


def test_admin_bad_deadline_phrase_shows_error_and_writes_nothing(client, admin_user, assignment):
    client.force_login(admin_user)
    url = reverse("admin:directives_assignment_change", args=[assignment.pk])
    response = client.post(
        url, _assignment_form(assignment, deadline_phrase="khẩn trương", contact_person="X")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["deadline_phrase"]
    assert "Không xác định được thời hạn từ “khẩn trương”" in errors[0]
    assignment.refresh_from_db()
    assert assignment.deadline == dt.date(2021, 2, 9)
    assert assignment.contact_person == ""
    assert not DeadlineChange.objects.exists()


def test_admin_empty_deadline_means_no_deadline(client, admin_user, assignment):
    client.force_login(admin_user)
    url = reverse("admin:directives_assignment_change", args=[assignment.pk])
    client.post(url, _assignment_form(assignment, deadline_phrase=""))
    assignment.refresh_from_db()
    assert (assignment.deadline, assignment.deadline_basis) == (None, "")
    assert DeadlineChange.objects.get().new_deadline is None


def test_admin_add_assignment_with_phrase_goes_through_set_deadline(client, admin_user, assignment):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:directives_assignment_add"),
        _assignment_form(assignment, deadline_phrase="Tết Dương lịch 2021"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Assignment.objects.exclude(pk=assignment.pk).get()
    assert (added.deadline, added.deadline_basis) == (
        dt.date(2020, 12, 31),
        "Trước Tết Dương lịch 2021",
    )
    change = DeadlineChange.objects.get(assignment=added)
    assert change.kind == DeadlineChange.Kind.INITIAL
    assert added.original_deadline == dt.date(2020, 12, 31)


def test_admin_add_assignment_with_bad_phrase_writes_nothing(client, admin_user, assignment):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:directives_assignment_add"),
        _assignment_form(assignment, deadline_phrase="trong quý V/2021"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["deadline_phrase"]
    assert Assignment.objects.count() == 1


def test_calendar_feed_admin_hides_tokens_and_revokes(client, admin_user, staff_user):
    from directives import actions

    feed = actions.renew_calendar_feed(staff_user)
    client.force_login(admin_user)
    changelist = reverse("admin:directives_calendarfeed_changelist")
    assert feed.token not in client.get(changelist).content.decode()
    change = reverse("admin:directives_calendarfeed_change", args=[feed.pk])
    assert feed.token not in client.get(change).content.decode()
    client.post(changelist, {"action": "revoke", "_selected_action": [feed.pk]})
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def _sidebar_choices(response, title: str) -> list[str]:
    spec = next(f for f in response.context["cl"].filter_specs if str(f.title) == title)
    return [c["display"] for c in spec.choices(response.context["cl"])]


def test_assignment_sidebar_lists_a_few_documents_and_directives_however_many(client, admin_user):
    """At a million assignments the sidebar listed 10,000 documents and 120,000 directives
    (5.7 s of rendering); it offers the latest few, and the chosen one wherever it ranks."""
    from directives.admin_filters import SHOWN
    from tests.factories import DocumentFactory

    client.force_login(admin_user)
    oldest = AssignmentFactory(
        directive__document=DocumentFactory(issue_date=dt.date(2019, 1, 2), subject="Cũ nhất"),
        directive__title="Nhiệm vụ cũ nhất",
    )
    for day in range(1, SHOWN + 6):
        AssignmentFactory(
            directive__document=DocumentFactory(issue_date=dt.date(2021, 1, day)),
        )
    url = reverse("admin:directives_assignment_changelist")

    plain = client.get(url)
    documents = _sidebar_choices(plain, "văn bản")
    assert len(documents) == SHOWN + 1  # "All" and the latest SHOWN
    assert not any("Cũ nhất" in d for d in documents)
    assert len(_sidebar_choices(plain, "nhiệm vụ")) == SHOWN + 1

    chosen = client.get(url + f"?directive__document__id__exact={oldest.directive.document_id}")
    assert chosen.status_code == 200
    assert list(chosen.context["cl"].result_list) == [oldest]
    spec = next(f for f in chosen.context["cl"].filter_specs if str(f.title) == "văn bản")
    selected = [c["display"] for c in spec.choices(chosen.context["cl"]) if c["selected"]]
    assert len(selected) == 1 and "Cũ nhất" in selected[0]

    by_directive = client.get(url + f"?directive__id__exact={oldest.directive_id}")
    assert list(by_directive.context["cl"].result_list) == [oldest]


def test_assignment_sidebar_refuses_a_garbage_id_without_an_error_page(client, admin_user):
    client.force_login(admin_user)
    AssignmentFactory()
    url = reverse("admin:directives_assignment_changelist")
    for bad in ("abc", "-1", "9" * 30):
        response = client.get(url + f"?directive__document__id__exact={bad}")
        assert response.status_code in (200, 302), bad  # Django's "?e=1" redirect for bad values
        assert response.status_code != 500


def test_document_and_directive_lists_link_to_their_assignments(client, admin_user):
    client.force_login(admin_user)
    assignment = AssignmentFactory()
    AssignmentFactory()  # of another document
    for name, lookup, pk in (
        ("document", "directive__document__id__exact", assignment.directive.document_id),
        ("directive", "directive__id__exact", assignment.directive_id),
    ):
        page = client.get(reverse(f"admin:directives_{name}_changelist")).content.decode()
        link = reverse("admin:directives_assignment_changelist") + f"?{lookup}={pk}"
        assert f'href="{link}"' in page
        assert list(client.get(link).context["cl"].result_list) == [assignment]


def test_progress_history_filters_by_date_range(client, admin_user, assignment):
    """The history's changelists offer date ranges (today, the past 7 days, this month…) in
    place of a year list, which read the whole history to offer its years."""
    from django.utils import timezone

    from directives.models import ProgressUpdate

    client.force_login(admin_user)
    now = timezone.now()
    recent = ProgressUpdate.objects.create(assignment=assignment, percent=40, note="Mới báo cáo")
    ProgressUpdate.objects.create(
        assignment=assignment, percent=10, note="Báo cáo cũ", created_at=now - dt.timedelta(days=40)
    )
    url = reverse("admin:directives_progressupdate_changelist")
    page = client.get(url)
    assert page.context["cl"].date_hierarchy is None
    spec = page.context["cl"].filter_specs[0]
    week = next(c for c in spec.choices(page.context["cl"]) if "7" in str(c["display"]))
    filtered = client.get(url + week["query_string"])
    assert list(filtered.context["cl"].result_list) == [recent]
