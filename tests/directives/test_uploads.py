"""Uploaded files: size, type (extension and content) and name are checked before storing."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from directives.uploads import UploadField, clean_upload_name, validate_upload
from tests.security.hostile import HOSTILE_FUNCTION, hostile_text

PDF = b"%PDF-1.7\n" + b"0" * 100


def upload(name, content=PDF):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("Báo cáo tiến độ quý I.pdf", PDF),
        ("bien-ban.docx", b"PK\x03\x04" + b"0" * 50),
        ("ghi chú.txt", "Tiến độ đạt 60%".encode()),
        ("anh.JPG", b"\xff\xd8\xff\xe0" + b"0" * 50),
    ],
)
def test_ordinary_files_are_accepted(name, content):
    assert validate_upload(upload(name, content)) == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ" + b"0" * 50, "Không nhận loại tệp"),
        ("bao-cao.pdf", b"MZ\x90\x00", "không đúng với đuôi"),
        ("ghi-chu.txt", b"\x00\x01binary", "UTF-8"),
        ("trong.pdf", b"", "trống"),
    ],
)
def test_wrong_types_and_empty_files_are_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        validate_upload(upload(name, content))


def test_oversize_file_is_refused(settings):
    settings.TRACKER_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError, match="quá lớn"):
        validate_upload(upload("lon.pdf", PDF + b"0" * 2000))


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "thu-muc/bao-cao.pdf",
        "C:\\Windows\\bao-cao.pdf",
        "bao\x00cao.pdf",
        "bao\ncao.pdf",
        "hoa-don\u202efdp.exe",
        ".htaccess",
        "..",
        "a" * 151 + ".pdf",
    ],
)
def test_names_with_paths_or_hidden_characters_are_refused(name):
    with pytest.raises(ValidationError):
        clean_upload_name(name)


@HOSTILE_FUNCTION
@given(name=hostile_text(200))
def test_any_name_is_cleaned_or_refused_never_a_path(name):
    try:
        cleaned = clean_upload_name(name)
    except ValidationError as error:
        assert error.messages
    else:
        assert "/" not in cleaned and "\\" not in cleaned and cleaned not in (".", "..")
        assert not any(ord(ch) < 32 for ch in cleaned)


@HOSTILE_FUNCTION
@given(name=hostile_text(60).map(lambda s: s + ".pdf"), content=st.binary(max_size=300))
def test_any_upload_is_accepted_or_refused_with_a_message(name, content):
    try:
        validate_upload(upload(name, content))
    except ValidationError as error:
        assert error.messages and all(m.strip() for m in error.messages)


class EvidenceForm(forms.Form):
    file = UploadField()


def test_upload_field_refuses_in_the_form_next_to_the_field():
    # Django already drops folders from uploaded names; a direction override slips through it.
    form = EvidenceForm(files={"file": upload("hoa-don\u202efdp.pdf")})
    assert not form.is_valid()
    assert "ký tự ẩn" in form.errors["file"][0]


def test_upload_field_keeps_the_cleaned_name():
    form = EvidenceForm(files={"file": upload("Tiến độ.pdf")})
    assert form.is_valid()
    assert form.cleaned_data["file"].name == "Tiến độ.pdf"
