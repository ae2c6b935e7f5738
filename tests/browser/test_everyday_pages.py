"""Pages start with what their user came for — staff home, the list, a document's dashboard —
at 1280 px and 360 px (screenshots kept in test-results/screenshots/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, screenshot, sign_in

pytestmark = pytest.mark.browser


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def top(locator) -> float:
    return locator.evaluate("e => e.getBoundingClientRect().top + window.scrollY")


def test_staff_home_leads_with_the_units_late_work_and_folds_the_finished(page, demo_live):
    sign_in(page, demo_live, "namcan")
    urgent = page.get_by_role("region", name="Đơn vị chủ trì: quá hạn, sắp đến hạn")
    expect(urgent.locator("tbody tr").first).to_be_visible()
    assert top(urgent) < top(page.get_by_role("region", name="Đơn vị phối hợp"))
    finished = page.locator("details.home-finished")
    expect(finished).not_to_have_attribute("open", "")
    expect(finished.locator("table")).to_be_hidden()
    assert serious(page) == []
    # The icon and the manifest load (allowed by the CSP, served without signing in).
    statuses = page.evaluate(
        """() => Promise.all(["/favicon.ico", document.querySelector("link[rel=manifest]").href]
            .map((url) => fetch(url).then((r) => r.status)))"""
    )
    assert statuses == [200, 200]
    screenshot(page, "everyday-home-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The first late row of the unit is on the first screen of a phone.
    assert top(urgent.locator("tbody tr").first) < 800
    assert serious(page) == []
    screenshot(page, "everyday-home-360")
    page.screenshot(path=str(SCREENSHOTS / "everyday-home-360-first-screen.png"))
    page.locator("details.home-finished > summary").click()
    expect(finished.locator("table")).to_be_visible()


def test_list_groups_rows_under_their_directive_and_roles_stay_whole(page, demo_live):
    sign_in(page, demo_live, "tuyengiao")
    page.goto(f"{demo_live.url}/assignments/")
    toggle = page.locator("[data-group-toggle]").first
    expect(toggle).to_have_attribute("aria-expanded", "true")
    group = page.locator("tbody.directive-group").first
    rows = group.locator("tr.group-row")
    assert rows.count() >= 1
    # "Chủ trì" / "Phối hợp" never break inside the word at 1280 px.
    for role in page.locator(".role").all():
        lines = role.evaluate(
            "e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)"
        )
        assert lines < 1.5, (role.inner_text(), lines)
    assert serious(page) == []
    screenshot(page, "everyday-list-1280")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(rows.first).to_be_hidden()
    toggle.click()
    expect(rows.first).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious(page) == []
    screenshot(page, "everyday-list-360")


def test_document_dashboard_shows_rate_and_counts_on_a_phones_first_screen(page, demo_live):
    from directives.models import Document

    sign_in(page, demo_live, "lanhdao")
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{demo_live.url}/dashboard/?doc={Document.objects.get().pk}")
    rate = page.locator("#headline-rate")
    expect(rate).to_have_text("75 %")  # 18 ÷ (18 + 6), no needless decimals
    assert top(rate) < 800
    assert top(page.locator("#count-overdue_unfinished")) < 800
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious(page) == []
    screenshot(page, "everyday-dashboard-360")
    page.screenshot(path=str(SCREENSHOTS / "everyday-dashboard-360-first-screen.png"))
    # Each item that needs attention is listed once under "Cần theo dõi".
    links = page.locator("section[aria-labelledby=h-lists] li a[href*='/assignments/']")
    hrefs = [a.get_attribute("href") for a in links.all()]
    assert hrefs and len(hrefs) == len(set(hrefs)), sorted(h for h in hrefs if hrefs.count(h) > 1)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert serious(page) == []
    screenshot(page, "everyday-dashboard-1280")


def test_dashboard_list_groups_and_folds_like_the_staff_list(page, demo_live):
    """The list behind a dashboard number groups under its directive and folds (issue 21)."""
    from directives.models import Document

    sign_in(page, demo_live, "lanhdao")
    page.goto(f"{demo_live.url}/dashboard/assignments/?doc={Document.objects.get().pk}")
    toggle = page.locator("#assignment-table [data-group-toggle]").first
    rows = page.locator("#assignment-table tbody.directive-group").first.locator("tr.group-row")
    expect(rows.first).to_be_visible()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(rows.first).to_be_hidden()
    toggle.click()
    expect(rows.first).to_be_visible()
    # The full deadline explanation is one click away, not on every row.
    more = page.locator("#assignment-table details.deadline-more").first
    more.locator("summary").click()
    expect(more.locator("span.small")).to_be_visible()
    assert serious(page) == []
    screenshot(page, "everyday-dashboard-list-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "everyday-dashboard-list-360")


@pytest.mark.parametrize(
    ("user", "path", "name"),
    [
        ("namcan", "/", "home"),
        ("tuyengiao", "/assignments/", "list"),
        ("lanhdao", "/dashboard/?doc=", "dashboard"),
    ],
)
def test_pages_in_english_at_both_widths(page, demo_live, user, path, name):
    """The same pages with the interface in English: no horizontal scroll, axe clean."""
    from directives.models import Document

    sign_in(page, demo_live, user)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": demo_live.url}])
    if path.endswith("doc="):
        path += str(Document.objects.get().pk)
    page.goto(f"{demo_live.url}{path}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert serious(page) == []
    screenshot(page, f"everyday-{name}-en-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, f"everyday-{name}-en-360")
