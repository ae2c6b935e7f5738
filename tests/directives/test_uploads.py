"""Evidence uploads (directives/evidence.py): size, type by content and name, before storing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from directives import evidence
from directives.evidence import EvidenceError, check_name, check_upload
from tests.security.hostile import HOSTILE_FUNCTION, hostile_text

PDF = b"%PDF-1.7\n" + b"0" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 50
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 50


def upload(name, content=PDF):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("Báo cáo tiến độ quý I.pdf", PDF, evidence.PDF),
        ("anh.JPG", JPEG, evidence.JPEG),
        ("so-do.png", PNG, evidence.PNG),
    ],
)
def test_ordinary_files_are_accepted(name, content, kind):
    assert check_upload(upload(name, content)) == kind


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ" + b"0" * 50, "không phải PDF"),
        ("bao-cao.pdf", PNG, "đuôi khác"),
        ("bien-ban.docx", b"PK\x03\x04" + b"0" * 50, "không phải PDF"),
        ("trong.pdf", b"", "rỗng"),
    ],
)
def test_wrong_types_and_empty_files_are_refused(name, content, message):
    with pytest.raises(EvidenceError, match=message):
        check_upload(upload(name, content))


def test_oversize_file_is_refused(monkeypatch):
    monkeypatch.setattr(evidence, "MAX_BYTES", 1024)
    with pytest.raises(EvidenceError, match="lớn hơn"):
        check_upload(upload("lon.pdf", PDF + b"0" * 2000))


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "thu-muc/bao-cao.pdf",
        "C:\\Windows\\bao-cao.pdf",
        "bao\x00cao.pdf",
        "bao\ncao.pdf",
        "hoa-don\u202efdp.exe",
        "..",
        "a" * 201 + ".pdf",
    ],
)
def test_names_with_paths_or_hidden_characters_are_refused(name):
    with pytest.raises(EvidenceError):
        check_name(name)


@HOSTILE_FUNCTION
@given(name=hostile_text(200))
def test_any_name_is_kept_or_refused_never_a_path(name):
    try:
        kept = check_name(name)
    except EvidenceError as error:
        assert str(error).strip()
    else:
        assert "/" not in kept and "\\" not in kept and kept not in (".", "..")
        assert not any(ord(ch) < 32 for ch in kept)


@HOSTILE_FUNCTION
@given(name=hostile_text(60).map(lambda s: s + ".pdf"), content=st.binary(max_size=300))
def test_any_upload_is_accepted_or_refused_with_a_message(name, content):
    try:
        check_upload(upload(name, content))
    except EvidenceError as error:
        assert str(error).strip()
