"""Fixtures for periodic reports: the province, district party committees reporting quarterly to
the provincial office, and the members who act on them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from directives.models import Membership, ReportingObligation, Role, UnitKind
from directives.periodic import slots
from tests.factories import DocumentFactory, UnitFactory


@pytest.fixture
def tree(db):
    province = UnitFactory(name="Tỉnh định kỳ", kind=UnitKind.PROVINCE)
    office = UnitFactory(name="Văn phòng định kỳ", kind=UnitKind.PARTY_BOARD, parent=province)
    districts = [
        UnitFactory(name=f"Huyện ủy định kỳ {n}", kind=UnitKind.PARTY_COMMITTEE, parent=province)
        for n in range(1, 4)
    ]
    outsider = UnitFactory(name="Sở không báo cáo", kind=UnitKind.DEPARTMENT, parent=province)
    return {"province": province, "office": office, "districts": districts, "outsider": outsider}


@pytest.fixture
def obligation(tree):
    document = DocumentFactory(issuing_unit=tree["province"])
    return ReportingObligation.objects.create(
        document=document,
        title="Báo cáo kết quả quán triệt Nghị quyết",
        frequency="quarterly",
        due_rule="ngày 15 của tháng cuối quý",
        cutoff_rule="ngày 14 của tháng cuối quý",
        units_under=tree["province"],
        units_kind=UnitKind.PARTY_COMMITTEE,
        receiving_unit=tree["office"],
        figures="Số đảng viên được quán triệt (người)\nSố lớp học (lớp)",
        starts_on=dt.date(2020, 10, 1),
    )


@pytest.fixture
def slot_of(obligation):
    """The Q4/2020 slot of one district (slots created as of 01/12/2020)."""
    slots.create_slots(dt.date(2020, 12, 1))

    def get(unit):
        return obligation.submissions.get(period_key="2020-Q4", unit=unit)

    return get


class People(dict):
    """Users made on first use, without a password (hashing one takes most of a second; tests
    sign them in with force_login)."""

    ROLES = {
        "district_staff": (lambda t: t["districts"][0], Role.STAFF),
        "district_leader": (lambda t: t["districts"][0], Role.LEADER),
        "other_district_staff": (lambda t: t["districts"][1], Role.STAFF),
        "office_staff": (lambda t: t["office"], Role.STAFF),
        "office_leader": (lambda t: t["office"], Role.LEADER),
        "province_leader": (lambda t: t["province"], Role.LEADER),
        "inspector": (lambda t: t["province"], Role.INSPECTOR),
        "outsider": (lambda t: t["outsider"], Role.STAFF),
    }

    def __init__(self, tree):
        super().__init__()
        self.tree = tree

    def __missing__(self, name):
        unit, role = self.ROLES[name]
        user = User.objects.create(username=f"periodic-{name}", email=f"{name}@example.org")
        Membership.objects.create(user=user, unit=unit(self.tree), role=role)
        self[name] = user
        return user


@pytest.fixture
def people(tree):
    return People(tree)
