"""python manage.py create_report_slots [--today YYYY-MM-DD] — periodic report slots ahead of time.

Run by the hourly timer before send_reminders (deploy/theodoi-reminders.service); running it
again creates nothing twice. See directives/periodic/slots.py.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from directives.periodic import slots


class Command(BaseCommand):
    help = (
        "Tạo trước các ô báo cáo định kỳ (mỗi chế độ báo cáo × kỳ × đơn vị); "
        "chạy lại không tạo trùng."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="Chạy như vào ngày này.")

    def handle(self, *args, today: str | None, **options) -> None:
        day = timezone.localdate()
        if today:
            try:
                day = dt.date.fromisoformat(today.strip())
            except ValueError:
                raise CommandError(
                    f"Ngày “{today}” không hợp lệ: hãy ghi YYYY-MM-DD.", returncode=1
                ) from None
        summary = slots.create_slots(day)
        self.stdout.write(
            f"Chế độ báo cáo: {summary.obligations}; ô báo cáo mới: {summary.created}."
        )
        for line in summary.skipped:
            self.stderr.write(f"Bỏ qua chế độ báo cáo {line}")
