"""The demo data: the five tasks assigned to their units, accounts, and idempotence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from directives.models import Assignment, Document, ProgressUpdate, Role, Unit


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True  # as under `make run`
    call_command("seed_demo")


def counts():
    return (
        Unit.objects.count(),
        Document.objects.count(),
        Assignment.objects.count(),
        ProgressUpdate.objects.count(),
        get_user_model().objects.count(),
    )


def test_seed_creates_five_directives_with_assignments(seeded):
    document = Document.objects.get(issuing_unit__parent=None)  # the founding document
    assert document.directives.count() == 5
    for directive in document.directives.all():
        assert directive.assignments.exists(), directive.number


def test_seed_twice_changes_nothing(seeded):
    before = counts()
    call_command("seed_demo")
    assert counts() == before


def test_seed_deadlines_carry_their_basis(seeded):
    tet = Assignment.objects.filter(deadline=dt.date(2021, 2, 9))
    assert tet.exists()
    assert all(a.deadline_basis == "Trước Tết Nguyên đán Tân Sửu" for a in tet)


def test_seed_history_is_marked_as_sample(seeded):
    assert ProgressUpdate.objects.exists()
    assert not ProgressUpdate.objects.filter(is_sample=False).exists()


def test_seed_demo_accounts_have_their_roles(seeded):
    users = {u.username: u for u in get_user_model().objects.all()}
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert users["lanhdao"].membership.role == Role.LEADER
    assert users["lanhdao"].membership.unit.parent is None
    assert users["kiemtra"].membership.role == Role.INSPECTOR
    assert users["tuyengiao"].membership.unit.name == "Ban Tuyên giáo Tỉnh ủy"
    assert users["laodong"].membership.unit.name == "Sở Lao động - Thương binh và Xã hội"
    assert users["namcan"].membership.unit.name == "Huyện ủy Năm Căn"
    assert all(u.check_password("demo12345") for u in users.values())


def test_seed_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert Document.objects.count() == 0


def test_seed_runs_with_force_when_debug_is_off(db, settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force")
    # The founding document, and the two sample documents the leaders' overview adds up.
    assert Document.objects.count() == 3
    assert set(Document.objects.values_list("issuing_unit__name", flat=True)) == {
        "Tỉnh Cà Mau",
        "Ủy ban nhân dân tỉnh",
        "Huyện ủy Năm Căn",
    }


def test_seed_shows_a_coordinating_units_own_report_beside_the_leads(seeded):
    """Sở TT&TT reports its part of task 3 (60 % on 12/01/2021); the lead's 80 % stands."""
    update = ProgressUpdate.objects.get(
        coordinating=True, unit__name="Sở Thông tin và Truyền thông"
    )
    assert (update.percent, update.created_at.date()) == (60, dt.date(2021, 1, 12))
    assert update.assignment.lead_unit.name == "Ban Tuyên giáo Tỉnh ủy"
    as_of = Assignment.objects.filter(pk=update.assignment_id).as_of(dt.date(2021, 1, 15)).get()
    assert as_of.asof_percent == 80
    namcan = Assignment.objects.get(directive__number="1", lead_unit__name="Huyện ủy Năm Căn")
    assert namcan.percent == 70
    assert namcan.updates.filter(coordinating=True, unit__name="Ban Tuyên giáo Tỉnh ủy").exists()


def test_seed_has_coordinating_units_that_never_reported(seeded):
    update = ProgressUpdate.objects.get(
        coordinating=True, unit__name="Sở Thông tin và Truyền thông"
    )
    reported = set(
        update.assignment.updates.filter(coordinating=True).values_list("unit__name", flat=True)
    )
    silent = {u.name for u in update.assignment.coordinating_units.all() if u.name not in reported}
    assert silent == {"Báo Cà Mau", "Đài Phát thanh - Truyền hình Cà Mau", "Công an tỉnh"}
