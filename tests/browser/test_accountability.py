"""Browser tests of accountability (issue 17): the lead unit answers a request for explanation,
and a leader reads the unit scorecard — at 1280 px and 360 px, checked with axe-core."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_staff import PDF, TG, look_at

pytestmark = pytest.mark.browser


def ask_tuyen_giao():
    """The province's leader asks Ban Tuyên giáo to explain its open election work."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from directives import actions
    from directives.models import Assignment, Status

    assignment = (
        Assignment.objects.filter(lead_unit__name=TG)
        .exclude(status=Status.DONE)
        .order_by("pk")
        .first()
    )
    return actions.request_explanation(
        assignment,
        user=get_user_model().objects.get(username="lanhdao"),
        question="Đề nghị giải trình kết quả tuyên truyền bầu cử ở vùng sâu.",
        reply_by=timezone.localdate() + dt.timedelta(days=3),
    )


def test_lead_unit_answers_a_request_for_explanation(page, demo_live):
    explanation = ask_tuyen_giao()
    sign_in(page, demo_live, "tuyengiao")
    page.goto(f"{demo_live.url}/assignments/{explanation.assignment_id}/")
    card = page.locator("#explanations")
    expect(card).to_contain_text("Đề nghị giải trình kết quả tuyên truyền bầu cử")
    expect(card).to_contain_text("Chờ giải trình")
    card.get_by_role("link", name="Giải trình").click()
    page.wait_for_url(f"**/explanations/{explanation.pk}/answer/")
    look_at(page, "explanation-answer")
    form = page.locator("#explanation-answer-form")
    # An empty answer is refused in Vietnamese, nothing sent.
    form.get_by_role("button", name="Gửi giải trình").click()
    expect(page.locator("#explanation-answer-form")).to_contain_text(
        "Hãy nhập nội dung giải trình."
    )
    form = page.locator("#explanation-answer-form")
    form.get_by_label("Nội dung giải trình").fill(
        "Đã phối hợp Đài Phát thanh phát sóng bằng tiếng Khmer ở 12 xã vùng sâu."
    )
    form.get_by_label("Tệp kèm theo").set_input_files(
        [{"name": "Báo cáo giải trình.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    form.get_by_role("button", name="Gửi giải trình").click()
    page.wait_for_url(f"**/assignments/{explanation.assignment_id}/**")
    expect(page.locator(".messages")).to_contain_text("Đã gửi nội dung giải trình.")
    card = page.locator("#explanations")
    expect(card).to_contain_text("Đã giải trình")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("tiếng Khmer")
    expect(timeline.get_by_role("link", name="Báo cáo giải trình.pdf")).to_be_visible()
    look_at(page, "explanation-answered")


def test_leader_reads_the_scorecard_of_q1_2021(page, demo_live):
    sign_in(page, demo_live, "lanhdao")
    page.goto(f"{demo_live.url}/dashboard/scorecard/?period=2021-Q1")
    table = page.locator("#scorecard-table")
    expect(table).to_contain_text("Ban Tuyên giáo Tỉnh ủy")
    expect(page.locator("#scorecard-formula")).to_contain_text("Điểm tiến độ")
    look_at(page, "scorecard-2021-q1")
