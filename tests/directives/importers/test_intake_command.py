"""`import_document --dry-run --format json`, `--with-assignments`, and files that are refused."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directives.importers.conclusion import MAX_TEXT_BYTES, DocumentParseError
from directives.importers.files import read_upload
from directives.models import Assignment, DeadlineChange, Directive, Document, Unit

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def units(db):
    from directives.demo import EVENTS, build_units
    from directives.models import Event

    build_units()
    for name, start, end in EVENTS:
        Event.objects.create(name=name, date=start, end_date=end)


def _counts() -> dict[str, int]:
    models = (Document, Directive, Assignment, DeadlineChange, Unit)
    return {m.__name__: m.objects.count() for m in models}


def test_dry_run_json_prints_fields_directives_and_proposals(units, capsys):
    call_command(
        "import_document",
        str(CORPUS / "01-ubnd-phong-chong-dich.txt"),
        "--dry-run",
        "--format",
        "json",
    )
    data = json.loads(capsys.readouterr().out)
    assert data["document"]["number"] == "45/TB-UBND"
    assert data["document"]["issue_date"] == "2021-03-05"
    first = data["directives"][0]
    # The task's head phrase, not the whole first sentence with its units and deadline.
    assert (first["number"], first["title"]) == (
        "1",
        "Xây dựng kế hoạch tiêm vắc xin phòng COVID-19 trên địa bàn tỉnh",
    )
    proposal = first["assignments"][0]
    assert proposal["lead_unit"] == "Sở Y tế"
    assert "Sở Tài chính" in proposal["coordinating_units"]
    assert proposal["deadline"] == "2021-03-20"
    assert proposal["basis"] == "Trước ngày 20/03/2021"
    assert proposal["deadline_phrase"] == "trước ngày 20/3/2021"
    assert proposal["source_phrase"].startswith("Giao Sở Y tế chủ trì")


def test_dry_run_writes_nothing(units, capsys):
    before = _counts()
    with CaptureQueriesContext(connection) as queries:
        call_command(
            "import_document",
            str(CORPUS / "06-chi-thi-nhieu-doan.txt"),
            "--dry-run",
            "--format",
            "json",
        )
    writes = [
        q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert _counts() == before


def test_dry_run_text_lists_unknown_units(units, capsys):
    call_command("import_document", str(CORPUS / "06-chi-thi-nhieu-doan.txt"), "--dry-run")
    out = capsys.readouterr().out
    assert "Sở Xây dựng" in out and "không ghi gì" in out
    assert Document.objects.count() == 0


def test_dry_run_json_for_founding_document_has_five_directives(units, capsys):
    from directives.demo import FOUNDING_DOCUMENT

    call_command("import_document", str(FOUNDING_DOCUMENT), "--dry-run", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert [d["number"] for d in data["directives"]] == ["1", "2", "3", "4", "5"]


def test_with_assignments_creates_known_leads_with_deadline_history(units):
    call_command(
        "import_document", str(CORPUS / "01-ubnd-phong-chong-dich.txt"), "--with-assignments"
    )
    document = Document.objects.get()
    assert document.number == "45/TB-UBND"
    health = Assignment.objects.get(lead_unit__name="Sở Y tế")
    assert str(health.deadline) == "2021-03-20"
    assert health.original_deadline == health.deadline
    assert health.coordinating_units.count() == 10
    assert DeadlineChange.objects.filter(assignment=health, kind="initial").count() == 1
    ongoing = Assignment.objects.get(lead_unit__name="Sở Thông tin và Truyền thông")
    assert ongoing.deadline is None
    assert ongoing.deadline_basis == "Thường xuyên (văn bản không nêu ngày)"


def test_with_assignments_twice_changes_nothing(units):
    path = str(CORPUS / "01-ubnd-phong-chong-dich.txt")
    call_command("import_document", path, "--with-assignments")
    before = _counts()
    call_command("import_document", path, "--with-assignments")
    assert _counts() == before


def _docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH CÀ MAU"
    table.cell(0, 1).text = "Cà Mau, ngày 05 tháng 3 năm 2021"
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_is_read_with_its_letterhead_table(units, tmp_path, capsys):
    path = tmp_path / "ket-luan.docx"
    path.write_bytes(_docx_bytes(["1. Giao Sở Y tế chủ trì, hoàn thành trước ngày 20/3/2021."]))
    call_command("import_document", str(path), "--dry-run", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["document"]["issuer"] == "Ủy ban nhân dân tỉnh"
    assert data["document"]["issue_date"] == "2021-03-05"
    assert data["directives"][0]["assignments"][0]["lead_unit"] == "Sở Y tế"


def _pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer (Helvetica, ASCII only), built by hand."""
    content = "BT /F1 11 Tf 40 800 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def test_text_pdf_is_read(db):
    text = read_upload("kl.pdf", _pdf_bytes(["Ket luan", "1. Giao So Y te chu tri.", "2. Khac."]))
    assert "1. Giao So Y te chu tri." in text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "trống"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00binary", "nhị phân"),
        ("big.txt", ("1. Giao Sở Y tế chủ trì.\n" * 200_000).encode(), "quá lớn"),
        ("fake.docx", b"", "không phải tài liệu Word"),
        ("image.pdf", b"", "không đọc được"),
        ("bang.xlsx", b"PK\x03\x04", "Chỉ nhận tệp"),
    ],
)
def test_bad_files_are_refused_clearly_and_write_nothing(units, tmp_path, name, content, message):
    if name == "fake.docx":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("photos/anh-1.jpg", b"\xff\xd8\xff")
        content = buffer.getvalue()
    if name == "image.pdf":
        content = b"%PDF-1.4\nnot really a pdf"
    path = tmp_path / name
    path.write_bytes(content)
    before = _counts()
    with pytest.raises(CommandError) as error:
        call_command("import_document", str(path), "--dry-run", "--format", "json")
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    with pytest.raises(CommandError):
        call_command("import_document", str(path), "--with-assignments")
    assert _counts() == before


def test_five_megabyte_text_names_the_limit(db):
    with pytest.raises(DocumentParseError) as error:
        read_upload("big.txt", b"a" * 5_000_000)
    assert str(error.value) == (
        f"Văn bản quá lớn (5.0 MB); giới hạn là {MAX_TEXT_BYTES / 1_000_000:.0f} MB."
    )
