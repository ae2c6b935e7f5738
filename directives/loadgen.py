"""Synthetic load data: a national unit tree, years of documents, assignments and their history.

Used by `python manage.py generate_load_data` for the benchmark (bench/). The data keeps every
rule the application keeps: workflow histories follow TRANSITIONS (each ProgressUpdate's
status_before is the previous status_after and the last one is the assignment's status), percent
never goes down, completed_on is set exactly for done assignments (the day they reported), every
deadline has its DeadlineChange (the initial one, then each approved extension, with
original_deadline and extension_count to match), derived columns (Unit.path, the folded
search_text) are what save() would write, and the maintained counts are rebuilt at the end.
Deadlines come from the Vietnamese calendar: before Tết, N working days, quarter and year ends.

One of the documents is large: a conclusion of the Ban Bí thư whose min(10,000, half of
--assignments) assignments are led all over the nation, issued some months before the newest
document. The benchmark exports it (ten thousand rows) and reads its dashboards.

Rows are written in bulk, bypassing the ORM: PostgreSQL's COPY (psycopg 3) or, on SQLite,
executemany in large transactions. Columns this module does not know (added by later models)
are filled with the field's default, so a new nullable or defaulted field does not break it.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction

from directives import aggregates, calendar
from directives.models import (
    Assignment,
    DeadlineChange,
    Directive,
    Document,
    ExtensionRequest,
    Membership,
    ProgressUpdate,
    Role,
    Status,
    Unit,
    UnitKind,
)
from directives.text import search_key

USERNAME_PREFIX = "load-"
# The large central document: at most this many assignments (the benchmark's export of ten
# thousand rows), over this many directives.
BIG_DOCUMENT_MAX = 10_000
BIG_DOCUMENT_DIRECTIVES = 5

PROVINCES = [
    "Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ",
    "Bắc Ninh", "Hưng Yên", "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi",
    "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk", "Thành phố Hồ Chí Minh", "Đồng Nai",
    "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
]  # fmt: skip
# (name, short name, kind) of the province-level bodies every province has.
PROVINCE_BODIES = [
    ("Văn phòng Tỉnh ủy", "VPTU", UnitKind.PARTY_BOARD),
    ("Ban Tổ chức Tỉnh ủy", "BTCTU", UnitKind.PARTY_BOARD),
    ("Ban Tuyên giáo và Dân vận Tỉnh ủy", "BTGDVTU", UnitKind.PARTY_BOARD),
    ("Ủy ban Kiểm tra Tỉnh ủy", "UBKTTU", UnitKind.PARTY_BOARD),
    ("Ủy ban nhân dân tỉnh", "UBND tỉnh", UnitKind.COMMITTEE),
    ("Sở Tài chính", "STC", UnitKind.DEPARTMENT),
    ("Sở Nội vụ", "SNV", UnitKind.DEPARTMENT),
    ("Sở Y tế", "SYT", UnitKind.DEPARTMENT),
    ("Sở Giáo dục và Đào tạo", "SGDĐT", UnitKind.DEPARTMENT),
    ("Sở Xây dựng", "SXD", UnitKind.DEPARTMENT),
    ("Sở Nông nghiệp và Môi trường", "SNNMT", UnitKind.DEPARTMENT),
    ("Sở Khoa học và Công nghệ", "SKHCN", UnitKind.DEPARTMENT),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", UnitKind.DEPARTMENT),
    ("Công an tỉnh", "CA tỉnh", UnitKind.AGENCY),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "UBMTTQ tỉnh", UnitKind.MASS_ORG),
]
SYLLABLES = [
    "Tân", "Phú", "An", "Vĩnh", "Bình", "Hòa", "Long", "Thạnh", "Mỹ", "Đông", "Tây", "Hưng",
    "Lợi", "Thuận", "Phước", "Khánh", "Quảng", "Xuân", "Hiệp", "Thới", "Trung", "Lộc", "Định",
    "Hải", "Sơn", "Thủy", "Cát", "Minh", "Đức", "Nghĩa",
]  # fmt: skip
TOPICS = [
    "chuyển đổi số trong cơ quan nhà nước", "cải cách thủ tục hành chính",
    "phòng, chống tham nhũng, lãng phí, tiêu cực", "xây dựng nông thôn mới nâng cao",
    "giảm nghèo bền vững", "chăm lo Tết cho gia đình chính sách, hộ nghèo",
    "phòng, chống thiên tai và tìm kiếm cứu nạn", "công tác cán bộ và sắp xếp tổ chức bộ máy",
    "thu ngân sách nhà nước", "giải ngân vốn đầu tư công", "bảo đảm trật tự an toàn giao thông",
    "bảo vệ môi trường và xử lý rác thải", "phát triển kinh tế biển", "học tập và làm theo Bác",
    "phổ biến, giáo dục pháp luật", "tiếp công dân, giải quyết khiếu nại, tố cáo",
    "phát triển du lịch", "chăm sóc sức khỏe nhân dân", "đổi mới giáo dục phổ thông",
    "chuẩn bị đại hội đảng bộ các cấp", "bầu cử đại biểu Quốc hội và Hội đồng nhân dân",
    "kiểm tra, giám sát của cấp ủy", "thu hút đầu tư", "quản lý đất đai",
]  # fmt: skip
VERBS = [
    "Xây dựng kế hoạch", "Tổ chức triển khai", "Rà soát, đánh giá", "Tăng cường công tác",
    "Chỉ đạo thực hiện", "Tổng kết, rút kinh nghiệm", "Kiểm tra, giám sát việc thực hiện",
    "Báo cáo kết quả", "Ban hành văn bản hướng dẫn về",
]  # fmt: skip
RESULTS = [
    "Kế hoạch được ban hành", "Báo cáo kết quả thực hiện", "Hội nghị được tổ chức",
    "Đề án trình Ban Thường vụ", "Văn bản hướng dẫn gửi các đơn vị", "Số liệu tổng hợp đầy đủ",
    "",
]  # fmt: skip
NOTES = [
    "Đã xây dựng dự thảo kế hoạch, đang lấy ý kiến các đơn vị phối hợp.",
    "Đã tổ chức hội nghị quán triệt cho cán bộ chủ chốt.",
    "Đang tổng hợp số liệu báo cáo từ các xã, phường.",
    "Đã trình Thường trực xem xét, cho ý kiến.",
    "Đã ban hành văn bản hướng dẫn thực hiện.",
    "Đang phối hợp với Sở Tài chính bố trí kinh phí.",
    "Đã hoàn thành phần lớn nội dung theo kế hoạch.",
    "Đang chỉnh sửa dự thảo theo ý kiến góp ý.",
    "Đã kiểm tra thực tế tại cơ sở.",
    "Đang hoàn thiện báo cáo để gửi cơ quan giao nhiệm vụ.",
]
DIFFICULTIES = [
    "Kinh phí chưa được bố trí kịp thời.",
    "Thiếu cán bộ có chuyên môn.",
    "Số liệu từ cơ sở gửi chậm.",
    "Thời tiết bất lợi ảnh hưởng tiến độ.",
]
PROPOSALS = [
    "Đề nghị cho gia hạn thêm thời gian thực hiện.",
    "Đề nghị Sở Tài chính sớm bố trí kinh phí.",
    "Đề nghị các đơn vị phối hợp gửi số liệu đúng hạn.",
]
SIGNERS = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu", "Phạm Quốc Dũng", "Hoàng Thu Hà"]
ACTION_NOTES = {
    "start": "Bắt đầu thực hiện",
    "report_done": "Báo cáo hoàn thành",
    "confirm": "Xác nhận hoàn thành",
    "refuse": "Đề nghị bổ sung, hoàn thiện (thực hiện lại)",
    "suspend": "Tạm hoãn theo chỉ đạo",
}
TRANSITION_TARGETS = {
    "start": Status.IN_PROGRESS,
    "report_done": Status.AWAITING_SIGNOFF,
    "confirm": Status.DONE,
    "refuse": Status.IN_PROGRESS,
    "suspend": Status.SUSPENDED,
}

NS, IP, AW, DN, SU = (
    Status.NOT_STARTED.value,
    Status.IN_PROGRESS.value,
    Status.AWAITING_SIGNOFF.value,
    Status.DONE.value,
    Status.SUSPENDED.value,
)


# The folded search columns, as each model's search_columns() writes them. Generated texts come
# from short lists, so each distinct text is folded once.
@cache
def _progress_search(note: str, difficulties: str, proposals: str) -> str:
    return search_key(note, difficulties, proposals)


@cache
def _assignment_search(expected: str, contact: str, basis: str) -> tuple[str, str]:
    return search_key(expected), search_key(expected, contact, basis)


def _document_search(row: tuple) -> tuple[str, str]:
    """(search_title, search_text) of a document row (id, number, subject, issuer, unit,
    signer, issued, source_text, …)."""
    _pk, number, subject, issuer, _unit, signer, _issued, source = row[:8]
    return search_key(number, subject), search_key(number, subject, issuer, signer, source)


@dataclass
class Options:
    units: int = 4000
    documents: int | None = None
    assignments: int = 10_000
    updates: int | None = None
    seed: int = 1
    years: int = 6
    today: dt.date = field(default_factory=dt.date.today)
    password: str = "load-password-12345"  # noqa: S105 - synthetic accounts, refused off DEBUG
    chunk: int = 20_000
    # Periodic reports (issue 18): None = directives.periodic.loadgen.default_count(assignments).
    obligations: int | None = None


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    big_document: int | None = None  # the id of the large central document, if any
    big_document_assignments: int = 0
    wide_parent: int | None = None  # the assignment with 200 sub-assignments, if any


# ------------------------------------------------------------------------------------------------
# Writing rows in bulk


def _db_default(model_field):
    """The value a column gets when the generator does not know it (see module docstring)."""
    if model_field.has_default():
        return model_field.get_db_prep_save(model_field.get_default(), connection)
    if model_field.null:
        return None
    if model_field.get_internal_type() in {"CharField", "TextField", "SlugField"}:
        return ""
    raise RuntimeError(f"Không biết điền cột {model_field.model.__name__}.{model_field.name}.")


class BulkWriter:
    """COPY on PostgreSQL, executemany on SQLite; the caller gives rows in `columns` order."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.tz = "+00" if self.postgres else ""  # timestamps are written in UTC

    def write(self, model, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        known = set(columns)
        extra = [f for f in model._meta.concrete_fields if f.column not in known]
        defaults = tuple(_db_default(f) for f in extra)
        all_columns = [*columns, *(f.column for f in extra)]
        if defaults:
            rows = (row + defaults for row in rows)
        table = model._meta.db_table
        quoted = ", ".join(connection.ops.quote_name(c) for c in all_columns)
        count = 0
        with connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:  # noqa: S608
                    write_row = copy.write_row
                    for row in rows:
                        write_row(row)
                        count += 1
            else:
                marks = ", ".join(["%s"] * len(all_columns))
                sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608
                batch: list[tuple] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= 10_000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        return count


@contextmanager
def constraints_deferred_to_the_end(models: Sequence) -> Iterator[None]:
    """On PostgreSQL, drop the foreign keys and plain indexes of `models` for the load and
    recreate them afterwards (validating every foreign key), inside the caller's transaction.

    Checking a foreign key row by row costs a lookup and a lock per row; validating it once
    afterwards is one join. Unique indexes stay, so uniqueness is enforced during the load.
    Call inside transaction.atomic(): DDL is transactional, a failed load drops nothing.
    """
    if connection.vendor != "postgresql":
        yield
        return
    qn = connection.ops.quote_name
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        # Rows written earlier in this transaction (tests) must have their deferred checks run
        # before ALTER TABLE may touch the tables they reference.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        foreign_keys = []
        for table in tables:
            for name, info in connection.introspection.get_constraints(cursor, table).items():
                if info["foreign_key"]:
                    foreign_keys.append((table, name, info["columns"][0], *info["foreign_key"]))
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s) AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, *_ in foreign_keys:
            cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {qn(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, column, ref_table, ref_column in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} FOREIGN KEY ({qn(column)}) "
                f"REFERENCES {qn(ref_table)} ({qn(ref_column)}) DEFERRABLE INITIALLY DEFERRED"
            )


