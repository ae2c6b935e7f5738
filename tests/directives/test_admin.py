"""The Django admin: complete for admins, closed to everyone else, flat query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.models import Assignment, DeadlineChange, Unit
from tests.factories import AssignmentFactory

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


def test_admin_deadline_edit_keeps_history(client, admin_user, assignment):
    client.force_login(admin_user)
    url = reverse("admin:directives_assignment_change", args=[assignment.pk])
    response = client.post(
        url,
        {
            "directive": assignment.directive_id,
            "lead_unit": assignment.lead_unit_id,
            "coordinating_units": [],
            "contact_person": "Chị Lan",
            "expected_result": "Kế hoạch",
            "deadline": "2021-03-31",
            "deadline_basis": "Trong quý I/2021",
            **{
                f"{p}-{k}": v
                for p in ("deadline_changes", "updates")
                for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assignment.refresh_from_db()
    assert str(assignment.deadline) == "2021-03-31"
    change = DeadlineChange.objects.get(assignment=assignment)
    assert (str(change.old_deadline), change.kind) == ("2021-02-09", DeadlineChange.Kind.EDIT)
