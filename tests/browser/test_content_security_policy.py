"""Under the strict Content Security Policy the pages work and the browser reports no violation:
the application, the admin (lists, forms with autocomplete and date widgets, history), and the
sign-in lockout page (looked at, 1280 and 360 px wide, and checked with axe)."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model

from directives.models import Assignment
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser
User = get_user_model()

LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.fixture
def watched(page):
    """The page, recording CSP violation events and console errors."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.add_init_script(LISTENER)
    page.errors = errors
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations") + [
        e for e in page.errors if "Content Security Policy" in e
    ]


# Each page with the user who sees it at its fullest; `ready` is a selector that shows the page's
# own content (and so its scripts and htmx regions) is there.
APPLICATION_PAGES = [
    ("tuyengiao", "/assignments/", "main"),
    ("tuyengiao", "/assignments/{assignment}/", "main"),
    ("tuyengiao", "/assignments/{assignment}/progress/", "main"),
    ("tuyengiao", "/calendar/", "main"),
    ("tuyengiao", "/calendar/subscription/", "main"),
    ("tuyengiao", "/notifications/", "main"),
    ("tuyengiao", "/search/?q=tet", "main"),
    ("lanhdao", "/dashboard/", "main"),
    ("lanhdao", "/dashboard/assignments/", "main"),
    ("lanhdao", "/dashboard/print/", "main"),
    ("lanhdao", "/assignments/{assignment}/", "main"),
    ("admin", "/admin/directives/document/import/", "main"),
]


def test_application_pages_have_no_csp_violations(watched, demo_live):
    watched.goto(f"{demo_live.url}/accounts/login/")
    assert violations(watched) == []
    sign_in(watched, demo_live, "tuyengiao")
    assert watched.evaluate("typeof htmx") == "object"  # the nonce'd htmx script ran
    assert violations(watched) == []


@pytest.mark.parametrize("username", ["tuyengiao", "lanhdao", "admin"])
def test_screens_have_no_csp_violations(watched, demo_live, username):
    failed: list[str] = []
    watched.on(
        "response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    sign_in(watched, demo_live, username)
    unit = User.objects.get(username="tuyengiao").membership.unit
    assignment = Assignment.objects.filter(lead_unit=unit).order_by("pk").first().pk
    for who, path, ready in APPLICATION_PAGES:
        if who != username:
            continue
        watched.goto(demo_live.url + path.format(assignment=assignment))
        assert watched.locator(ready).count() >= 1, path
        watched.wait_for_load_state("networkidle")  # htmx loads and deferred scripts have run
        assert violations(watched) == [], path
        assert failed == [], path
    if username == "admin":
        # The intake's review step: the parsed document as forms, with its own script.
        corpus = Path(__file__).resolve().parents[1] / "directives" / "importers" / "corpus"
        watched.get_by_label("Dán toàn văn").fill(
            (corpus / "06-chi-thi-nhieu-doan.txt").read_text(encoding="utf-8")
        )
        watched.get_by_role("button", name="Phân tích văn bản").click()
        watched.get_by_role("heading", name="Kiểm tra và xác nhận").wait_for()
        watched.wait_for_load_state("networkidle")
        assert violations(watched) == []
        assert failed == []


ADMIN_PAGES = [
    "/admin/",
    "/admin/directives/assignment/",
    "/admin/directives/assignment/{assignment}/change/",
    "/admin/directives/assignment/{assignment}/history/",
    "/admin/directives/unit/add/",
    "/admin/directives/event/add/",
    "/admin/auth/user/",
    "/admin/axes/accessattempt/",
]


def test_admin_pages_have_no_csp_violations(watched, demo_live):
    sign_in(watched, demo_live, "admin")
    assignment = Assignment.objects.order_by("pk").first().pk
    for path in ADMIN_PAGES:
        watched.goto(demo_live.url + path.format(assignment=assignment))
        assert watched.locator("#content").count() == 1, path
        assert violations(watched) == [], path
        if path.endswith("/history/"):
            screenshot(watched, "admin-audit-history-1280")
    # The admin's own scripts still work under the policy: the date shortcut fills the field.
    watched.goto(f"{demo_live.url}/admin/directives/event/add/")
    watched.get_by_role("link", name="Hôm nay").first.click()
    assert watched.locator("#id_date").input_value() != ""
    assert violations(watched) == []


def test_lockout_page_is_clear_in_vietnamese(watched, demo_live):
    watched.goto(f"{demo_live.url}/accounts/login/")
    for _ in range(5):
        watched.get_by_label("Tên đăng nhập").fill("tuyengiao")
        watched.get_by_label("Mật khẩu").fill("sai-mat-khau")
        watched.get_by_role("button", name="Đăng nhập").click()
    assert watched.get_by_role("heading", name="Tạm khóa đăng nhập").is_visible()
    assert watched.get_by_text("Hãy thử lại sau 15 phút").is_visible()
    assert violations(watched) == []
    screenshot(watched, "lockout-1280")
    result = Axe().run(watched)
    serious = [v for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    watched.set_viewport_size({"width": 360, "height": 800})
    assert watched.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(watched, "lockout-360")


def test_the_watch_sees_a_violation_when_there_is_one(watched, demo_live):
    """Guard for the tests above: an inline script is refused, and reported."""
    watched.goto(f"{demo_live.url}/accounts/login/")
    watched.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    watched.wait_for_function("window.__cspViolations.length > 0")
    assert watched.evaluate("window.__ran") is None
    assert any("script-src" in v for v in violations(watched))
