"""python manage.py restore FILE — restore a backup into an empty database and MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directives.backup import BackupError, readable_by_others, restore


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu vào cơ sở dữ liệu trống (và thư mục tệp đính kèm trống), "
        "rồi đối chiếu số dòng của từng bảng và mã kiểm tra của từng tệp."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "file", help="Tệp sao lưu .tar.gz (hoặc .tar.gz.age, đã mã hóa) do lệnh backup tạo."
        )

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        if path.is_file() and readable_by_others(path):
            # It holds password hashes, sessions and feed tokens: say so, then go on.
            self.stderr.write(
                f"Cảnh báo: {path} để người khác đọc được (quyền {path.stat().st_mode & 0o777:o}). "
                "Bản sao lưu chứa mật khẩu đã băm, phiên đăng nhập và mã lịch: "
                f"hãy chạy chmod 600 {path}."
            )
        try:
            result = restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(result.tables.values())
        self.stdout.write(
            f"Đã khôi phục {len(result.tables)} bảng ({rows} dòng) và {len(result.files)} tệp; "
            "số dòng và mã kiểm tra khớp với bản sao lưu."
        )
