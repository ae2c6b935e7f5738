"""The audit trail on the assignment page: leaders who see it and admins, never staff."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from directives import actions


def _change_deadline(assignment, admin_user):
    actions.set_deadline(
        assignment,
        deadline=dt.date(2021, 3, 31),
        basis="Trong quý I/2021",
        kind="edit",
        user=admin_user,
    )


def test_assigning_leader_sees_who_changed_the_deadline(
    client, assignment, leader_user, admin_user
):
    _change_deadline(assignment, admin_user)
    client.force_login(leader_user)
    content = client.get(reverse("assignment_detail", args=[assignment.pk])).content.decode()
    audit = content.split('id="audit"', 1)[1]
    assert "Nhật ký thay đổi" in audit
    # Before and after of the deadline (who and from where are tested in test_audit.py).
    assert "Trong quý I/2021" in audit and "31/03/2021" in audit


def test_admin_sees_the_audit_trail(client, assignment, admin_user):
    _change_deadline(assignment, admin_user)
    client.force_login(admin_user)
    content = client.get(reverse("assignment_detail", args=[assignment.pk])).content.decode()
    assert "Nhật ký thay đổi" in content


def test_staff_do_not_see_the_audit_trail(client, assignment, staff_user, admin_user):
    _change_deadline(assignment, admin_user)
    client.force_login(staff_user)
    response = client.get(reverse("assignment_detail", args=[assignment.pk]))
    assert response.status_code == 200
    assert "Nhật ký thay đổi" not in response.content.decode()


def test_each_change_reads_as_a_sentence_without_internal_columns(
    client, assignment, leader_user, admin_user
):
    before = assignment.deadline
    _change_deadline(assignment, admin_user)
    client.force_login(leader_user)
    content = client.get(reverse("assignment_detail", args=[assignment.pk])).content.decode()
    audit = content.split('id="audit"', 1)[1].split("</section>", 1)[0]
    assert f"Thời hạn: {before:%d/%m/%Y} → 31/03/2021" in audit
    for internal in ("search", "phiên bản", "số lần gia hạn", "Trước</th>", "Sau</th>"):
        assert internal not in audit


def test_seeded_history_is_labelled_sample_data_with_its_own_dates(client, demo):
    from directives.models import Assignment

    client.login(username="lanhdao", password="demo12345")
    namcan = Assignment.objects.get(directive__number="1", lead_unit__name="Huyện ủy Năm Căn")
    content = client.get(reverse("assignment_detail", args=[namcan.pk])).content.decode()
    audit = content.split('id="audit"', 1)[1].split("</section>", 1)[0]
    assert "Dữ liệu mẫu" in audit
    assert "search" not in audit
    # The sample's own dates (2020), not the day the demo was seeded.
    assert re.search(r"\d{2}/12/2020 \d{2}:\d{2}</time>", audit)
    assert "Tiến độ (%): " in audit or "Tiến độ: " in audit
