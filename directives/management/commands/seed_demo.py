"""python manage.py seed_demo — the founding document's demo data, two more sample documents
(one of UBND tỉnh, one of Huyện ủy Năm Căn) for the leaders' overview, and the demo accounts
(idempotent)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directives.demo import DEMO_PASSWORD, USERS, seed
from directives.models import Assignment


class Command(BaseCommand):
    help = "Tạo dữ liệu demo: cây đơn vị, văn bản kết luận 17/11/2020, phân công và tài khoản demo."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Cho phép chạy khi DEBUG tắt (tài khoản demo có mật khẩu công khai).",
        )
        parser.add_argument(
            "--founding-only",
            action="store_true",
            help="Chỉ văn bản kết luận 17/11/2020, không thêm hai văn bản mẫu khác.",
        )

    def handle(self, *args, force: bool = False, founding_only: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "Từ chối tạo dữ liệu demo khi DEBUG tắt: tài khoản demo có mật khẩu công khai. "
                "Dùng --force nếu thật sự cần."
            )
        seeder = seed(other_documents=not founding_only)
        count = Assignment.objects.filter(directive__document=seeder.document).count()
        self.stdout.write(
            f"Dữ liệu demo sẵn sàng: {seeder.document.directives.count()} nhiệm vụ, "
            f"{count} phân công."
        )
        self.stdout.write(
            f"Tài khoản demo (mật khẩu {DEMO_PASSWORD}): " + ", ".join(u[0] for u in USERS)
        )
