"""python manage.py backup [--output FILE] — the database and uploaded files in one archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directives.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và các tệp đính kèm vào một tệp .tar.gz (kèm mã kiểm tra)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", help="Đường dẫn tệp sao lưu (mặc định: var/backups/…).")

    def handle(self, *args, output: str | None = None, **options) -> None:
        try:
            result = backup(Path(output) if output else None)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(result.tables.values())
        self.stdout.write(
            f"Đã sao lưu {len(result.tables)} bảng ({rows} dòng) và {len(result.files)} tệp "
            f"vào {result.archive}"
        )
