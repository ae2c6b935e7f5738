"""The demo data, seeded once per module, and a State document beside the demo's Party one."""

from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    from django.core.management import call_command

    from directives.demo import seed

    with django_db_blocker.unblock():
        seed()
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(seeded, db):
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


@pytest.fixture
def state_document(demo):
    """A plan of the provincial People's Committee: the State's form answers it."""
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
    for name, deadline in [
        ("Sở Lao động - Thương binh và Xã hội", dt.date(2021, 3, 31)),
        ("Ban cán sự đảng UBND tỉnh", dt.date(2021, 2, 9)),
    ]:
        actions.create_assignment(
            directive,
            lead_unit=Unit.objects.get(name=name),
            deadline=deadline,
            basis="",
            at=dt.datetime(2021, 1, 5, 8, tzinfo=dt.UTC),
        )
    return document
