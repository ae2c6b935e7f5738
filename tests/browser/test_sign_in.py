"""First browser test: a staff member signs in, sees their unit's work in Vietnamese, signs out."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_staff_signs_in_sees_unit_assignments_and_signs_out(page, demo_live):
    sign_in(page, demo_live, "tuyengiao")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Xin chào, Cán bộ Ban Tuyên giáo").is_visible()
    assert page.get_by_text("Cán bộ — Ban Tuyên giáo Tỉnh ủy").is_visible()
    rows = page.locator("table.list tbody tr")
    assert rows.count() >= 3
    # Finished work is folded away (issue 21); opened, it shows its deadline's basis.
    page.locator("details.home-finished > summary").click()
    assert page.get_by_text(
        "Trước Đại hội đại biểu toàn quốc lần thứ XIII của Đảng"
    ).first.is_visible()
    screenshot(page, "home-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "home-360")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/accounts/login/")
    page.goto(f"{demo_live.url}/")
    assert "/accounts/login/" in page.url
