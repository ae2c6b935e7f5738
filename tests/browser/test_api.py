"""The API's pages in a browser: making a token, and the docs (Swagger UI) under the CSP."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_user_makes_a_token_and_sees_it_once(page, demo_live):
    sign_in(page, demo_live, "tuyengiao")
    page.get_by_role("link", name="API").click()
    page.get_by_label("Tên mã").fill("Báo cáo tuần")
    page.get_by_role("button", name="Tạo mã truy cập").click()
    key = page.locator("#new-key").input_value()
    assert re.fullmatch(r"tdnv_[\w-]{43}", key)
    screenshot(page, "api-tokens-1280")
    page.set_viewport_size({"width": 360, "height": 800})
    assert _no_horizontal_scroll(page)
    screenshot(page, "api-tokens-360")
    page.goto(f"{demo_live.url}/account/api-tokens/")
    assert key not in page.content()
    assert page.get_by_role("cell", name="Báo cáo tuần").is_visible()


def test_docs_render_under_the_content_security_policy(page, demo_live):
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(page, demo_live, "lanhdao")
    page.goto(f"{demo_live.url}/api/v1/docs/")
    page.get_by_text("Theo dõi nhiệm vụ API").first.wait_for()
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 16
    assert not violations, violations
    screenshot(page, "api-docs-1280")
    # "Try it out" with the session: the list of assignments answers 200.
    response = page.request.get(f"{demo_live.url}/api/v1/assignments/?limit=2")
    assert response.status == 200 and len(response.json()["results"]) == 2
