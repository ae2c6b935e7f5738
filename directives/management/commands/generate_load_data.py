"""python manage.py generate_load_data — synthetic data at scale for the benchmark (bench/)."""

from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directives import loadgen


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu thử tải: cây đơn vị 34 tỉnh, văn bản, phân công, lịch sử tiến độ, gia hạn "
        "và tài khoản thử (load-…), ghi hàng loạt (COPY trên PostgreSQL)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--units", type=int, default=4000, help="Số đơn vị (mặc định 4000).")
        parser.add_argument(
            "--documents",
            type=int,
            help="Số văn bản, kể cả một văn bản lớn (mặc định: số phân công / 100).",
        )
        parser.add_argument("--assignments", type=int, default=10_000, help="Số phân công.")
        parser.add_argument(
            "--updates", type=int, help="Số báo cáo tiến độ (mặc định: 5 × số phân công)."
        )
        parser.add_argument(
            "--obligations",
            type=int,
            help="Số chế độ báo cáo định kỳ (mặc định: số phân công / 1000, từ 2 đến 100).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Hạt giống ngẫu nhiên.")
        parser.add_argument("--years", type=int, default=6, help="Số năm lịch sử (mặc định 6).")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help="Ngày tham chiếu YYYY-MM-DD (mặc định hôm nay), để tái lập đúng dữ liệu.",
        )
        parser.add_argument(
            "--password",
            default=loadgen.Options.password,
            help="Mật khẩu của các tài khoản thử load-….",
        )
        parser.add_argument(
            "--reset", action="store_true", help="Xóa toàn bộ dữ liệu nghiệp vụ trước khi sinh."
        )
        parser.add_argument(
            "--force", action="store_true", help="Cho phép chạy khi DEBUG tắt (xem --reset)."
        )

    def handle(self, *args, **o) -> None:
        if not settings.DEBUG and not o["force"]:
            raise CommandError(
                "Từ chối sinh dữ liệu thử khi DEBUG tắt: lệnh có thể xóa dữ liệu và tạo tài khoản "
                "có mật khẩu biết trước. Dùng --force trên cơ sở dữ liệu dành cho đo tải."
            )
        if o["assignments"] < 1 or o["units"] < 40:
            raise CommandError("Cần ít nhất 1 phân công và 40 đơn vị (34 tỉnh và cấp trên).")
        started = time.perf_counter()
        if o["reset"]:
            loadgen.reset()
            self.stdout.write(f"Đã xóa dữ liệu cũ ({time.perf_counter() - started:.1f} s).")
        elif not loadgen.is_empty():
            raise CommandError(
                "Cơ sở dữ liệu đã có đơn vị hoặc phân công; dùng --reset để xóa và sinh lại."
            )
        options = loadgen.Options(
            units=o["units"],
            documents=o["documents"],
            assignments=o["assignments"],
            updates=o["updates"],
            seed=o["seed"],
            years=o["years"],
            today=o["today"] or dt.date.today(),
            password=o["password"],
            obligations=o["obligations"],
        )
        report = loadgen.Generator(options, log=self.stdout.write).run()
        counts = ", ".join(f"{name} {n:,}" for name, n in report.counts.items())
        self.stdout.write(f"Đã sinh: {counts}.")
        if report.big_document is not None:
            self.stdout.write(
                f"Văn bản lớn: id {report.big_document}, "
                f"{report.big_document_assignments:,} phân công."
            )
        if report.wide_parent is not None:
            self.stdout.write(f"Nhiệm vụ có nhiều nhiệm vụ con nhất: id {report.wide_parent}.")
        self.stdout.write(
            f"Thời gian: {report.timings['total']:.1f} s "
            f"(cả xóa dữ liệu cũ: {time.perf_counter() - started:.1f} s)."
        )
        self.stdout.write(
            "Tài khoản thử (mật khẩu như --password): " + ", ".join(report.users.values())
        )
