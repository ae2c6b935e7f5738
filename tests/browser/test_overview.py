"""The leaders' overview in a browser: on a phone the rate is on the first screen, filters swap
the region in place, and axe finds nothing serious."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def three_documents(demo_live):
    from directives.demo import Seeder, seed_other_documents

    seed_other_documents(Seeder())
    return demo_live


def serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_overview_on_a_phone_shows_the_rate_first_and_filters_in_place(page, three_documents):
    live = three_documents
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live, "lanhdao")
    page.wait_for_url(f"{live.url}/dashboard/")
    rate = page.locator("#headline-rate")
    expect(rate).to_be_visible()
    box = rate.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 740  # no scrolling needed
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.locator("#count-total .count")).to_have_text("33")
    screenshot(page, "overview-360")
    assert serious(page) == []

    page.evaluate("window.noReload = true")
    page.get_by_label("Cơ quan ban hành", exact=True).select_option(label="Ủy ban nhân dân tỉnh")
    page.wait_for_url(re.compile(r"issuer=\d+"))
    expect(page.locator("#count-total .count")).to_have_text("5")
    page.get_by_label("Kỳ", exact=True).select_option(label="Tháng này")
    page.wait_for_url(re.compile(r"period=month"))
    assert page.evaluate("window.noReload") is True

    # A filter changed the moment the region arrives is not lost: the new form listens at once
    # (htmx used to wire swapped content 20 ms later, and a quick change went nowhere).
    page.evaluate(
        """document.body.addEventListener("htmx:afterSwap", () => setTimeout(() => {
            const basis = document.getElementById("id_by");
            basis.value = "issued";
            basis.dispatchEvent(new Event("change", {bubbles: true}));
        }, 0), {once: true})"""
    )
    page.get_by_label("Kỳ", exact=True).select_option(label="Quý này")
    page.wait_for_url(re.compile(r"period=quarter.*by=issued"), timeout=10_000)
    assert page.evaluate("window.noReload") is True

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live.url}/dashboard/?on=2021-02-09")
    expect(page.locator("#count-total .count")).to_have_text("33")
    screenshot(page, "overview-1280")
    assert serious(page) == []
    page.evaluate("window.noReload = true")
    units = page.locator("#unit-table")
    units.get_by_role("link", name="Ủy ban nhân dân tỉnh").click()
    # The expanded rows come from the server: allow for a loaded machine (CI runs two suites).
    expect(units.get_by_role("rowheader", name=re.compile("^Sở Y tế"))).to_be_visible(
        timeout=15_000
    )
    expect(page).to_have_url(re.compile(r"expand=\d+"))
    assert page.evaluate("window.noReload") is True  # expanded in place


def test_bad_filter_value_is_shown_beside_its_field(page, three_documents):
    live = three_documents
    sign_in(page, live, "kiemtra")
    page.goto(f"{live.url}/dashboard/?period=range&kind=ZZ")
    expect(page.get_by_text("cần nhập ngày")).to_be_visible()
    expect(page.get_by_text("ZZ không phải là một trong các lựa chọn")).to_be_visible()
    assert serious(page) == []
