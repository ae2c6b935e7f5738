"""`import_document` on the founding file and on the four kinds of bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from directives.demo import FOUNDING_DOCUMENT
from directives.models import Directive, Document


@pytest.fixture
def imported(db):
    call_command("import_document", str(FOUNDING_DOCUMENT))
    return Document.objects.get()


def test_founding_document_has_exactly_five_directives(imported):
    assert list(imported.directives.values_list("number", flat=True)) == ["1", "2", "3", "4", "5"]


def test_founding_document_fields(imported):
    assert imported.issue_date == dt.date(2020, 11, 17)
    assert imported.issuer == "Ban Thường vụ Tỉnh ủy"
    assert imported.signer.startswith("Nguyễn Tiến Hải, Bí thư Tỉnh ủy")


def test_task_four_keeps_its_second_paragraph(imported):
    task4 = imported.directives.get(number="4")
    assert task4.text.startswith("Tập trung chỉ đạo, tổng kết")
    assert "Chỉ đạo Hội đồng nhân dân cùng cấp" in task4.text


def test_no_caption_or_signature_in_any_directive(imported):
    for directive in imported.directives.all():
        assert "Ảnh:" not in directive.text
        assert "BAN BIÊN TẬP" not in directive.text


def test_no_break_spaces_are_normalised(imported):
    assert all("\xa0" not in d.text for d in imported.directives.all())
    assert "\xa0" not in imported.source_text


def test_task_five_text_is_the_documents_own(imported):
    assert imported.directives.get(number="5").text == (
        "Tết Dương lịch năm 2021 và tết Nguyên đán Tân Sửu đang đến gần, các cấp, các ngành cần "
        "quan tâm, thực hiện tốt công tác bảo đảm an sinh xã hội, chăm lo, thăm hỏi các gia đình "
        "đối tượng chính sách, người có công, người có hoàn cảnh đặc biệt khó khăn."
    )


def test_importing_twice_changes_nothing(imported):
    before = list(Directive.objects.values_list("pk", "text"))
    call_command("import_document", str(FOUNDING_DOCUMENT))
    assert Document.objects.count() == 1
    assert list(Directive.objects.values_list("pk", "text")) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "trống"),
        (b"   \n\xc2\xa0\n", "trống"),
        ("Hội nghị đã kết thúc tốt đẹp.\nKhông có nhiệm vụ.".encode(), "đánh số"),
        (
            "1. Giao Ban Tuyên giáo chủ trì".encode("latin-1", errors="replace") + b"\xe0\xe1",
            "UTF-8",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "nhị phân"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(db, tmp_path: Path, content, message):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command("import_document", str(path))
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert Document.objects.count() == 0


def test_missing_path_is_refused(db, tmp_path: Path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_document", str(tmp_path / "khong-co.txt"))
    assert Document.objects.count() == 0


def test_command_exits_with_status_one(db, tmp_path: Path):
    import subprocess
    import sys

    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "import_document", str(empty)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )
    assert result.returncode == 1
    assert "trống" in result.stderr


def test_captions_between_and_inside_items_are_dropped():
    """The founding text's captions all come before item 1; here they sit inside item 1 (between
    its two paragraphs), between items 1 and 2 and after the last item."""
    from directives.importers.conclusion import parse_conclusion

    parsed = parse_conclusion(
        "Hội nghị cán bộ ngày 17/11/2020.\n"
        "1. Xây dựng kế hoạch học tập Nghị quyết.\n"
        "Ảnh: Quang cảnh hội nghị.\n"
        "Hoàn thành trước ngày 31/12/2020.\n"
        "ảnh : Đồng chí Bí thư phát biểu.\n"
        "2. Chăm lo Tết cho gia đình chính sách.\n"
        "Ảnh: Trao quà Tết.\n"
        "BAN BIÊN TẬP"
    )
    texts = [d.text for d in parsed.directives]
    assert [d.number for d in parsed.directives] == ["1", "2"]
    assert texts[0].startswith("Xây dựng kế hoạch học tập Nghị quyết.")
    assert "Hoàn thành trước ngày 31/12/2020." in texts[0]  # the item goes on past the caption
    assert texts[1].startswith("Chăm lo Tết cho gia đình chính sách.")
    assert not any("Ảnh" in text or "ảnh :" in text or "Quang cảnh" in text for text in texts)
    assert not any("Trao quà" in text or "phát biểu" in text for text in texts)
