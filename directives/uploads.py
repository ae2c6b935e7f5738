"""Checks for uploaded files (evidence, source documents): size, type and name.

Use `UploadField` in forms, or `validate_upload()` on an UploadedFile. Every refusal is a
ValidationError with a Vietnamese message for the field; nothing is stored before these pass.
- size: at most TRACKER_MAX_UPLOAD_BYTES (10 MB by default) and not empty;
- type: by extension AND by the file's first bytes, from a short allow-list (PDF, Word, Excel,
  OpenDocument, plain text, PNG, JPEG) — a renamed executable is refused;
- name: no folders ("/", "\\", ".."), no control or invisible direction characters, not hidden,
  at most 150 characters; the cleaned name is what gets stored.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_NAME_LENGTH = 150
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# Extension → accepted leading bytes (None: text, checked as UTF-8 without NUL).
ALLOWED_TYPES: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF-",),
    ".docx": _ZIP,
    ".xlsx": _ZIP,
    ".odt": _ZIP,
    ".ods": _ZIP,
    ".doc": _OLE,
    ".xls": _OLE,
    ".txt": None,
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def max_upload_bytes() -> int:
    return getattr(settings, "TRACKER_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


def clean_upload_name(name: str) -> str:
    """The file name to store, or ValidationError when it carries a path or hidden characters."""
    name = unicodedata.normalize("NFC", str(name or "")).strip()
    if not name:
        raise ValidationError(_("Tệp chưa có tên."), code="name")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in name):
        raise ValidationError(_("Tên tệp có ký tự điều khiển hoặc ký tự ẩn."), code="name")
    if "/" in name or "\\" in name or name in (".", "..") or PurePosixPath(name).name != name:
        raise ValidationError(_("Tên tệp không được chứa đường dẫn thư mục."), code="name")
    if name.startswith("."):
        raise ValidationError(_("Tên tệp không được bắt đầu bằng dấu chấm."), code="name")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            _("Tên tệp quá dài (tối đa %(n)d ký tự).") % {"n": MAX_NAME_LENGTH}, code="name"
        )
    return name


def validate_upload(uploaded) -> str:
    """Check an UploadedFile; returns its cleaned name."""
    name = clean_upload_name(uploaded.name)
    size = uploaded.size or 0
    if size == 0:
        raise ValidationError(_("Tệp trống."), code="empty")
    if size > max_upload_bytes():
        megabytes = max_upload_bytes() // (1024 * 1024)
        raise ValidationError(_("Tệp quá lớn (tối đa %(mb)d MB).") % {"mb": megabytes}, code="size")
    extension = PurePosixPath(name).suffix.lower()
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("Không nhận loại tệp “%(ext)s”. Chỉ nhận: %(allowed)s.")
            % {"ext": extension or name, "allowed": ", ".join(sorted(ALLOWED_TYPES))},
            code="type",
        )
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    signatures = ALLOWED_TYPES[extension]
    if signatures is None:
        if b"\x00" in head or not _is_utf8_prefix(head):
            raise ValidationError(_("Tệp .txt phải là văn bản UTF-8."), code="type")
    elif not head.startswith(signatures):
        raise ValidationError(
            _("Nội dung tệp không đúng với đuôi “%(ext)s”.") % {"ext": extension}, code="type"
        )
    return name


def _is_utf8_prefix(data: bytes) -> bool:
    """UTF-8, allowing a character cut at the end of the 8 KB sample."""
    for cut in range(4):
        try:
            data[: len(data) - cut].decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    return False


class UploadField(forms.FileField):
    """A FileField that applies validate_upload and stores the cleaned name."""

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded and uploaded is not initial:
            uploaded.name = validate_upload(uploaded)
        return uploaded
