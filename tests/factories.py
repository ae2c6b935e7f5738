"""factory_boy factories: the one place test data is built."""

from __future__ import annotations

import datetime as dt
import functools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from directives.models import (
    Assignment,
    Directive,
    Document,
    Membership,
    Role,
    Unit,
    UnitKind,
)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    short_name = factory.Sequence(lambda n: f"ĐV{n}")
    kind = UnitKind.DEPARTMENT


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    subject = factory.Sequence(lambda n: f"Kết luận số {n}")
    issue_date = dt.date(2020, 11, 17)
    issuing_unit = factory.SubFactory(UnitFactory, kind=UnitKind.PROVINCE)


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directive

    document = factory.SubFactory(DocumentFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Nhiệm vụ {n}")
    text = "Toàn văn nhiệm vụ."


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    directive = factory.SubFactory(DirectiveFactory)
    lead_unit = factory.SubFactory(UnitFactory)
    deadline = dt.date(2021, 2, 9)
    deadline_basis = "Trước Tết Nguyên đán Tân Sửu"

    @factory.post_generation
    def coordinating(self, create, extracted, **kwargs):
        if create and extracted:
            self.coordinating_units.set(extracted)


@functools.cache
def _hashed(hashers: tuple[str, ...]) -> str:
    return make_password("mat-khau-dai-12345")


def hashed_password() -> str:
    """A real hash of the shared test password, made once per process for each set of
    hashers: hashing costs about 0.4 s and the suite creates thousands of users. Keyed by the
    hashers so that a test that switches to a fast hasher gets users hashed with it."""
    from django.conf import settings

    return _hashed(tuple(settings.PASSWORD_HASHERS))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Nguyễn"
    last_name = factory.Sequence(lambda n: f"Văn {n}")
    password = factory.LazyFunction(hashed_password)


def member(unit: Unit, role: str = Role.STAFF, **user_fields):
    """A user who belongs to `unit` with `role`."""
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user
