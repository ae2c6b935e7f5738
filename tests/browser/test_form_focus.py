"""Accessible htmx forms: after an error focus goes to the first invalid field, whose accessible
description is its error, and a live region says what went wrong; after a save, to the message."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_progress_form_focus_goes_to_the_error_then_to_the_saved_message(page, demo_live):
    from directives.models import Assignment

    sign_in(page, demo_live, "laodong")
    assignment = Assignment.objects.filter(
        lead_unit__name="Sở Lao động - Thương binh và Xã hội", status="in_progress"
    ).first()
    page.goto(f"{demo_live.url}/assignments/{assignment.pk}/progress/")
    page.evaluate("window.noReload = true")
    page.get_by_label("Tiến độ (%)").fill("200")
    page.get_by_role("button", name="Lưu cập nhật").click()

    note = page.get_by_role("textbox", name="Nội dung cập nhật")
    expect(note).to_be_focused()
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(note).to_have_accessible_description(
        re.compile(r"Hãy nhập nội dung cập nhật tiến độ\.$")
    )
    expect(page.get_by_role("spinbutton", name="Tiến độ (%)")).to_have_accessible_description(
        re.compile(r"Tiến độ phải từ 0 đến 100\.$")
    )
    expect(page.locator("#form-announcer")).to_have_text(
        "Chưa lưu: 2 ô cần sửa. Hãy nhập nội dung cập nhật tiến độ."
    )
    assert page.evaluate("window.noReload") is True

    note.fill("Đã tổ chức hội nghị triển khai")
    page.get_by_label("Tiến độ (%)").fill("80")
    page.get_by_role("button", name="Lưu cập nhật").click()
    saved = page.get_by_text("Đã lưu cập nhật tiến độ.")
    expect(saved).to_be_focused()
    assert page.evaluate("document.activeElement.tagName") != "BODY"
    assert page.evaluate("window.noReload") is True
