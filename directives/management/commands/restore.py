"""python manage.py restore FILE — restore a backup into an empty database and MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directives.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu vào cơ sở dữ liệu trống (và thư mục tệp đính kèm trống), "
        "rồi đối chiếu số dòng của từng bảng và mã kiểm tra của từng tệp."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Tệp sao lưu .tar.gz do lệnh backup tạo.")

    def handle(self, *args, file: str, **options) -> None:
        try:
            result = restore(Path(file))
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(result.tables.values())
        self.stdout.write(
            f"Đã khôi phục {len(result.tables)} bảng ({rows} dòng) và {len(result.files)} tệp; "
            "số dòng và mã kiểm tra khớp với bản sao lưu."
        )
