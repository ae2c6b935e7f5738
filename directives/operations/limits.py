"""Request-size limits that hold before a body is read, and upload handlers that keep at most
the configured size.

Without these, Django reads a multipart body as soon as anything asks for `request.POST` — the
CSRF check does, before any sign-in check — and spools every file part over 2.5 MB to the
temporary folder: an anonymous client could fill the disk with one request. Now:

- :func:`request_limits` (middleware, after authentication, before any view or CSRF check) refuses
  with the 413 page, from the `Content-Length` header alone, a body over the limit: the form
  limit (DJANGO_MAX_REQUEST_BYTES) for everything, plus the upload limit (DJANGO_MAX_UPLOAD_BYTES)
  for signed-in users' multipart forms. A chunked body (no `Content-Length`) is read into memory
  up to the form limit and refused beyond it; the rest is never read.
- :class:`CappedUploadHandler`, first in FILE_UPLOAD_HANDLERS, refuses any file from a visitor
  who is not signed in before a byte of it is stored, passes on at most
  DJANGO_MAX_UPLOAD_FILE_BYTES of each file (a larger one arrives as an empty file that reports
  its real size, so the form says "lớn hơn 10 MB") and at most DJANGO_MAX_UPLOAD_BYTES in all.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse


def _too_large() -> HttpResponse:
    from tracker.errors import render_error

    response = render_error("errors/413.html", 413)
    # The rest of the body is never read, so the connection cannot carry another request.
    response["Connection"] = "close"
    return response


def body_limit(request: HttpRequest) -> int:
    """The largest body this request may have: forms only, or forms and files when a signed-in
    user sends a multipart form."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    multipart = request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/")
    if multipart and request.user.is_authenticated:
        limit += settings.TRACKER_MAX_UPLOAD_BYTES
    return limit


def _chunked(meta: dict) -> bool:
    return "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower()


def request_limits(get_response: Callable[[HttpRequest], HttpResponse]):
    """Refuse (413) a body over the limit before a byte of it is read."""

    def middleware(request: HttpRequest) -> HttpResponse:
        meta = request.META
        length = meta.get("CONTENT_LENGTH")
        if length:
            try:
                size = int(length)
            except ValueError:
                size = 0  # Django reads such a body as empty
            if size > body_limit(request):
                return _too_large()
        elif _chunked(meta) and meta.get("wsgi.input_terminated"):
            # The server (gunicorn) ends the stream at the last chunk; Django would read nothing
            # of it without a Content-Length. Read it up to the form limit, never further.
            cap = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            body = meta["wsgi.input"].read(cap + 1)
            if len(body) > cap:
                return _too_large()
            meta["CONTENT_LENGTH"] = str(len(body))
            request._stream = LimitedStream(io.BytesIO(body), len(body))
        return get_response(request)

    return middleware


class CappedUploadHandler(FileUploadHandler):
    """First upload handler: what passes it is all the later handlers (memory, temporary file)
    ever store."""

    def __init__(self, request=None):
        super().__init__(request)
        self.per_file = settings.TRACKER_MAX_UPLOAD_FILE_BYTES
        self.total_limit = settings.TRACKER_MAX_UPLOAD_BYTES
        self.stored = 0  # bytes passed on, all files together
        self.stored_of_file = 0
        self.over = False

    def new_file(self, field_name, file_name, *args, **kwargs):
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            # No page takes a file from a visitor who is not signed in.
            raise RequestDataTooBig("A file from a visitor who is not signed in.")
        super().new_file(field_name, file_name, *args, **kwargs)
        self.over = False
        self.stored_of_file = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.over or start + len(raw_data) > self.per_file:
            self.over = True
            return None  # later handlers get nothing more of this file
        if self.stored + len(raw_data) > self.total_limit:
            raise RequestDataTooBig("Uploaded files over DJANGO_MAX_UPLOAD_BYTES in all.")
        self.stored += len(raw_data)
        self.stored_of_file += len(raw_data)
        return raw_data

    def file_complete(self, file_size: int):
        if not self.over:
            return None  # the next handler has the whole file
        # Drop what the later handlers kept of it (a temporary file is deleted on close).
        for handler in getattr(self.request, "upload_handlers", ()):
            kept = getattr(handler, "file", None)
            if handler is not self and kept is not None:
                kept.close()
        self.stored -= self.stored_of_file  # a dropped file no longer counts
        return InMemoryUploadedFile(
            io.BytesIO(b""),
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,  # the size it had, so the form's own size check refuses it by name
            self.charset,
            self.content_type_extra,
        )
