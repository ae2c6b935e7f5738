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
