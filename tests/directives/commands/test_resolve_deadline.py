"""`manage.py resolve_deadline "<phrase>" [--from DD/MM/YYYY]`: one line, or exit status 1."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from directives.models import Event

ROOT = Path(__file__).resolve().parents[3]


def resolve(*args: str) -> str:
    out = StringIO()
    call_command("resolve_deadline", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("Tết Tân Sửu", "--from", "17/11/2020"), "2021-02-09 Trước Tết Nguyên đán Tân Sửu"),
        (("trước Tết Nguyên đán 2021",), "2021-02-09 Trước Tết Nguyên đán Tân Sửu"),
        (("Tết Dương lịch 2021",), "2020-12-31 Trước Tết Dương lịch 2021"),
        # Vietnamese Tết 17/02/2007 (China 18/02): the eve, Fri 16/02, is already off.
        (("trước Tết Nguyên đán 2007",), "2007-02-15 Trước Tết Nguyên đán Đinh Hợi"),
        # Vietnamese Tết 02/02/2030 (China 03/02): the break starts Thu 31/01.
        (("trước Tết Nguyên đán 2030",), "2030-01-30 Trước Tết Nguyên đán Canh Tuất"),
        (
            ("5 ngày làm việc kể từ 08/02/2021",),
            "2021-02-22 5 ngày làm việc kể từ 08/02/2021",
        ),
        (
            ("trong 5 ngày làm việc", "--from", "08/02/2021"),
            "2021-02-22 Trong 5 ngày làm việc kể từ 08/02/2021",
        ),
        (("trong tháng 12/2020",), "2020-12-31 Trong tháng 12/2020"),
        (("trong quý I/2021",), "2021-03-31 Trong quý I/2021"),
        (("31/12/2020",), "2020-12-31 Ngày 31/12/2020"),
    ],
)
def test_resolve_deadline_prints_iso_date_and_basis(db, args, line):
    assert resolve(*args) == line + "\n"


def test_resolve_deadline_reads_events_admins_keep(db):
    Event.objects.create(name="Đại hội XIII của Đảng", date=dt.date(2021, 1, 25))
    assert resolve("trước Đại hội XIII của Đảng") == "2021-01-24 Trước Đại hội XIII của Đảng\n"


def test_resolve_deadline_unknown_phrase_is_an_error(db):
    with pytest.raises(CommandError, match="Không xác định được thời hạn từ “khẩn trương”") as e:
        resolve("khẩn trương")
    assert e.value.returncode == 1


def test_resolve_deadline_bad_start_date_is_an_error(db):
    with pytest.raises(CommandError, match="Ngày bắt đầu “31/02/2021” không hợp lệ"):
        resolve("trong 5 ngày làm việc", "--from", "31/02/2021")


def _manage(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    # A database of its own that was never migrated: the calendar rules need none.
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "resolve_deadline", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_resolve_deadline_exit_status_1_for_unknown_phrase(tmp_path):
    result = _manage("trong ít ngày", tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Không xác định được thời hạn từ “trong ít ngày”" in result.stderr


def test_resolve_deadline_exit_status_0_and_one_line(tmp_path):
    result = _manage("Tết Tân Sửu", "--from", "17/11/2020", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2021-02-09 Trước Tết Nguyên đán Tân Sửu\n"
