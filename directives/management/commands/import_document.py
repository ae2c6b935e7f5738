"""python manage.py import_document PATH — create a document and its numbered directives."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directives import actions
from directives.importers.conclusion import DocumentParseError, decode, parse_conclusion


class Command(BaseCommand):
    help = "Nhập một văn bản kết luận (tệp .txt UTF-8) thành văn bản và các nhiệm vụ được đánh số."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="Đường dẫn tệp văn bản (UTF-8).")

    def handle(self, *args, path: str, **options) -> None:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Không tìm thấy tệp: {path}")
        try:
            parsed = parse_conclusion(decode(file.read_bytes()))
        except DocumentParseError as error:
            raise CommandError(f"{path}: {error}") from error
        document, created = actions.import_document(parsed)
        count = document.directives.count()
        if created:
            self.stdout.write(f"Đã nhập văn bản “{document}” với {count} nhiệm vụ.")
        else:
            self.stdout.write(f"Văn bản đã có (không thay đổi): “{document}”, {count} nhiệm vụ.")
