"""Evidence files of every accepted kind, built in memory, for the tests of uploads."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _compound(stream: str) -> bytes:
    # A 97–2003 compound file: the header, padding, then a directory naming the main stream.
    return OLE_HEADER + b"\x00" * 504 + stream.encode("utf-16-le") + b"\x00" * 64


CONTENT = {
    "pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "png": b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32,
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32,
    "docx": _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
    "xlsx": _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
    "doc": _compound("WordDocument"),
    "xls": _compound("Workbook"),
}


def upload(name: str, kind: str | None = None, data: bytes | None = None) -> SimpleUploadedFile:
    """An uploaded file named `name` holding content of `kind` (default: its own extension)."""
    if data is None:
        data = CONTENT[kind or name.rsplit(".", 1)[-1].lower()]
    return SimpleUploadedFile(name, data)


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
