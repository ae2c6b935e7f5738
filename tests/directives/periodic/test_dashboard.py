"""The dashboard's "báo cáo định kỳ chưa nộp" count (outside its cached region)."""

from __future__ import annotations

import re

from django.urls import reverse

from directives.models import ReportSubmission


def test_dashboard_counts_reports_due_and_not_submitted(client, demo):
    from django.contrib.auth import get_user_model

    leader = get_user_model().objects.get(username="lanhdao")
    client.force_login(leader)
    doc = ReportSubmission.objects.first().obligation.document
    text = client.get(reverse("dashboard"), {"doc": doc.pk}).content.decode()
    section = text[text.index('id="periodic-unsubmitted"') :]
    count = int(re.search(r'<span class="num">(\d+)</span>', section).group(1))
    # As of today the demo's Q4/2020 has Năm Căn missing and Đầm Dơi returned; Q1/2021 (all
    # nine districts) has fallen due with nothing submitted.
    assert count == 2 + 9
    assert "Báo cáo định kỳ chưa nộp" in section


def test_home_shows_the_count_only_to_those_concerned(client, demo):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    client.force_login(users.get(username="namcan"))
    text = client.get(reverse("home")).content.decode()
    assert 'id="periodic-unsubmitted"' in text  # Năm Căn's Q4/2020 and Q1/2021 are missing
    client.force_login(users.get(username="laodong"))
    assert 'id="periodic-unsubmitted"' not in client.get(reverse("home")).content.decode()


def test_overview_counts_reports_due_and_not_submitted_across_documents(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="lanhdao"))
    text = client.get(reverse("dashboard")).content.decode()  # no document: the overview
    assert "Tổng quan thực hiện nhiệm vụ" in text
    section = text[text.index('id="periodic-unsubmitted"') :]
    assert int(re.search(r'<span class="num">(\d+)</span>', section).group(1)) == 2 + 9


def _overview_count(client) -> int:
    text = client.get(reverse("dashboard")).content.decode()
    section = text[text.index('id="periodic-unsubmitted"') :]
    return int(re.search(r'<span class="num">(\d+)</span>', section).group(1))


def test_the_kept_count_follows_every_change_of_the_slots_and_the_day(client, demo, monkeypatch):
    """The count is kept between requests (a province's took 7 ms of each leader's page), and
    is counted again after any write of a slot or obligation, slots made in bulk, and at
    midnight."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from directives.models import SubmissionState
    from directives.periodic import actions, slots

    client.force_login(get_user_model().objects.get(username="lanhdao"))
    assert _overview_count(client) == 2 + 9
    with CaptureQueriesContext(connection) as queries:
        assert _overview_count(client) == 2 + 9
    assert not [q for q in queries if "directives_reportsubmission" in q["sql"]]

    today = timezone.localdate()
    due = ReportSubmission.objects.unsubmitted_due(today)
    slot = due.filter(state=SubmissionState.OPEN).order_by("pk").first()
    actions.submit(slot, user=None, text="Báo cáo quý đã gửi.", trusted=True)
    assert _overview_count(client) == 2 + 9 - 1

    other = due.filter(state=SubmissionState.OPEN).order_by("pk").first()
    obligation = other.obligation
    other.delete()
    assert _overview_count(client) == 2 + 9 - 2
    assert slots.create_slots_for(obligation, today) == 1  # made again, in bulk
    assert _overview_count(client) == 2 + 9 - 1

    # On an earlier day the slots due since then were not due yet: the count is the day's,
    # with no write in between.
    latest = due.order_by("-due_date").values_list("due_date", flat=True).first()
    before = latest - dt.timedelta(days=1)
    expected = ReportSubmission.objects.unsubmitted_due(before).count()
    assert expected < due.count() == 2 + 9 - 1
    monkeypatch.setattr(timezone, "localdate", lambda *args: before)
    assert _overview_count(client) == expected
    monkeypatch.setattr(timezone, "localdate", lambda *args: today)
    assert _overview_count(client) == 2 + 9 - 1
