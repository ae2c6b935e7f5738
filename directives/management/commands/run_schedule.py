"""python manage.py run_schedule — the clock beside the task worker (`make run` starts both).

Every minute it enqueues the webhook sweep; at the first minute of each hour, the reminders
(`send_reminders`, which sends nothing twice in an hour, so two schedulers do no harm) and the
scorecards of periods that just ended (`store_finished_periods`, which stores a period once).
Run one per installation; the workers (`manage.py db_worker`) may be many, on several hosts.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from directives.accountability.tasks import store_finished_periods
from directives.api.tasks import send_reminders
from directives.webhooks.tasks import deliver_due


class Command(BaseCommand):
    help = (
        "Hẹn giờ: mỗi phút gửi webhook đến lượt, mỗi giờ chạy đôn đốc và lưu bảng chấm điểm "
        "kỳ vừa kết thúc (qua hàng đợi tác vụ)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Chạy một lượt rồi thôi.")

    def handle(self, *args, once: bool, **options) -> None:
        last_hour = None
        while True:
            now = timezone.localtime()
            deliver_due.enqueue()
            hour = now.replace(minute=0, second=0, microsecond=0)
            if hour != last_hour:
                send_reminders.enqueue()
                store_finished_periods.enqueue()
                last_hour = hour
            if once:
                return
            time.sleep(60 - time.time() % 60)
