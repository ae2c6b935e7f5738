"""A district that leads an assignment of the province and has units beneath it."""

from __future__ import annotations

import pytest

from directives.models import Role, UnitKind
from tests.factories import AssignmentFactory, DirectiveFactory, UnitFactory, member


@pytest.fixture
def district(province):
    return UnitFactory(name="Huyện ủy Thử", parent=province, kind=UnitKind.PARTY_COMMITTEE)


@pytest.fixture
def commune_a(district):
    return UnitFactory(name="Đảng ủy xã A", parent=district, kind=UnitKind.PARTY_COMMITTEE)


@pytest.fixture
def commune_b(district):
    return UnitFactory(name="Đảng ủy xã B", parent=district, kind=UnitKind.PARTY_COMMITTEE)


@pytest.fixture
def board(district):
    return UnitFactory(name="Ban Tuyên giáo Huyện ủy Thử", parent=district)


@pytest.fixture
def parent(document, district, commune_a, commune_b, board):
    """The district's top-level assignment, due 09/02/2021, in progress."""
    return AssignmentFactory(
        directive=DirectiveFactory(document=document), lead_unit=district, status="in_progress"
    )


@pytest.fixture
def district_leader(district):
    return member(district, Role.LEADER)


@pytest.fixture
def district_staff(district):
    return member(district, Role.STAFF)


@pytest.fixture
def commune_staff(commune_a):
    return member(commune_a, Role.STAFF)
