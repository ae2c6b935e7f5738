"""The demo data, seeded once per module, and a State document beside the demo's Party one."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def demo(demo_once, db):
    """Each test sees the seeded demo; whatever it writes is rolled back after it."""


@pytest.fixture
def leader(client, demo):
    client.login(username="lanhdao", password="demo12345")
    return client


@pytest.fixture
def conclusion(demo):
    """The founding conclusion (a Party document), named explicitly: the demo may hold others."""
    from directives.models import Document

    return Document.objects.get(issue_date=dt.date(2020, 11, 17), issuer__contains="Tỉnh ủy")


def make_state_document(leads=(("Sở Lao động - Thương binh và Xã hội", dt.date(2021, 3, 31)),)):
    """A plan of the provincial People's Committee (412/KH-UBND): the State's form answers it.
    ``leads`` are (unit name, deadline) pairs, one assignment each."""
    from directives import actions
    from directives.models import Directive, Document, Unit

    committee = Unit.objects.get(name="Ủy ban nhân dân tỉnh")
    document = Document.objects.create(
        number="412/KH-UBND",
        subject="Kế hoạch triển khai chuyển đổi số năm 2021",
        issuer="Ủy ban nhân dân tỉnh Cà Mau",
        issuing_unit=committee,
        issue_date=dt.date(2021, 1, 5),
    )
    directive = Directive.objects.create(
        document=document, number="1", position=1, title="Xây dựng kế hoạch chuyển đổi số"
    )
    for name, deadline in leads:
        actions.create_assignment(
            directive,
            lead_unit=Unit.objects.get(name=name),
            deadline=deadline,
            basis="",
            at=dt.datetime(2021, 1, 5, 8, tzinfo=dt.UTC),
        )
    return document


@pytest.fixture
def state_document(demo):
    return make_state_document(
        [
            ("Sở Lao động - Thương binh và Xã hội", dt.date(2021, 3, 31)),
            ("Ban cán sự đảng UBND tỉnh", dt.date(2021, 2, 9)),
        ]
    )
