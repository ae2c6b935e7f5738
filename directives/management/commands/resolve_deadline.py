"""python manage.py resolve_deadline "<phrase>" [--from DD/MM/YYYY] — read a deadline phrase.

Prints ``YYYY-MM-DD basis`` on one line, e.g. ``2021-02-09 Trước Tết Nguyên đán Tân Sửu``; a
phrase it does not understand is a one-line error with exit status 1.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone

from directives.calendar import DeadlinePhraseError, resolve_deadline
from directives.fields import known_events


def parse_day(text: str) -> dt.date:
    """DD/MM/YYYY (or YYYY-MM-DD) → date; ValueError otherwise."""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


class Command(BaseCommand):
    help = (
        "Chuyển một cụm thời hạn (“trước Tết Nguyên đán 2021”, “trong quý I/2021”, "
        "“5 ngày làm việc kể từ 08/02/2021”…) thành ngày YYYY-MM-DD và căn cứ."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("phrase", help="Cụm thời hạn, trong dấu ngoặc kép.")
        parser.add_argument(
            "--from",
            dest="start",
            metavar="DD/MM/YYYY",
            help="Ngày bắt đầu tính (ngày ban hành văn bản); mặc định là hôm nay.",
        )

    def handle(self, *args, phrase: str, start: str | None, **options) -> None:
        if start is None:
            start_day = timezone.localdate()
        else:
            try:
                start_day = parse_day(start)
            except ValueError:
                raise CommandError(
                    f"Ngày bắt đầu “{start}” không hợp lệ: hãy ghi DD/MM/YYYY.", returncode=1
                ) from None
        try:
            events = known_events()
        except DatabaseError:
            # No database yet (before migrate): the calendar rules still work, events do not.
            events = {}
        try:
            resolved = resolve_deadline(phrase, start=start_day, events=events)
        except DeadlinePhraseError as error:
            raise CommandError(str(error), returncode=1) from None
        self.stdout.write(f"{resolved.date.isoformat()} {resolved.basis}")
