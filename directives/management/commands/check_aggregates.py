"""python manage.py check_aggregates — recount the maintained assignment counts from scratch
(per unit subtree and per document).

Exit status 0 when every stored count equals a fresh count, 1 (with the differences listed) when
not. `--rebuild` replaces the stored counts by a fresh count (after `loaddata` or a raw import).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from directives import aggregates


class Command(BaseCommand):
    help = "Đếm lại từ đầu bảng đếm phân công và báo mọi chênh lệch (mã thoát 1 nếu có)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="Ghi lại toàn bộ bảng đếm từ số đếm mới."
        )
        parser.add_argument(
            "--limit", type=int, default=50, help="Số dòng chênh lệch tối đa được in ra."
        )

    def handle(self, *args, rebuild: bool = False, limit: int = 50, **options) -> None:
        started = time.perf_counter()
        if rebuild:
            rows = aggregates.rebuild()
            self.stdout.write(f"Đã ghi lại bảng đếm: {rows} dòng.")
        diffs = aggregates.differences()
        elapsed = time.perf_counter() - started
        if not diffs:
            self.stdout.write(f"Bảng đếm phân công khớp với số đếm lại ({elapsed:.1f} s).")
            return
        for (table, owner, status, deadline, late), held, counted in diffs[:limit]:
            where = "đơn vị" if table == aggregates.UNIT else "văn bản"
            self.stdout.write(
                f"{where} {owner} · {status} · hạn {deadline or 'không hạn'} · "
                f"{'trễ' if late else 'đúng hạn/chưa xong'}: lưu {held}, đếm lại {counted}"
            )
        if len(diffs) > limit:
            self.stdout.write(f"… và {len(diffs) - limit} dòng khác.")
        raise CommandError(
            f"Bảng đếm phân công lệch ở {len(diffs)} dòng "
            "(chạy lại với --rebuild để ghi lại từ số đếm mới).",
            returncode=1,
        )
