"""Fixtures for periodic reports: the province, district party committees reporting quarterly to
the provincial office, and the members who act on them."""

from __future__ import annotations

import datetime as dt

import pytest

from directives.models import ReportingObligation, Role, UnitKind
from directives.periodic import slots
from tests.factories import DocumentFactory, UnitFactory, member


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


@pytest.fixture
def people(tree):
    return {
        "district_staff": member(tree["districts"][0], Role.STAFF),
        "district_leader": member(tree["districts"][0], Role.LEADER),
        "other_district_staff": member(tree["districts"][1], Role.STAFF),
        "office_staff": member(tree["office"], Role.STAFF),
        "office_leader": member(tree["office"], Role.LEADER),
        "province_leader": member(tree["province"], Role.LEADER),
        "inspector": member(tree["province"], Role.INSPECTOR),
        "outsider": member(tree["outsider"], Role.STAFF),
    }