BULK_MODELS = (
    Document,
    Directive,
    Assignment,
    Assignment.coordinating_units.through,
    ProgressUpdate,
    DeadlineChange,
    ExtensionRequest,
)


def domain_models() -> list:
    config = apps.get_app_config("directives")
    return list(config.get_models(include_auto_created=True))


def reset() -> None:
    """Empty every table of the app (and remove the generator's accounts)."""
    tables = [m._meta.db_table for m in domain_models()]
    sql = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # Inside a transaction that already wrote rows (tests), their deferred foreign-key
        # checks must run before TRUNCATE may touch the tables.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    connection.ops.execute_sql_flush(sql)
    get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).delete()


def is_empty() -> bool:
    return not (Unit.objects.exists() or Assignment.objects.exists())


# ------------------------------------------------------------------------------------------------
# Calendar helpers, cached: a few thousand distinct issue dates serve a million assignments


@cache
def _working_days(start_ordinal: int, n: int) -> dt.date:
    return calendar.add_working_days(dt.date.fromordinal(start_ordinal), n)


@cache
def _before_tet(year: int) -> tuple[dt.date, str]:
    return (
        calendar.last_working_day_before_tet(year),
        f"Trước Tết Nguyên đán {calendar.can_chi_year(year)}",
    )


def _quarter_end(day: dt.date) -> tuple[dt.date, str]:
    quarter = (day.month - 1) // 3
    end_month = quarter * 3 + 3
    end = dt.date(day.year, end_month, 1) + dt.timedelta(days=31)
    end = end.replace(day=1) - dt.timedelta(days=1)
    return end, f"Trong quý {('I', 'II', 'III', 'IV')[quarter]}/{day.year}"


