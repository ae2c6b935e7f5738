"""The calendar, the notifications and the calendar subscription, in Chromium at 1280 and 360 px."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def assert_accessible(page) -> None:
    results = Axe().run(page)
    serious = [
        v["id"]
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert serious == [], results.generate_report()


def assert_no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_calendar_month_marks_tet_and_navigates_with_htmx(page, demo_live):
    sign_in(page, demo_live, "lanhdao")
    page.get_by_role("link", name="Lịch", exact=True).click()
    page.goto(f"{demo_live.url}/calendar/?month=2021-02")
    expect(page.locator("#calendar-title")).to_contain_text("Tháng 2/2021")
    tet = page.locator(".day-tet", has_text="Tết Nguyên Đán").first
    assert tet.is_visible()
    assert page.get_by_text("Giao thừa Tết Nguyên Đán").is_visible()
    assert page.locator(".cal-deadline").count() >= 1
    assert_accessible(page)
    screenshot(page, "calendar-1280")

    page.get_by_role("link", name="‹ Tháng trước").click()
    page.wait_for_url("**/calendar/?month=2021-01")
    expect(page.locator("#calendar-title")).to_contain_text("Tháng 1/2021")
    assert page.locator(".cal-event", has_text="toàn quốc lần thứ XIII").first.is_visible()
    page.go_back()
    page.wait_for_url("**/calendar/?month=2021-02")
    expect(page.locator("#calendar-title")).to_contain_text("Tháng 2/2021")

    page.goto(f"{demo_live.url}/calendar/?month=2020-12")
    screenshot(page, "calendar-december-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert_no_horizontal_scroll(page)
    assert page.locator(".day-full", has_text="Thứ Năm, 31/12/2020").is_visible()
    assert not page.locator(".month-table").is_visible()
    assert not page.locator(".month-weekdays").is_visible()
    assert_accessible(page)
    screenshot(page, "calendar-360")
    page.goto(f"{demo_live.url}/calendar/?month=2021-02")
    assert_no_horizontal_scroll(page)
    screenshot(page, "calendar-february-360")


def test_calendar_bad_month_shows_error(page, demo_live):
    sign_in(page, demo_live, "tuyengiao")
    page.goto(f"{demo_live.url}/calendar/?month=2021-13")
    assert page.get_by_role("alert").get_by_text("Không hiểu tháng").is_visible()


def test_notifications_bell_and_mark_read(page, demo_live):
    from django.contrib.auth import get_user_model

    from directives import actions
    from directives.models import Assignment

    leader = get_user_model().objects.get(username="lanhdao")
    for assignment in Assignment.objects.filter(lead_unit__name="Ban Tuyên giáo Tỉnh ủy")[:2]:
        actions.urge(assignment, user=leader, message="Đề nghị báo cáo tiến độ trước ngày 20/01.")
    call_command("send_reminders", "--now", "2021-02-08T08:00")
    sign_in(page, demo_live, "tuyengiao")
    bell = page.locator("#notification-bell")
    count = int(bell.locator(".bell-count").inner_text().split()[0])
    assert count >= 2
    bell.click()
    page.wait_for_url("**/notifications/")
    assert page.get_by_role("heading", name="Thông báo", exact=True).is_visible()
    assert_accessible(page)
    screenshot(page, "notifications-1280")

    page.get_by_role("button", name="Đánh dấu đã đọc").first.click()
    page.wait_for_function(
        "n => document.querySelector('#notification-bell .bell-count')?.textContent"
        ".trim().startsWith(String(n))",
        arg=count - 1,
    )
    assert page.get_by_role("button", name="Đánh dấu chưa đọc").count() == 1
    page.get_by_role("link", name=re.compile("Chưa đọc")).click()
    page.wait_for_url("**/notifications/?show=unread")

    page.set_viewport_size({"width": 360, "height": 800})
    assert_no_horizontal_scroll(page)
    screenshot(page, "notifications-360")


def test_calendar_subscription_create_and_revoke(page, demo_live, browser):
    sign_in(page, demo_live, "laodong")
    page.goto(f"{demo_live.url}/calendar/")
    page.get_by_role("link", name="Đăng ký vào ứng dụng lịch").click()
    page.get_by_role("button", name="Tạo địa chỉ đăng ký lịch").click()
    address = page.get_by_label("Địa chỉ đăng ký lịch (iCalendar)").input_value()
    assert re.fullmatch(rf"{demo_live.url}/calendar/feed/[\w-]{{43}}\.ics", address)
    assert_accessible(page)
    screenshot(page, "subscription-1280")

    outsider = browser.new_context()  # a calendar app: no session
    feed = outsider.request.get(address)
    assert feed.status == 200
    assert feed.text().startswith("BEGIN:VCALENDAR")
    assert "Trước Tết Nguyên đán Tân Sửu" in feed.text().replace("\r\n ", "")  # unfolded

    page.set_viewport_size({"width": 360, "height": 800})
    assert_no_horizontal_scroll(page)
    screenshot(page, "subscription-360")
    page.get_by_role("button", name="Thu hồi địa chỉ").click()
    assert page.get_by_text("Đã thu hồi địa chỉ đăng ký lịch").is_visible()
    assert outsider.request.get(address).status == 404
    outsider.close()
