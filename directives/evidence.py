"""Evidence files: what may be uploaded, told from the content and never from the name.

A file is accepted when its bytes are a PDF, a Word or Excel document (97–2003 compound file or
2007+ Office Open XML zip), a JPEG or a PNG, when its name's extension belongs to that same kind,
and when the name is a plain file name (no folders, no control characters).
"""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
MAX_NAME = 200


@dataclass(frozen=True)
class Kind:
    extension: str  # the extension the stored file gets
    content_type: str
    name_extensions: frozenset[str]  # what the user's file name may end with


PDF = Kind("pdf", "application/pdf", frozenset({"pdf"}))
DOC = Kind("doc", "application/msword", frozenset({"doc"}))
DOCX = Kind(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    frozenset({"docx"}),
)
XLS = Kind("xls", "application/vnd.ms-excel", frozenset({"xls"}))
XLSX = Kind(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    frozenset({"xlsx"}),
)
JPEG = Kind("jpg", "image/jpeg", frozenset({"jpg", "jpeg"}))
PNG = Kind("png", "image/png", frozenset({"png"}))

ALLOWED_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png")
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in ALLOWED_EXTENSIONS)

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names in a compound file's directory are UTF-16LE.
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))


class EvidenceError(ValueError):
    """The file may not be stored; the message is for the user."""


def _read_all(upload: UploadedFile) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _zip_kind(upload: UploadedFile) -> Kind | None:
    """Office Open XML: a zip with [Content_Types].xml and the main part of Word or Excel.

    Only the central directory is read; nothing is decompressed, so a zip bomb costs nothing.
    """
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def sniff(upload: UploadedFile) -> Kind | None:
    """The kind of file these bytes are, or None when it is none we accept."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    if head == _OLE:
        data = _read_all(upload)
        if _WORD_STREAM in data:
            return DOC
        if any(stream in data for stream in _EXCEL_STREAMS):
            return XLS
    return None


def check_name(name: str) -> str:
    """The file name as given, when it is a plain name; EvidenceError otherwise."""
    if not name or name in {".", ".."}:
        raise EvidenceError(_("Tệp không có tên."))
    if "/" in name or "\\" in name or ":" in name:
        raise EvidenceError(_("Tên tệp “%(name)s” chứa đường dẫn thư mục.") % {"name": name})
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in name):
        raise EvidenceError(_("Tên tệp chứa ký tự điều khiển."))
    if len(name) > MAX_NAME:
        raise EvidenceError(_("Tên tệp dài quá %(n)d ký tự.") % {"n": MAX_NAME})
    return unicodedata.normalize("NFC", name)


def check_upload(upload: UploadedFile) -> Kind:
    """Check one uploaded file (name, size, content) and return its kind, or raise EvidenceError.

    Nothing is written anywhere; the caller stores the file only after every check passed.
    """
    name = check_name(upload.name or "")
    if upload.size is None or upload.size > MAX_BYTES:
        raise EvidenceError(
            _("Tệp “%(name)s” lớn hơn 10 MB.") % {"name": name},
        )
    if upload.size == 0:
        raise EvidenceError(_("Tệp “%(name)s” rỗng.") % {"name": name})
    kind = sniff(upload)
    if kind is None:
        raise EvidenceError(
            _(
                "Tệp “%(name)s” không phải PDF, Word, Excel, JPG hoặc PNG "
                "(kiểm tra theo nội dung tệp)."
            )
            % {"name": name}
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in kind.name_extensions:
        raise EvidenceError(
            _("Nội dung tệp “%(name)s” là %(kind)s nhưng tên tệp có đuôi khác.")
            % {"name": name, "kind": kind.extension.upper()}
        )
    return kind


def sha256_of(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