def deadline_for(rng: random.Random, issued: dt.date) -> tuple[dt.date | None, str]:
    """A deadline and its basis as conclusions write them, resolved in the Vietnamese calendar."""
    r = rng.random()
    if r < 0.10:
        return None, rng.choice(["Thường xuyên", ""])
    if r < 0.30:
        n = rng.choice((5, 7, 10, 15, 20, 30))
        return _working_days(issued.toordinal(), n), f"Trong {n} ngày làm việc"
    if r < 0.45:
        tet = calendar.tet_day(issued.year)
        year = issued.year if issued + dt.timedelta(days=20) < tet else issued.year + 1
        return _before_tet(year)
    if r < 0.65:
        return _quarter_end(issued + dt.timedelta(days=rng.randrange(15, 200)))
    if r < 0.80:
        year = issued.year if issued.month < 10 else issued.year + 1
        return dt.date(year, 12, 31), f"Trước ngày 31/12/{year}"
    day = issued + dt.timedelta(days=rng.randrange(15, 400))
    return day, f"Trước ngày {day:%d/%m/%Y}"


# ------------------------------------------------------------------------------------------------
# The generator


class Generator:
    def __init__(self, options: Options, log: Callable[[str], None] = lambda _m: None):
        self.o = options
        self.rng = random.Random(options.seed)  # noqa: S311 - synthetic data, not secrets
        self.log = log
        self.writer = BulkWriter()
        self.report = Report()
        self._iso: dict[int, str] = {}

    # -- small helpers -------------------------------------------------------------------------

    def iso(self, ordinal: int) -> str:
        text = self._iso.get(ordinal)
        if text is None:
            text = self._iso[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text

    def stamp(self, ordinal: int, seq: int) -> str:
        """A timestamp on day `ordinal`, the seq-th event of its assignment: 08:00–17:00 in
        Vietnam (01:00–10:00 UTC), strictly increasing with seq."""
        second = 3600 + min(seq, 50) * 600 + self.rng.randrange(600)
        return (
            f"{self.iso(ordinal)} {second // 3600:02d}:{second % 3600 // 60:02d}:"
            f"{second % 60:02d}{self.writer.tz}"
        )

    def timed(self, label: str, started: float) -> None:
        self.report.timings[label] = round(time.perf_counter() - started, 2)
        self.log(f"  {label}: {self.report.timings[label]:.1f} s")

    # -- the whole run -------------------------------------------------------------------------

    def run(self) -> Report:
        o = self.o
        if o.documents is None:
            o.documents = max(1, o.assignments // 100)
        if o.updates is None:
            o.updates = o.assignments * 5
        # One large central document (see documents()); it needs a document of its own.
        self.big = min(BIG_DOCUMENT_MAX, o.assignments // 2) if o.documents >= 2 else 0
        total = time.perf_counter()
        # One transaction: a failed run leaves nothing behind, constraints included.
        with transaction.atomic(), constraints_deferred_to_the_end(BULK_MODELS):
            started = time.perf_counter()
            self.units()
            self.documents()
            self.accounts()
            self.timed("units, documents, directives, accounts", started)
            started = time.perf_counter()
            self.assignments()
            self.timed("assignments and history", started)
            started = time.perf_counter()
            self.cascade()
            self.timed("sub-assignments", started)
            started = time.perf_counter()
            self.periodic()
            self.timed("periodic reports", started)
            started = time.perf_counter()
        self.timed("indexes and foreign keys checked", started)
        started = time.perf_counter()
        self.finish()
        self.timed("sequences, maintained counts, statistics", started)
        self.report.timings["total"] = round(time.perf_counter() - total, 2)
        return self.report

    # -- units -----------------------------------------------------------------------------------

    def units(self) -> None:
        rng, o = self.rng, self.o
        next_id = (Unit.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        rows: list[tuple] = []
        self.unit_path: dict[int, str] = {}

        def add(parent: int | None, kind: str, name: str, short: str) -> int:
            nonlocal next_id
            pk = next_id
            next_id += 1
            path = (self.unit_path[parent] if parent else "") + f"{pk:06d}/"
            self.unit_path[pk] = path
            rows.append((pk, parent, kind, name, short, "", True, path, search_key(name, short)))
            return pk

        self.root = add(None, UnitKind.AGENCY, "Văn phòng Trung ương Đảng (dữ liệu thử)", "VPTW")
        per_province = max(3, (o.units - 1) // len(PROVINCES))
        bodies = PROVINCE_BODIES[: max(2, min(len(PROVINCE_BODIES), per_province // 3))]
        rest = max(1, per_province - 1 - len(bodies))
        n_districts = max(1, rest // 12)
        n_communes = max(0, rest - n_districts)
        self.provinces: list[dict] = []
        for province_name in PROVINCES:
            province = add(
                self.root, UnitKind.PROVINCE, f"Tỉnh ủy {province_name}", f"TU {province_name}"
            )
            info = {"id": province, "name": province_name, "bodies": [], "districts": []}
            info["communes"] = []
            for name, short, kind in bodies:
                info["bodies"].append(
                    add(province, kind, f"{name} {province_name}", f"{short} {province_name}")
                )
            places = rng.sample(
                [f"{a} {b}" for a in SYLLABLES for b in SYLLABLES if a != b],
                n_districts + n_communes,
            )
            for d in range(n_districts):
                place = places[d]
                info["districts"].append(
                    add(
                        province,
                        UnitKind.DISTRICT,
                        f"Huyện ủy {place} ({province_name})",
                        f"HU {place}",
                    )
                )
            for c in range(n_communes):
                place = places[n_districts + c]
                district = info["districts"][c % n_districts]
                info["communes"].append(
                    add(
                        district,
                        UnitKind.COMMITTEE,
                        f"Ủy ban nhân dân xã {place} ({province_name})",
                        f"UBND xã {place}",
                    )
                )
            info["all"] = info["bodies"] + info["districts"] + info["communes"]
            self.provinces.append(info)
        columns = ["id", "parent_id", "kind", "name", "short_name", "aliases", "active", "path"]
        self.report.counts["units"] = self.writer.write(Unit, [*columns, "search_text"], rows)

    # -- documents and directives ----------------------------------------------------------------

    def documents(self) -> None:
        rng, o = self.rng, self.o
        first_day = (o.today - dt.timedelta(days=365 * o.years)).toordinal()
        last_day = (o.today - dt.timedelta(days=7)).toordinal()
        doc_id = (Document.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        dir_id = (Directive.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        documents, directives = [], []
        # (directive id, issue date ordinal, province info or None for central documents)
        self.directive_info: list[tuple[int, int, dict | None]] = []
        self.big_info: list[tuple[int, int, dict | None]] = []  # the large document's
        n_ordinary = o.documents - 1 if self.big else o.documents
        n_directives = max(1, min(o.assignments - self.big, n_ordinary * 12))
        sizes = [rng.randint(5, 20) for _ in range(n_ordinary)]
        scale = n_directives / max(1, sum(sizes))
        for index, size in enumerate(sizes):
            size = max(1, round(size * scale)) if scale < 1 else size
            # The first document is the first province's, whose accounts the benchmark uses.
            central = index > 0 and rng.random() < 0.1
            province = (
                self.provinces[0] if index == 0 else None if central else rng.choice(self.provinces)
            )
            issuer_id = self.root if central else province["id"]
            issued = rng.randint(first_day, last_day)
            topic = rng.choice(TOPICS)
            issuer = "Ban Bí thư" if central else f"Ban Thường vụ Tỉnh ủy {province['name']}"
            number = f"{index + 1}-KL/TW" if central else f"{index + 1}-KL/TU"
            stamp = self.stamp(issued, 0)
            documents.append(
                (
                    doc_id,
                    number,
                    f"Kết luận của {issuer} về {topic}",
                    issuer,
                    issuer_id,
                    rng.choice(SIGNERS),
                    self.iso(issued),
                    "",
                    "",
                    stamp,
                )
            )
            body = [f"{issuer.upper()}", f"Kết luận về {topic}"]
            for position in range(1, size + 1):
                title = f"{rng.choice(VERBS)} {rng.choice(TOPICS)}"
                text = f"{title}; báo cáo kết quả về cơ quan giao nhiệm vụ theo thời hạn quy định."
                body.append(f"{position}. {text}")
                directives.append(
                    (
                        dir_id,
                        doc_id,
                        None,
                        str(position),
                        position,
                        title,
                        text,
                        search_key(str(position), title),
                        search_key(str(position), title, text),
                    )
                )
                self.directive_info.append((dir_id, issued, province))
                dir_id += 1
            # The document's full text (searched like a real one's): heading and its items.
            row = documents[-1]
            documents[-1] = (*row[:7], "\n".join(body), *row[8:])
            doc_id += 1
        if self.big:
            # The benchmark's "export of ten thousand rows" and a dashboard worth reading: one
            # conclusion of the Ban Bí thư with min(10,000, half of --assignments) assignments,
            # led across the whole nation. Issued some months before the end of the period and
            # before every other document, so the dashboards' default (the newest) is not it.
            newest = max(row[6] for row in documents)
            issued = min(
                last_day - rng.randint(90, 180), dt.date.fromisoformat(newest).toordinal() - 1
            )
            topic = rng.choice(TOPICS)
            documents.append(
                (
                    doc_id,
                    f"{n_ordinary + 1}-KL/TW",
                    f"Kết luận của Ban Bí thư về tiếp tục đẩy mạnh {topic} trong cả nước",
                    "Ban Bí thư",
                    self.root,
                    rng.choice(SIGNERS),
                    self.iso(issued),
                    "",
                    "",
                    self.stamp(issued, 0),
                )
            )
            for position in range(1, min(BIG_DOCUMENT_DIRECTIVES, self.big) + 1):
                title = f"{rng.choice(VERBS)} {topic}"
                text = f"{title}; báo cáo kết quả về Ban Bí thư theo thời hạn quy định."
                directives.append(
                    (
                        dir_id,
                        doc_id,
                        None,
                        str(position),
                        position,
                        title,
                        text,
                        search_key(str(position), title),
                        search_key(str(position), title, text),
                    )
                )
                self.big_info.append((dir_id, issued, None))
                dir_id += 1
            self.report.big_document = doc_id
            self.report.big_document_assignments = self.big
        self.report.counts["documents"] = self.writer.write(
            Document,
            [
                "id",
                "number",
                "subject",
                "issuer",
                "issuing_unit_id",
                "signer",
                "issue_date",
                "source_text",
                "source_sha256",
                "created_at",
                "search_title",
                "search_text",
            ],
            [(*row, *_document_search(row)) for row in documents],
        )
        self.report.counts["directives"] = self.writer.write(
            Directive,
            [
                "id",
                "document_id",
                "parent_id",
                "number",
                "position",
                "title",
                "text",
                "search_title",
                "search_text",
            ],
            directives,
        )

    # -- accounts --------------------------------------------------------------------------------

    def accounts(self) -> None:
        """A few known accounts to benchmark as real users, and staff/leaders in each province."""
        User = get_user_model()
        password = make_password(self.o.password)  # hashed once, shared by every account
        first = self.provinces[0]
        named = {
            "admin": (None, None),
            "central": (self.root, Role.LEADER),
            "inspector": (self.root, Role.INSPECTOR),
            "leader": (first["id"], Role.LEADER),
            "staff": (first["bodies"][5 if len(first["bodies"]) > 5 else 0], Role.STAFF),
            "unit-leader": (first["districts"][0], Role.LEADER),
            "commune": ((first["communes"] or first["districts"])[0], Role.STAFF),
        }
        people = dict(named)
        for index, province in enumerate(self.provinces[1:], start=2):
            people[f"p{index}-leader"] = (province["id"], Role.LEADER)
            people[f"p{index}-staff"] = (province["bodies"][0], Role.STAFF)
        users = User.objects.bulk_create(
            User(
                username=f"{USERNAME_PREFIX}{name}",
                password=password,
                first_name="Tài khoản",
                last_name=f"thử {name}",
                is_staff=name == "admin",
                is_superuser=name == "admin",
            )
            for name in people
        )
        by_name = {user.username.removeprefix(USERNAME_PREFIX): user for user in users}
        Membership.objects.bulk_create(
            Membership(user=by_name[name], unit_id=unit, role=role)
            for name, (unit, role) in people.items()
            if unit is not None
        )
        self.lead_member = {
            unit: by_name[name].pk
            for name, (unit, role) in people.items()
            if unit is not None and role == Role.STAFF
        }
        self.report.counts["users"] = len(users)
        self.report.users = {name: f"{USERNAME_PREFIX}{name}" for name in named}

    # -- assignments and their history ------------------------------------------------------------

    def assignments(self) -> None:
        rng, o = self.rng, self.o
        infos = self.directive_info
        budget = o.assignments - self.big  # what the ordinary documents share
        # Every directive gets at least one assignment; the rest fall at random.
        picks = list(range(len(infos))) + rng.choices(
            range(len(infos)), k=max(0, budget - len(infos))
        )
        picks.sort()
        picks = picks[:budget]
        if self.big_info:
            # The large document's directives come last, each with at least one assignment.
            n_big = len(self.big_info)
            big = list(range(n_big)) + rng.choices(range(n_big), k=self.big - n_big)
            picks += sorted(len(infos) + i for i in big)
            infos = infos + self.big_info
        self.today = o.today.toordinal()
        # Transitions a history needs, on average, so plain updates fill the rest of --updates.
        # Plain progress updates per assignment that has started; re-aimed after every chunk
        # so the history ends close to --updates rows whatever the mix of statuses.
        self.plain_mean = max(0.0, o.updates / max(1, o.assignments) - 2.6)
        self.seen = {"assignments": 0, "transitions": 0, "started": 0}
        next_ids = {
            model: (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
            for model in (Assignment, ProgressUpdate, DeadlineChange, ExtensionRequest)
        }
        through = Assignment.coordinating_units.through
        next_ids[through] = (
            through.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        self.ids = next_ids
        directive_deadline: dict[int, tuple[dt.date | None, str]] = {}
        totals = dict.fromkeys(("assignments", "coordinating", "updates", "deadline_changes"), 0)
        totals["extension_requests"] = 0
        for start in range(0, len(picks), o.chunk):
            buffers: dict = {key: [] for key in totals}
            for index in picks[start : start + o.chunk]:
                dir_id, issued, province = infos[index]
                if dir_id not in directive_deadline:
                    directive_deadline[dir_id] = deadline_for(rng, dt.date.fromordinal(issued))
                # Most assignments of a directive share its deadline; some get their own.
                if rng.random() < 0.8:
                    deadline, basis = directive_deadline[dir_id]
                else:
                    deadline, basis = deadline_for(rng, dt.date.fromordinal(issued))
                self.one(dir_id, issued, province, deadline, basis, buffers)
            self._write_chunk(buffers, totals)
            seen = self.seen
            left = len(picks) - seen["assignments"]
            if left and seen["started"]:
                per_left = (o.updates - totals["updates"]) / left
                transitions = seen["transitions"] / seen["assignments"]
                started = seen["started"] / seen["assignments"]
                self.plain_mean = max(0.0, (per_left - transitions) / started)
            self.log(f"  {start + len(picks[start : start + o.chunk]):,} phân công")
        self.report.counts.update(totals)

    def _write_chunk(self, buffers: dict, totals: dict) -> None:
        w = self.writer
        totals["assignments"] += w.write(
            Assignment,
            [
                "id",
                "directive_id",
                "lead_unit_id",
                "contact_person",
                "expected_result",
                "deadline",
                "deadline_basis",
                "original_deadline",
                "extension_count",
                "status",
                "redo",
                "percent",
                "completed_on",
                "reported_done_on",
                "version",
                "last_update_at",
                "created_at",
                "search_title",
                "search_text",
            ],
            [(*row, *_assignment_search(row[4], row[3], row[6])) for row in buffers["assignments"]],
        )
        totals["coordinating"] += w.write(
            Assignment.coordinating_units.through,
            ["id", "assignment_id", "unit_id"],
            buffers["coordinating"],
        )
        totals["updates"] += w.write(
            ProgressUpdate,
            [
                "id",
                "assignment_id",
                "author_id",
                "unit_id",
                "created_at",
                "note",
                "percent",
                "difficulties",
                "proposals",
                "status_before",
                "status_after",
                "done_on",
                "is_sample",
                "coordinating",
                "search_text",
            ],
            [(*row, _progress_search(row[5], row[7], row[8])) for row in buffers["updates"]],
        )
        totals["deadline_changes"] += w.write(
            DeadlineChange,
            [
                "id",
                "assignment_id",
                "kind",
                "old_deadline",
                "new_deadline",
                "new_basis",
                "reason",
                "changed_by_id",
                "changed_at",
            ],
            buffers["deadline_changes"],
        )
        totals["extension_requests"] += w.write(
            ExtensionRequest,
            [
                "id",
                "assignment_id",
                "requested_by_id",
                "requested_at",
                "current_deadline",
                "new_deadline",
                "new_basis",
                "reason",
                "state",
                "decided_by_id",
                "decided_at",
                "decision_note",
            ],
            buffers["extension_requests"],
        )

    def _lead_unit(self, province: dict | None) -> tuple[int, dict]:
        rng = self.rng
        if province is None:  # a central document: provinces and their bodies lead
            province = rng.choice(self.provinces)
            return (province["id"] if rng.random() < 0.5 else rng.choice(province["bodies"])), (
                province
            )
        r = rng.random()
        if r < 0.55 or not (province["districts"] or province["communes"]):
            return rng.choice(province["bodies"]), province
        if r < 0.8 or not province["communes"]:
            return rng.choice(province["districts"]), province
        return rng.choice(province["communes"]), province

    def one(self, dir_id, issued, province, deadline, basis, out) -> None:  # noqa: C901
        """One assignment with its whole history, appended to the row buffers in `out`."""
        rng, ids, today = self.rng, self.ids, self.today
        pk = ids[Assignment]
        ids[Assignment] += 1
        lead, province = self._lead_unit(province)
        author = self.lead_member.get(lead)
        # Coordinating units from the same province.
        n_coord = rng.choices((0, 1, 2, 3), weights=(35, 35, 20, 10))[0]
        for unit in {u for u in rng.sample(province["all"], n_coord) if u != lead}:
            out["coordinating"].append((ids[_THROUGH], pk, unit))
            ids[_THROUGH] += 1

        # Extensions: the lead unit asks before the deadline, the assigner decides.
        original = deadline
        extensions: list[tuple] = []
        if deadline is not None and rng.random() < 0.1:
            earliest = issued + 1
            for _ in range(1 if rng.random() < 0.85 else 2):
                asked = max(earliest, deadline.toordinal() - rng.randrange(1, 15))
                if asked >= today:
                    break
                decided = min(today, asked + rng.randrange(1, 8))
                earliest = decided + 1
                new = deadline + dt.timedelta(days=rng.randrange(15, 90))
                approved = rng.random() < 0.7
                extensions.append((asked, decided, deadline, new, approved))
                if approved:
                    deadline = new
        d_ord = deadline.toordinal() if deadline is not None else None
        d_iso = self.iso(d_ord) if d_ord is not None else None
        o_iso = self.iso(original.toordinal()) if original is not None else None

        # The workflow status today, from how the deadline stands.
        age = today - issued
        r = rng.random()
        if d_ord is not None and d_ord < today:
            status = (
                DN if r < 0.8 else IP if r < 0.9 else AW if r < 0.94 else NS if r < 0.97 else SU
            )
        elif age < 14:
            status = NS if r < 0.6 else IP
        else:
            status = (
                DN if r < 0.25 else IP if r < 0.7 else NS if r < 0.9 else AW if r < 0.97 else SU
            )
        redo = False
        refused_once = status in (DN, IP) and rng.random() < 0.05

        # The day of the final "report done" (for done and awaiting sign-off).
        report_day = confirm_day = None
        if status == DN:
            lo = min(issued + 1, today)
            if d_ord is not None and rng.random() < 0.2 and d_ord < today:
                report_day = rng.randint(d_ord + 1, min(today, d_ord + 60))  # late
            else:
                hi = min(today, d_ord) if d_ord is not None else today
                report_day = rng.randint(lo, max(lo, hi))
            confirm_day = min(today, report_day + rng.randrange(0, 6))
        elif status == AW:
            report_day = rng.randint(max(issued, today - 20), today)
        start_day = min(issued + rng.randrange(0, 11), report_day or today, today)

        # The sequence of history rows: plain updates (None) and transitions.
        steps: list[str | None] = []
        plain = max(0, int(rng.uniform(0, 2 * self.plain_mean) + 0.5)) if status != NS else 0
        if status != NS:
            steps.append("start")
            if refused_once:
                first = plain // 2
                steps += [None] * first + ["report_done", "refuse"]
                plain -= first
                redo = status == IP
            steps += [None] * plain
            if status in (DN, AW):
                steps.append("report_done")
            if status == DN:
                steps.append("confirm")
            if status == SU:
                steps.append("suspend")
        # Days: plain updates and the steps before the final report spread between start and it.
        end_open = report_day if report_day is not None else today
        n = len(steps)
        days = sorted(rng.randint(start_day, max(start_day, end_open)) for _ in range(n))
        if status in (DN, AW):
            final_report = n - 2 if status == DN else n - 1
            days[final_report] = report_day
            for i in range(final_report):
                days[i] = min(days[i], report_day)
            if status == DN:
                days[-1] = confirm_day
        if status == SU and days:
            days[-1] = max(days[-1], start_day)

        target = {NS: 0, IP: rng.randint(10, 90), AW: 100, DN: 100, SU: rng.randint(5, 70)}[status]
        plain_total = sum(1 for s in steps if s is None)
        percents = sorted(rng.randint(0, target) for _ in range(plain_total))
        if percents and status in (AW, DN):
            percents[-1] = 100 if rng.random() < 0.7 else percents[-1]
        percent = 0
        current = NS
        updates = out["updates"]
        last_stamp = None
        reported = None
        p_index = 0
        for seq, (step, day) in enumerate(zip(steps, days, strict=True), start=1):
            stamp = self.stamp(day, seq)
            if step is None:
                percent = percents[p_index]
                p_index += 1
                r = rng.random()
                updates.append(
                    (
                        ids[ProgressUpdate],
                        pk,
                        author,
                        lead,
                        stamp,
                        NOTES[int(r * len(NOTES))],
                        percent,
                        DIFFICULTIES[int(r * 20) % 4] if r < 0.2 else "",
                        PROPOSALS[int(r * 30) % 3] if r < 0.15 else "",
                        "",
                        "",
                        None,
                        False,
                        False,  # every generated report is the lead unit's (author, lead)
                    )
                )
            else:
                after = TRANSITION_TARGETS[step]
                if step == "report_done":
                    reported = day
                if step == "confirm":
                    percent = 100
                updates.append(
                    (
                        ids[ProgressUpdate],
                        pk,
                        author if step in ("start", "report_done") else None,
                        lead if step in ("start", "report_done") else None,
                        stamp,
                        ACTION_NOTES[step],
                        percent,
                        "",
                        "",
                        current,
                        after,
                        # The reported day, on the report and on its confirmation (as_of).
                        self.iso(reported) if step in ("report_done", "confirm") else None,
                        False,
                        False,
                    )
                )
                current = after
            ids[ProgressUpdate] += 1
            last_stamp = stamp
        assert current == status, (current, status)
        self.seen["assignments"] += 1
        self.seen["transitions"] += len(steps) - plain_total
        self.seen["started"] += status != NS

        # Deadline history: the initial deadline, then each approved extension.
        created = self.stamp(issued, 0)
        changes = out["deadline_changes"]
        if original is not None or basis:
            changes.append(
                (
                    ids[DeadlineChange],
                    pk,
                    DeadlineChange.Kind.INITIAL.value,
                    None,
                    o_iso,
                    basis,
                    "",
                    None,
                    created,
                )
            )
            ids[DeadlineChange] += 1
        extension_count = 0
        for asked, decided, old, new, approved in extensions:
            reason = "Khối lượng công việc lớn, cần thêm thời gian phối hợp."
            out["extension_requests"].append(
                (
                    ids[ExtensionRequest],
                    pk,
                    author,
                    self.stamp(asked, 45),
                    self.iso(old.toordinal()),
                    self.iso(new.toordinal()),
                    f"Gia hạn đến {new:%d/%m/%Y}",
                    reason,
                    "approved" if approved else "refused",
                    None,
                    self.stamp(decided, 46),
                    "" if approved else "Không đồng ý gia hạn; đề nghị tập trung hoàn thành.",
                )
            )
            ids[ExtensionRequest] += 1
            if approved:
                extension_count += 1
                changes.append(
                    (
                        ids[DeadlineChange],
                        pk,
                        DeadlineChange.Kind.EXTENSION.value,
                        self.iso(old.toordinal()),
                        self.iso(new.toordinal()),
                        f"Gia hạn đến {new:%d/%m/%Y}",
                        reason,
                        None,
                        self.stamp(decided, 47),
                    )
                )
                ids[DeadlineChange] += 1
        if status not in (DN, SU) and deadline is not None and rng.random() < 0.02:
            # A pending request: the unit asked, nobody has decided yet.
            new = deadline + dt.timedelta(days=30)
            out["extension_requests"].append(
                (
                    ids[ExtensionRequest],
                    pk,
                    author,
                    self.stamp(today, 48),
                    d_iso,
                    self.iso(new.toordinal()),
                    f"Gia hạn đến {new:%d/%m/%Y}",
                    "Chờ ý kiến của các đơn vị phối hợp.",
                    "pending",
                    None,
                    None,
                    "",
                )
            )
            ids[ExtensionRequest] += 1

        out["assignments"].append(
            (
                pk,
                dir_id,
                lead,
                f"Đ/c {rng.choice(SIGNERS)}",
                rng.choice(RESULTS),
                d_iso,
                basis if extension_count == 0 else f"Gia hạn đến {deadline:%d/%m/%Y}",
                o_iso,
                extension_count,
                status,
                redo,
                percent,
                self.iso(reported) if status == DN else None,
                self.iso(reported) if reported is not None else None,
                1 + len(steps) + len(extensions) + (1 if original is not None else 0),
                last_stamp,
                created,
            )
        )

    # -- after the bulk load -----------------------------------------------------------------------

    def cascade(self) -> None:
        """Sub-assignments two levels down (directives.cascade.loadgen)."""
        from directives.cascade import loadgen as cascade_loadgen

        self.report.counts.update(cascade_loadgen.generate(self))

    def periodic(self) -> None:
        """Reporting obligations and their slots (directives.periodic.loadgen)."""
        from directives.periodic import loadgen as periodic_loadgen

        count = self.o.obligations
        if count is None:
            count = periodic_loadgen.default_count(self.o.assignments)
        if count:
            self.report.counts.update(periodic_loadgen.generate(self, count))

    def finish(self) -> None:
        models = domain_models() + [get_user_model()]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        self.report.counts["tally_rows"] = aggregates.rebuild()
        if connection.in_atomic_block:
            return  # statistics need their own transaction (only tests run inside one)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for model in domain_models():
                    cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
            else:
                cursor.execute("ANALYZE")


# The coordinating-units through model, keyed in Generator.ids.
_THROUGH = Assignment.coordinating_units.through
