"""Search in the browser: the header's box answers as you type; the results page; both languages."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_header_box_lists_results_as_you_type_and_works_by_keyboard(page, demo_live):
    sign_in(page, demo_live, "lanhdao")
    box = page.get_by_role("searchbox", name="Tìm kiếm")
    box.press_sequentially("tet tan suu", delay=20)
    dropdown = page.locator("#search-dropdown")
    dropdown.get_by_text("Phân công").wait_for()
    assert dropdown.is_visible()
    assert dropdown.locator("mark", has_text="Tết").first.is_visible()
    assert dropdown.get_by_text("Nhiệm vụ", exact=True).is_visible()
    assert "kết quả gợi ý" in page.locator("#site-search-status").inner_text()
    screenshot(page, "search-dropdown-1280")

    box.press("ArrowDown")
    assert page.evaluate("document.activeElement.className") == "dd-hit"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.press("Escape")
    assert dropdown.is_hidden()

    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=tet\+tan\+suu"))
    assert page.get_by_role("heading", name="Tìm kiếm", exact=True).is_visible()
    assert page.locator("#group-directive").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "search-results-1280")


def test_search_page_filters_in_place_and_keeps_the_url(page, demo_live):
    sign_in(page, demo_live, "lanhdao")
    page.goto(f"{demo_live.url}/search/?q=ke+hoach")
    page.get_by_label("Loại kết quả").select_option("assignment")
    page.wait_for_url(re.compile(r"kind=assignment"))
    results = page.locator("#search-results")
    results.locator("#group-assignment").wait_for()
    assert results.locator("section").count() == 1
    page.reload()
    assert page.get_by_label("Loại kết quả").input_value() == "assignment"
    assert page.locator("#group-assignment").is_visible()


def test_search_fits_a_phone(page, demo_live):
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, demo_live, "tuyengiao")
    box = page.get_by_role("searchbox", name="Tìm kiếm")
    box.press_sequentially("dai hoi", delay=20)
    page.locator("#search-dropdown .dd-hit").first.wait_for()
    assert no_horizontal_scroll(page)
    screenshot(page, "search-dropdown-360")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/"))
    assert no_horizontal_scroll(page)
    assert serious_violations(page) == []
    screenshot(page, "search-results-360")


def test_search_in_english(page, demo_live):
    sign_in(page, demo_live, "lanhdao")
    page.get_by_role("button", name="English").click()  # back to the page it was on
    expect(page.locator("html")).to_have_attribute("lang", "en")
    box = page.get_by_role("searchbox", name="Search")
    box.press_sequentially("Đầm Dơi", delay=20)
    page.locator("#search-dropdown").get_by_text("Units").wait_for()
    screenshot(page, "search-dropdown-en-1280")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/"))
    assert page.get_by_role("heading", name="Units").is_visible()
    assert page.get_by_label("Kind of result").is_visible()
    assert serious_violations(page) == []
    screenshot(page, "search-results-en-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert no_horizontal_scroll(page)
    screenshot(page, "search-results-en-360")
    page.get_by_role("button", name="Tiếng Việt").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "vi"


def test_search_works_without_javascript(browser, demo_live):
    context = browser.new_context(java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    try:
        sign_in(page, demo_live, "laodong")
        box = page.get_by_role("searchbox", name="Tìm kiếm")
        box.fill("tet tan suu")
        box.press("Enter")
        page.wait_for_url(re.compile(r"/search/\?q="))
        group = page.locator("section", has=page.locator("#group-assignment"))
        assert group.locator("mark", has_text="Tết").first.is_visible()
    finally:
        context.close()
