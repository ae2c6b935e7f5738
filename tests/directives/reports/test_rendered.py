"""The reports as LibreOffice prints them: each is converted to PDF once (one `soffice` run for
all three files) and the pages are measured with pypdf.

Without LibreOffice these tests are skipped with a plain message; with REQUIRE_OFFICE=1 (as in
.ci/run) a missing LibreOffice is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest
from django.test import Client
from pypdf import PdfReader

from tests.directives.reports.conftest import make_state_document

# Slow (LibreOffice converts the reports to PDF): left out of `make test-quick`, run by `make test`.
pytestmark = pytest.mark.slow

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
A4 = (595, 842)  # points, portrait
INSTALL = "apt-get install libreoffice-calc-nogui libreoffice-writer-nogui"


def _require_office():
    if SOFFICE:
        return
    if os.environ.get("REQUIRE_OFFICE") == "1":
        pytest.fail(f"REQUIRE_OFFICE=1 but LibreOffice (soffice) is not installed ({INSTALL})")
    pytest.skip(f"LibreOffice (soffice) is not installed: rendered reports not checked ({INSTALL})")


def _size(page) -> tuple[int, int]:
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


@pytest.fixture(scope="module")
def rendered(demo_once, django_db_blocker, tmp_path_factory):
    """The demo's Excel and Word reports and a State document's Word report, as PDF pages."""
    _require_office()
    from directives.models import Document

    folder = tmp_path_factory.mktemp("rendered")
    with django_db_blocker.unblock():
        # The founding conclusion (a Party document), named: the demo may hold others.
        demo = Document.objects.get(issue_date=dt.date(2020, 11, 17), issuer__contains="Tỉnh ủy")
        state = make_state_document()
        client = Client()
        client.login(username="lanhdao", password="demo12345")
        files = {
            "excel.xlsx": client.get("/dashboard/report.xlsx", {"doc": demo.pk}),
            "party.docx": client.get("/dashboard/report.docx", {"doc": demo.pk}),
            "state.docx": client.get("/dashboard/report.docx", {"doc": state.pk}),
        }
    for name, response in files.items():
        assert response.status_code == 200, name
        (folder / name).write_bytes(response.content)
    # Its own profile folder: conversions running side by side do not share a lock.
    subprocess.run(  # noqa: S603 (our own files, a fixed command)
        [
            SOFFICE,
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *[str(folder / name) for name in files],
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return {
        name.split(".")[0]: [
            (_size(page), page.extract_text())
            for page in PdfReader(folder / f"{name[:-5]}.pdf").pages
        ]
        for name in files
    }


def test_excel_prints_every_sheet_one_a4_landscape_page_wide(rendered, db):
    pages = rendered["excel"]
    assert all(size == A4[::-1] for size, _text in pages)
    *report, summary = pages
    # 25 rows on at most three pages, each page with the whole header row (both its ends):
    # a sheet two pages wide would put "Ghi chú" on a page of its own.
    assert 1 <= len(report) <= 3
    for text in (text for _page, text in report):
        assert "STT" in text and "Ghi chú" in text
    assert "Trang 1/" in report[0][1]
    assert "Văn bản số —" not in report[0][1]
    # The summary sheet on one page, its labels and numbers together.
    assert "TỔNG HỢP KẾT QUẢ THỰC HIỆN NHIỆM VỤ" in summary[1]
    assert "Nhiệm vụ" in summary[1] and "Tỷ lệ, %" in summary[1] and "75" in summary[1]


def test_party_word_report_prints_a4_portrait_under_the_party_header(rendered, db):
    pages = rendered["party"]
    assert all(size == A4 for size, _text in pages)
    first = pages[0][1]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in first and "TỈNH ỦY CÀ MAU" in first
    assert "Số        -BC/TU" in first
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in first
    assert "BÁO CÁO" in first and "75 %" in first
    assert "(Ký, ghi rõ họ tên)" in pages[-1][1]


def test_state_word_report_prints_under_the_national_header(rendered, db):
    pages = rendered["state"]
    assert all(size == A4 for size, _text in pages)
    first = pages[0][1]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "Độc lập - Tự do - Hạnh phúc" in first
    assert "ỦY BAN NHÂN DÂN TỈNH" in first
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in first
