"""Limits before reading: bodies over the limit are refused from their headers, chunked bodies are
cut off, files from visitors who are not signed in are never spooled, and no more than the
configured size of any file reaches the temporary folder.

The bodies here (100 MB) are produced as they are read, never held in memory, and go through the
whole WSGI stack with the CSRF check on — the check that reads the body first. The temporary
folder (FILE_UPLOAD_TEMP_DIR) is measured on every read, so the largest amount it ever held is
known.
"""

from __future__ import annotations

import sys

import pytest
from django.test import Client
from django.test.client import ClientHandler
from django.urls import reverse

from directives.models import ProgressUpdate

MB = 1024 * 1024
BOUNDARY = "gioi-han-truoc-khi-doc"
TOKEN = "a" * 32  # an unmasked CSRF secret: cookie and field carry the same one


class StreamedBody:
    """`head`, then `size` bytes made on demand, then `tail`; counts what was read and how much
    the temporary folder held at most meanwhile."""

    def __init__(self, head: bytes, size: int, tail: bytes, temp_dir) -> None:
        self.parts = [(head, len(head)), (None, size), (tail, len(tail))]
        self.total = len(head) + size + len(tail)
        self.position = 0
        self.temp_dir = temp_dir
        self.most_on_disk = 0

    def _on_disk(self) -> int:
        return sum(p.stat().st_size for p in self.temp_dir.iterdir() if p.is_file())

    def read(self, size: int = -1) -> bytes:
        self.most_on_disk = max(self.most_on_disk, self._on_disk())
        if size is None or size < 0:
            size = self.total - self.position
        out, offset = [], 0
        for data, length in self.parts:
            start = max(self.position - offset, 0)
            if start < length and size > 0:
                take = min(length - start, size)
                out.append(data[start : start + take] if data is not None else b"%" * take)
                self.position += take
                size -= take
            offset += length
        return b"".join(out)

    readline = read  # the multipart parser never asks for lines; be safe if anything does


def multipart(fields: dict[str, str], file_field: str, file_size: int, temp_dir) -> StreamedBody:
    head = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
        f'name="{file_field}"; filename="bao-cao.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    ).encode()
    return StreamedBody(head, file_size, f"\r\n--{BOUNDARY}--\r\n".encode(), temp_dir)


def send(path: str, body: StreamedBody, *, session: str = "", chunked: bool = False):
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "testserver",
        "HTTP_COOKIE": f"csrftoken={TOKEN}" + (f"; sessionid={session}" if session else ""),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if chunked:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
        environ["wsgi.input_terminated"] = True  # as gunicorn says of a chunked body
    else:
        environ["CONTENT_LENGTH"] = str(body.total)
    # The CSRF check on, as in production: it is what reads the body first.
    return ClientHandler(enforce_csrf_checks=True)(environ)


@pytest.fixture
def temp_dir(tmp_path, settings):
    folder = tmp_path / "upload-temp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


@pytest.fixture
def session(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client.cookies["sessionid"].value


def progress_url(assignment) -> str:
    return reverse("assignment_progress", args=[assignment.pk])


def progress_fields(assignment) -> dict[str, str]:
    return {
        "csrfmiddlewaretoken": TOKEN,
        "progress-version": str(assignment.version),
        "progress-note": "Đã tổ chức hội nghị",
        "progress-percent": "40",
    }


def assert_refused_unread(response, body: StreamedBody, temp_dir) -> None:
    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn" in response.content.decode()
    assert body.position == 0  # not one byte of the body was read
    assert list(temp_dir.iterdir()) == [] and body.most_on_disk == 0


def test_100_mb_from_a_visitor_is_refused_from_its_content_length(db, assignment, temp_dir):
    body = multipart({"csrfmiddlewaretoken": TOKEN}, "progress-files", 100 * MB, temp_dir)
    assert_refused_unread(send(progress_url(assignment), body), body, temp_dir)


def test_100_mb_from_a_signed_in_user_is_refused_from_its_content_length(
    assignment, session, temp_dir
):
    body = multipart(progress_fields(assignment), "progress-files", 100 * MB, temp_dir)
    assert_refused_unread(send(progress_url(assignment), body, session=session), body, temp_dir)
    assert not ProgressUpdate.objects.exists()


def test_a_chunked_100_mb_body_is_cut_off_at_the_limit(assignment, session, temp_dir, settings):
    body = multipart(progress_fields(assignment), "progress-files", 100 * MB, temp_dir)
    response = send(progress_url(assignment), body, session=session, chunked=True)
    assert response.status_code == 413
    assert body.position == settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1  # and not a byte more
    assert body.most_on_disk == 0 and list(temp_dir.iterdir()) == []


def test_a_visitors_file_is_refused_before_it_is_spooled(db, assignment, temp_dir, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # anything bigger would go to the temp folder
    body = multipart({"csrfmiddlewaretoken": TOKEN}, "progress-files", 2 * MB, temp_dir)
    response = send(progress_url(assignment), body)
    assert response.status_code == 413
    assert body.most_on_disk == 0 and list(temp_dir.iterdir()) == []


def test_a_file_over_the_limit_keeps_at_most_the_limit_on_disk(
    assignment, session, temp_dir, settings
):
    body = multipart(progress_fields(assignment), "progress-files", 30 * MB, temp_dir)
    response = send(progress_url(assignment), body, session=session)
    assert response.status_code == 200
    assert "Tệp “bao-cao.pdf” lớn hơn 10 MB." in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    # Spooled while it fitted, dropped when it did not: never more than the limit on disk.
    assert 0 < body.most_on_disk <= settings.TRACKER_MAX_UPLOAD_FILE_BYTES
    assert list(temp_dir.iterdir()) == []
    print(f"\nlargest upload on disk: {body.most_on_disk} bytes of a 30 MB file")


def test_files_over_the_total_limit_are_refused(assignment, session, temp_dir, settings):
    settings.TRACKER_MAX_UPLOAD_BYTES = 1 * MB
    body = multipart(progress_fields(assignment), "progress-files", 2 * MB, temp_dir)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * MB  # the header check lets it through…
    response = send(progress_url(assignment), body, session=session)
    assert response.status_code == 413  # …the upload handler stops it at 1 MB in all
    assert body.most_on_disk <= 1 * MB
    assert list(temp_dir.iterdir()) == []
