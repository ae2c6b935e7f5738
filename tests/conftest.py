"""Shared fixtures: a small unit tree, an assignment and one user per role."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from django.conf import settings
from django.utils import translation

from directives.models import Role, UnitKind
from tests.factories import (
    AssignmentFactory,
    DirectiveFactory,
    DocumentFactory,
    UnitFactory,
    UserFactory,
    member,
)

PASSWORD = "mat-khau-dai-12345"


@pytest.fixture(autouse=True)
def _interface_language_is_the_default():
    """Each test starts in the site's language (Vietnamese): a request in English leaves English
    active in the thread afterwards (LocaleMiddleware activates, nothing deactivates), which made
    tests that read a label without a request depend on which test ran before them."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def province(db):
    return UnitFactory(name="Tỉnh Thử nghiệm", kind=UnitKind.PROVINCE)


@pytest.fixture
def lead_unit(province):
    return UnitFactory(name="Ban Tuyên giáo thử", parent=province)


@pytest.fixture
def coordinating_unit(province):
    return UnitFactory(name="Sở phối hợp thử", parent=province)


@pytest.fixture
def other_unit(province):
    return UnitFactory(name="Huyện ủy khác", parent=province, kind=UnitKind.PARTY_COMMITTEE)


@pytest.fixture
def document(province):
    return DocumentFactory(issuing_unit=province)


@pytest.fixture
def assignment(document, lead_unit, coordinating_unit):
    directive = DirectiveFactory(document=document)
    return AssignmentFactory(
        directive=directive, lead_unit=lead_unit, coordinating=[coordinating_unit]
    )


@pytest.fixture
def staff_user(lead_unit):
    return member(lead_unit, Role.STAFF)


@pytest.fixture
def coordinating_user(coordinating_unit):
    return member(coordinating_unit, Role.STAFF)


@pytest.fixture
def unrelated_user(other_unit):
    return member(other_unit, Role.STAFF)


@pytest.fixture
def leader_user(province):
    """A leader of the assigning body (the province)."""
    return member(province, Role.LEADER)


@pytest.fixture
def unit_leader(other_unit):
    """A leader of a unit outside the assignment's subtree."""
    return member(other_unit, Role.LEADER)


@pytest.fixture
def inspector_user(province):
    return member(province, Role.INSPECTOR)


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def today():
    return dt.date(2021, 1, 4)


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker):
    """The demo data, seeded once for the module that asks (it takes seconds) and removed
    after it. A module pairs it with a function fixture on ``db`` so that whatever a test
    writes is rolled back after it."""
    from django.core.management import call_command

    from tests import demo_snapshot

    with django_db_blocker.unblock():
        demo_snapshot.seed()
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(demo_once, db):
    """The demo data of `make run` (the founding document), seeded once for the module: each
    test sees it fresh, whatever it writes is rolled back after it. A module with a
    transactional test (which empties every table after it) uses ``fresh_demo`` instead."""


@pytest.fixture
def fresh_demo(db):
    """The demo seeded for this test alone, by seed_demo with debug on (as `make run` does) — or
    the rows it made the first time, written back (tests/demo_snapshot.py)."""
    from tests import demo_snapshot

    demo_snapshot.seed()


def pytest_configure(config):
    """Under pytest-xdist (`-n`), share the tests out with worksteal unless `--dist` says
    otherwise: each worker starts on one half of the suite in file order and takes work from the
    other's end when it runs out, so a module's tests stay together (its module-scoped data is
    built once per worker) and neither worker idles at the end. Set here rather than in addopts
    so that `-p no:xdist` still works."""
    explicit = any(arg.startswith("--dist") for arg in config.invocation_params.args)
    if getattr(config.option, "dist", "no") == "load" and not explicit:
        config.option.dist = "worksteal"


def _sweep_summary() -> str | None:
    sweep = sys.modules.get("tests.test_input_sweep")
    return sweep.summary() if sweep is not None else None


def pytest_sessionfinish(session):
    """Under pytest-xdist a worker hands its sweep summary to the controller, which prints it."""
    workeroutput = getattr(session.config, "workeroutput", None)
    line = _sweep_summary()
    if workeroutput is not None and line:
        workeroutput["sweep_summary"] = line


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    line = getattr(node, "workeroutput", {}).get("sweep_summary")
    if line:
        node.config._sweep_summaries = [*getattr(node.config, "_sweep_summaries", []), line]


def pytest_terminal_summary(terminalreporter, config):
    """The input sweep's size and time, when it ran (tests/test_input_sweep.py)."""
    lines = getattr(config, "_sweep_summaries", None) or [_sweep_summary()]
    for line in filter(None, lines):
        terminalreporter.write_line(line)
