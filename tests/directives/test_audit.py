"""The audit trail: every change kept with who, when, from where, before and after."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from simple_history.models import HistoricalRecords

from directives import actions, permissions
from directives.audit import CHANGED, CREATED, DELETED, assignment_audit, object_entries
from directives.models import Assignment, Document, Membership, Role
from tests.factories import UnitFactory, UserFactory

ADDRESS = "203.0.113.7"


@contextlib.contextmanager
def acting_as(user, address=ADDRESS):
    """What HistoryRequestMiddleware does for a web request: expose the request to the trail."""
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.user = user
    HistoricalRecords.context.request = request
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def changes(entries, field):
    return [(e.before, e.after) for e in entries if e.field == field and e.action == CHANGED]


def admin_change_data(assignment, **overrides):
    data = {
        "directive": assignment.directive_id,
        "lead_unit": assignment.lead_unit_id,
        "coordinating_units": [u.pk for u in assignment.coordinating_units.all()],
        "contact_person": assignment.contact_person,
        "expected_result": assignment.expected_result,
        # One "Thời hạn" input: a date or a phrase (directives.fields.DeadlineField).
        "deadline_phrase": assignment.deadline.strftime("%d/%m/%Y") if assignment.deadline else "",
        **{
            f"{prefix}-{key}": 0
            for prefix in ("deadline_changes", "updates")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    data.update(overrides)
    return data


def test_admin_deadline_edit_records_who_when_where_before_after(client, admin_user, assignment):
    client.force_login(admin_user)
    url = reverse("admin:directives_assignment_change", args=[assignment.pk])
    response = client.post(
        url,
        admin_change_data(assignment, deadline_phrase="trong quý I/2021"),
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302
    entry = next(e for e in assignment_audit(assignment) if e.field == "deadline" and e.before)
    assert (entry.before, entry.after) == ("09/02/2021", "31/03/2021")
    assert entry.who == admin_user.username
    assert entry.from_where == ADDRESS
    assert entry.label == "thời hạn"
    assert entry.when is not None


def test_coordinating_units_change_is_recorded(client, admin_user, assignment):
    helper = UnitFactory(name="Sở Tài chính thử")
    client.force_login(admin_user)
    url = reverse("admin:directives_assignment_change", args=[assignment.pk])
    data = admin_change_data(assignment)
    data["coordinating_units"] = [*data["coordinating_units"], helper.pk]
    assert client.post(url, data).status_code == 302
    assert ("Sở phối hợp thử", "Sở phối hợp thử, Sở Tài chính thử") in changes(
        assignment_audit(assignment), "coordinating_units"
    )


def test_workflow_and_percent_changes_are_recorded(assignment, staff_user, leader_user):
    with acting_as(staff_user):
        actions.record_progress(assignment, user=staff_user, note="Đã họp", percent=40)
        actions.transition(assignment, "report_done", user=staff_user, note="Xong")
    with acting_as(leader_user, "198.51.100.2"):
        actions.transition(
            assignment, "confirm", user=leader_user, note="Đồng ý", confirm_below=True
        )
    entries = assignment_audit(assignment)
    assert ("0", "40") in changes(entries, "percent")
    assert ("Chưa thực hiện", "Chờ xác nhận") in changes(entries, "status")
    confirm = next(e for e in entries if e.field == "status" and e.after == "Đã hoàn thành")
    assert (confirm.who, confirm.from_where) == (leader_user.username, "198.51.100.2")


def test_extension_decision_appears_in_assignment_audit(assignment, staff_user, leader_user):
    with acting_as(staff_user):
        request = actions.request_extension(
            assignment, user=staff_user, new_deadline=dt.date(2021, 3, 1), reason="Chờ số liệu"
        )
    with acting_as(leader_user):
        actions.decide_extension(request, user=leader_user, approve=False, note="Không đủ lý do")
    entries = assignment_audit(assignment)
    decision = [e for e in entries if e.field == "state" and e.action == CHANGED]
    assert [(e.before, e.after, e.who) for e in decision] == [
        ("Chờ quyết định", "Không đồng ý", leader_user.username)
    ]
    assert decision[0].model == "đề nghị gia hạn"


def test_writes_outside_a_request_are_recorded_as_the_system(assignment, staff_user):
    actions.record_progress(assignment, user=staff_user, note="Nhập từ lệnh", percent=10)
    entry = [e for e in assignment_audit(assignment) if e.field == "percent"][-1]
    assert (entry.who, entry.from_where) == ("", "")


def test_audit_survives_deletion_of_the_object(client, admin_user, province):
    client.force_login(admin_user)
    document = Document.objects.create(
        subject="Thông báo sẽ bị xóa", issue_date=dt.date(2021, 1, 1)
    )
    pk = document.pk
    url = reverse("admin:directives_document_delete", args=[pk])
    assert client.post(url, {"post": "yes"}, REMOTE_ADDR=ADDRESS).status_code == 302
    assert not Document.objects.filter(pk=pk).exists()
    entries = object_entries(Document, pk)
    assert entries[0].action == CREATED
    assert (entries[-1].action, entries[-1].who, entries[-1].from_where) == (
        DELETED,
        admin_user.username,
        ADDRESS,
    )


def test_audit_of_deleted_assignment_is_still_readable(assignment):
    pk = assignment.pk
    Assignment.objects.filter(pk=pk).delete()
    entries = assignment_audit(pk)
    assert [e.action for e in entries][-1] == DELETED


def test_who_survives_deletion_of_the_user(assignment):
    actor = UserFactory(username="nguoi-se-nghi-viec")
    with acting_as(actor):
        actions.record_progress(assignment, user=actor, note="x", percent=5, trusted=True)
    actor.delete()
    entry = [e for e in assignment_audit(assignment) if e.field == "percent"][-1]
    assert entry.who == "nguoi-se-nghi-viec"


def test_role_changes_are_recorded(client, admin_user, staff_user, other_unit):
    client.force_login(admin_user)
    membership = Membership.objects.get(user=staff_user)
    url = reverse("admin:directives_membership_change", args=[membership.pk])
    response = client.post(
        url,
        {"user": staff_user.pk, "unit": other_unit.pk, "role": Role.LEADER},
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302
    entries = object_entries(Membership, membership.pk)
    assert ("Cán bộ", "Lãnh đạo") in changes(entries, "role")
    assert ("Ban Tuyên giáo thử", "Huyện ủy khác") in changes(entries, "unit")


def test_admin_rights_and_groups_of_users_are_recorded(staff_user, admin_user):
    group = Group.objects.create(name="Văn phòng")
    with acting_as(admin_user):
        staff_user.is_staff = True
        staff_user.save()
        staff_user.groups.add(group)
    entries = object_entries(type(staff_user), staff_user.pk)
    assert ("Không", "Có") in changes(entries, "is_staff")
    assert ("", "Văn phòng") in changes(entries, "groups")
    assert {e.who for e in entries if e.action == CHANGED} == {admin_user.username}


def test_password_hashes_are_never_copied_into_the_trail(staff_user):
    history_model = type(staff_user).history.model
    field_names = {f.name for f in history_model._meta.get_fields()}
    assert "password" not in field_names


def test_signing_in_is_not_recorded_as_a_change_of_the_user(client, staff_user):
    before = type(staff_user).history.count()
    response = client.post(
        reverse("login"), {"username": staff_user.username, "password": "mat-khau-dai-12345"}
    )
    assert response.status_code == 302
    assert type(staff_user).history.count() == before


def test_admin_history_page_shows_the_trail(client, admin_user, assignment):
    client.force_login(admin_user)
    change_url = reverse("admin:directives_assignment_change", args=[assignment.pk])
    client.post(
        change_url, admin_change_data(assignment, contact_person="Chị Lan"), REMOTE_ADDR=ADDRESS
    )
    response = client.get(reverse("admin:directives_assignment_history", args=[assignment.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Chị Lan" in content and ADDRESS in content and admin_user.username in content
    assert "Revert" not in content and "Khôi phục" not in content


def test_admin_history_version_cannot_be_reverted(client, admin_user, assignment):
    client.force_login(admin_user)
    first = assignment.history.earliest("history_date")
    Assignment.objects.filter(pk=assignment.pk).update(contact_person="Anh Minh")
    url = reverse(
        "admin:directives_assignment_simple_history", args=[assignment.pk, first.history_id]
    )
    assert client.get(url).status_code == 200
    count = assignment.history.count()
    response = client.post(url, admin_change_data(assignment, contact_person="Cũ"))
    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.contact_person == "Anh Minh"
    assert assignment.history.count() == count


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin_user", True),
        ("leader_user", True),
        ("lead_leader", True),
        ("unit_leader", False),
        ("inspector_user", False),
        ("staff_user", False),
        ("coordinating_user", False),
        ("unrelated_user", False),
    ],
)
def test_who_may_read_the_audit_trail(request, assignment, lead_unit, role, allowed):
    from tests.factories import member

    user = (
        member(lead_unit, Role.LEADER) if role == "lead_leader" else request.getfixturevalue(role)
    )
    assert permissions.can_view_audit(user, assignment) is allowed


def test_anonymous_may_not_read_the_audit_trail(assignment):
    from django.contrib.auth.models import AnonymousUser

    assert permissions.can_view_audit(AnonymousUser(), assignment) is False
