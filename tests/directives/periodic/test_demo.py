"""The demo's periodic report: task 1, the district-level committees, Q4/2020 as the issue asks."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from directives.models import ReportingObligation, ReportStatus

ON = dt.date(2021, 1, 5)


def test_demo_q4_2020_shows_each_kind_of_unit(demo):
    obligation = ReportingObligation.objects.get(directive__number="1")
    assert obligation.receiving_unit.name == "Văn phòng Tỉnh ủy"
    q4 = {s.unit.name: s for s in obligation.submissions.filter(period_key="2020-Q4")}
    assert len(q4) == 9 and "Thành ủy Cà Mau" in q4
    # 20/12/2020 was a Sunday: the rule moves the due date back to Friday 18/12.
    assert {s.due_date for s in q4.values()} == {dt.date(2020, 12, 18)}
    statuses = {name: s.status(ON) for name, s in q4.items()}
    assert statuses["Huyện ủy Phú Tân"] == ReportStatus.LATE
    assert statuses["Huyện ủy Đầm Dơi"] == ReportStatus.RETURNED
    assert statuses["Huyện ủy Năm Căn"] == ReportStatus.NOT_SUBMITTED
    assert statuses["Huyện ủy Ngọc Hiển"] == ReportStatus.ACCEPTED
    assert statuses["Huyện ủy U Minh"] == ReportStatus.ON_TIME


def test_seeding_twice_adds_nothing(demo, settings):
    obligation = ReportingObligation.objects.get(directive__number="1")
    before = (
        obligation.submissions.count(),
        sum(s.events.count() for s in obligation.submissions.all()),
    )
    settings.DEBUG = True
    call_command("seed_demo")
    after = (
        obligation.submissions.count(),
        sum(s.events.count() for s in obligation.submissions.all()),
    )
    assert before == after
