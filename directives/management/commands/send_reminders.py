"""python manage.py send_reminders [--now ...] — the hourly reminders, digests and e-mail.

Meant for cron or a systemd timer every hour (README "Reminders"); running it again in the same
hour sends nothing twice. See directives/reminders.py for what is sent when.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from directives import reminders
from directives.models import ReminderRun


def parse_moment(text: str) -> dt.datetime:
    """'2021-02-10T08:00', '2021-02-10 08:00' or '2021-02-10' (local time) → aware datetime."""
    moment = dt.datetime.fromisoformat(text.strip())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "Gửi đôn đốc trước hạn, khi quá hạn và hằng tuần khi còn quá hạn, bản tổng hợp tuần cho "
        "lãnh đạo, và e-mail; chạy mỗi giờ, chạy lại không gửi trùng."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--now",
            metavar="YYYY-MM-DDTHH:MM",
            help="Chạy như vào thời điểm này (giờ Việt Nam), để thử hoặc gửi bù.",
        )

    def handle(self, *args, now: str | None, **options) -> None:
        moment = None
        if now:
            try:
                moment = parse_moment(now)
            except ValueError:
                raise CommandError(
                    f"Thời điểm “{now}” không hợp lệ: hãy ghi YYYY-MM-DDTHH:MM.", returncode=1
                ) from None
        started = timezone.now()
        try:
            summary = reminders.run(moment)
        except Exception:
            # A run that failed is recorded too (if the database lets us), then fails as before.
            with contextlib.suppress(Exception):
                ReminderRun.objects.create(
                    started_at=started, finished_at=timezone.now(), succeeded=False
                )
            raise
        # What /metrics reports as the last successful run (directives/operations/metrics.py).
        ReminderRun.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            reminders=summary.reminders,
            emailed=summary.emailed,
            email_failures=summary.email_failures,
        )
        self.stdout.write(
            f"Đôn đốc: {summary.reminders} (thông báo: {summary.notifications}); "
            f"tổng hợp tuần: {summary.digests}, xếp hàng: {summary.digests_queued}; "
            f"e-mail đã gửi: {summary.emailed}, xếp hàng: {summary.emails_queued}, "
            f"lỗi (sẽ thử lại): {summary.email_failures}."
        )
