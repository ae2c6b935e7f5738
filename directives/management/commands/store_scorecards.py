"""python manage.py store_scorecards — count finished periods' unit scorecards and keep them.

Without arguments: the month, quarter and year that ended last, unless already stored (what the
hourly task does). `--period 2021-Q1` (repeatable) names periods; `--recount` counts them again
(every stored period when none is named), after an admin corrected history by hand.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from directives.accountability.scorecard import parse_period, store_period
from directives.accountability.tasks import just_finished, store_missing
from directives.models import ScoredPeriod


class Command(BaseCommand):
    help = "Đếm và lưu bảng chấm điểm đơn vị của các kỳ đã kết thúc."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--period",
            action="append",
            default=[],
            help="Kỳ, ví dụ 2021-Q1, 2021-M3, 2021-Y (có thể lặp lại).",
        )
        parser.add_argument("--recount", action="store_true", help="Đếm lại kỳ đã lưu.")

    def handle(self, *args, period: list[str], recount: bool, **options) -> None:
        today = timezone.localdate()
        try:
            periods = [parse_period(key) for key in period]
        except ValueError as error:
            raise CommandError(f"Kỳ không hợp lệ: {error}") from error
        unfinished = [p.key for p in periods if p.end >= today]
        if unfinished:
            raise CommandError(f"Kỳ chưa kết thúc, không lưu: {', '.join(unfinished)}")
        if recount:
            if not periods:
                periods = [
                    parse_period(k) for k in ScoredPeriod.objects.values_list("key", flat=True)
                ]
            for p in periods:
                store_period(p, recount=True)
            done = [p.key for p in periods]
        else:
            done = store_missing(periods or just_finished(today))
        self.stdout.write("Đã lưu: " + (", ".join(done) if done else "không có kỳ mới"))
