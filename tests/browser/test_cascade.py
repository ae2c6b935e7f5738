"""Splitting an assignment in a browser (issue 17): Năm Căn's leader hands a part of its Tết
assignment down, is told when the deadline is after the parent's, and sees the roll-up."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def chain(demo_live):
    from directives.demo import Seeder, seed_cascade

    parent = seed_cascade(Seeder())
    return demo_live, parent


def serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_district_leader_splits_its_assignment(page, chain):
    live, parent = chain
    sign_in(page, live, "lanhdaonamcan")
    page.goto(f"{live.url}/assignments/{parent.pk}/")
    children = page.locator("#children")
    expect(children).to_contain_text("2/3 phần việc đã hoàn thành")
    expect(children).to_contain_text("1 phần việc quá hạn")
    expect(children.locator("tbody tr")).to_have_count(3)
    screenshot(page, "cascade-parent-1280")
    assert serious(page) == []

    children.get_by_role("link", name="Giao phần việc cho cấp dưới").click()
    page.wait_for_url(f"{live.url}/assignments/{parent.pk}/split/")
    page.get_by_label("Giao cho").select_option(label="Đảng ủy xã Đất Mới")
    page.get_by_label("Phần việc, kết quả cần đạt").fill("Rà soát hộ cận nghèo xã Đất Mới")
    page.get_by_label("Thời hạn").fill("20/02/2021")
    page.get_by_role("button", name="Giao phần việc").click()
    expect(page.locator(".field.has-error")).to_contain_text(
        "Thời hạn phần việc (20/02/2021) không được sau thời hạn của nhiệm vụ cấp trên "
        "(09/02/2021)."
    )
    # What was typed stays; a phrase resolving on or before the parent's deadline is taken.
    expect(page.get_by_label("Phần việc, kết quả cần đạt")).to_have_value(
        "Rà soát hộ cận nghèo xã Đất Mới"
    )
    page.get_by_label("Thời hạn").fill("trong tháng 01/2021")
    page.get_by_role("button", name="Giao phần việc").click()
    expect(page.locator(".messages")).to_contain_text("Đã giao phần việc cho Đảng ủy xã Đất Mới.")
    expect(page.locator("#children tbody tr")).to_have_count(4)
    expect(page.locator("#children")).to_contain_text("Rà soát hộ cận nghèo xã Đất Mới")
    screenshot(page, "cascade-split-1280")
    assert serious(page) == []

    page.set_viewport_size({"width": 360, "height": 740})
    screenshot(page, "cascade-split-360")
    page.goto(f"{live.url}/assignments/{parent.pk}/")
    expect(page.locator("#children tbody tr")).to_have_count(4)
    screenshot(page, "cascade-parent-360")
