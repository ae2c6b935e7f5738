"""Dates and file fields in a Chromium whose own interface is English (common in offices).

The Vietnamese pages must show dd/mm/yyyy and Vietnamese words whatever the browser's language:
no native date or month input (they draw mm/dd/yyyy and "December 2026"), the picker's month and
weekday names come from the server, and file fields say "Chọn tệp", not "Choose Files".
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARGS, CHROMIUM, screenshot, sign_in

pytestmark = pytest.mark.browser

# Words an English browser writes into native controls, and English month names.
ENGLISH = re.compile(
    r"\b(Choose|No file chosen|January|February|March|April|June|July|August|September|"
    r"October|November|December|Today|Clear)\b"
)
MM_DD = re.compile(r"\bmm/dd/yyyy\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def english_browser(browser):
    """A second Chromium whose interface is English, from the session's Playwright (a second
    sync Playwright cannot start while the first runs)."""
    english = browser.browser_type.launch(executable_path=CHROMIUM, args=[*ARGS, "--lang=en-US"])
    yield english
    english.close()


@pytest.fixture
def en_page(english_browser, demo_live):
    """The browser speaks English (its controls, Accept-Language); the user chose Tiếng Việt."""
    context = english_browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "vi", "url": demo_live.url}])
    page = context.new_page()
    yield page
    context.close()


def assert_no_browser_dates(page) -> None:
    """No native date/month input, no mm/dd text, no English control words on the page."""
    native = page.locator("input[type=date], input[type=month], input[type=datetime-local]")
    assert native.count() == 0
    text = page.locator("body").inner_text()
    assert not MM_DD.search(text)
    assert not ENGLISH.search(text), ENGLISH.search(text)


def test_dashboard_filters_pick_a_date_in_vietnamese(en_page, demo_live):
    from directives.models import Document

    page = en_page
    assert page.evaluate("navigator.language") == "en-US"
    sign_in(page, demo_live, "lanhdao")
    doc = Document.objects.get()
    page.goto(f"{demo_live.url}/dashboard/?doc={doc.pk}&on=2021-02-09")
    on = page.get_by_label("Số liệu tính đến ngày")
    # The banner and the field say the same date.
    expect(page.get_by_text("Số liệu tại ngày 09/02/2021")).to_be_visible()
    expect(on).to_have_value("09/02/2021")
    expect(on).to_have_attribute("placeholder", "dd/mm/yyyy")
    assert_no_browser_dates(page)

    on_picker = re.compile(r"^Chọn ngày trên lịch — Số liệu tính đến ngày")
    page.get_by_role("button", name=on_picker).click()
    picker = page.get_by_role("dialog", name="Chọn ngày trên lịch")
    expect(picker).to_contain_text("Tháng 2 2021")
    expect(picker).to_contain_text("T2")
    expect(picker).to_contain_text("CN")
    assert_no_browser_dates(page)
    screenshot(page, "dates-picker-en-browser-1280")
    # The chosen day has focus; the keyboard moves it a week on, Enter picks it.
    expect(picker.get_by_role("button", name="09/02/2021")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(picker.get_by_role("button", name="16/02/2021")).to_be_focused()
    page.keyboard.press("Enter")
    expect(picker).to_have_count(0)
    expect(on).to_have_value("16/02/2021")
    expect(on).to_be_focused()
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.get_by_text("Số liệu tại ngày 16/02/2021")).to_be_visible()
    expect(page.get_by_label("Số liệu tính đến ngày")).to_have_value("16/02/2021")

    # Escape closes the picker and gives focus back to its button.
    opener = page.get_by_role("button", name=re.compile(r"^Chọn ngày trên lịch — Thời hạn từ ngày"))
    opener.click()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(opener).to_be_focused()

    page.set_viewport_size({"width": 360, "height": 800})
    opener.click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "dates-picker-en-browser-360")


def test_extension_form_takes_a_picked_date(en_page, demo_live):
    from directives import actions
    from tests.browser.test_staff import fresh_assignment

    page = en_page
    assignment = fresh_assignment()
    actions.set_deadline(
        assignment,
        deadline=dt.date(2020, 12, 31),
        basis="Trước Tết Dương lịch 2021",
        kind="initial",
    )
    sign_in(page, demo_live, "tuyengiao")
    page.goto(f"{demo_live.url}/assignments/{assignment.pk}/")
    page.get_by_text("Đề nghị gia hạn", exact=True).click()
    field = page.get_by_label("Thời hạn đề nghị")
    page.get_by_role("button", name=re.compile(r"^Chọn ngày trên lịch — Thời hạn đề nghị")).click()
    picker = page.get_by_role("dialog", name="Chọn ngày trên lịch")
    today = dt.date.today()
    expect(picker).to_contain_text(f"Tháng {today.month} {today.year}")
    picker.get_by_role("button", name="Tháng sau").click()
    following = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=15)
    picker.get_by_role("button", name=following.strftime("%d/%m/%Y")).click()
    expect(field).to_have_value(following.strftime("%d/%m/%Y"))
    assert_no_browser_dates(page)
    page.get_by_label("Lý do đề nghị gia hạn").fill("Chờ ý kiến các huyện")
    page.get_by_role("button", name="Gửi đề nghị gia hạn").click()
    expect(
        page.get_by_text(f"Đề nghị gia hạn đến {following.strftime('%d/%m/%Y')} đang chờ")
    ).to_be_visible()


def test_intake_file_field_and_issue_date_in_vietnamese(en_page, demo_live):
    page = en_page
    page.goto(f"{demo_live.url}/admin/login/")
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill("demo12345")
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{demo_live.url}/admin/")
    page.goto(f"{demo_live.url}/admin/directives/document/import/")
    expect(page.locator(".file-face")).to_have_text("Chọn tệp")
    expect(page.locator(".file-names")).to_have_text("Chưa chọn tệp")
    # The native input is still the labelled control, drawn invisibly over the words.
    upload = page.get_by_label("Tệp", exact=False).and_(page.locator("input[type=file]"))
    assert upload.evaluate("e => getComputedStyle(e).opacity") == "0"
    upload.set_input_files(
        files=[{"name": "ket-luan.txt", "mimeType": "text/plain", "buffer": b"abc"}]
    )
    expect(page.locator(".file-names")).to_have_text("ket-luan.txt")
    assert_no_browser_dates(page)
    screenshot(page, "intake-file-en-browser-1280")

    from pathlib import Path

    corpus = Path(__file__).resolve().parents[1] / "directives" / "importers" / "corpus"
    upload.set_input_files([])
    page.get_by_label("Dán toàn văn").fill(
        (corpus / "06-chi-thi-nhieu-doan.txt").read_text(encoding="utf-8")
    )
    page.get_by_role("button", name="Phân tích văn bản").click()
    page.get_by_role("heading", name="Kiểm tra và xác nhận").wait_for()
    issue = page.get_by_label("Ngày ban hành")
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", issue.input_value())
    assert issue.get_attribute("type") == "text"
    assert_no_browser_dates(page)
