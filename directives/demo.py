"""Demo data (domain.md §5): the Cà Mau unit tree, the founding document's five tasks assigned to
their units, an illustrative progress history with its real dates, and the demo accounts.

Everything is looked up by natural key before it is created, so seeding twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from directives import actions
from directives.importers.conclusion import parse_conclusion
from directives.models import (
    Action,
    Actor,
    Assignment,
    DeadlineChange,
    Event,
    Membership,
    Role,
    Unit,
    UnitKind,
)

FOUNDING_DOCUMENT = Path(__file__).parent / "data" / "ket-luan-hoi-nghi-can-bo-2020-11-17.txt"
DEMO_PASSWORD = "demo12345"  # noqa: S105 - published demo accounts, refused when debug is off
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

ROOT = "Tỉnh Cà Mau"
DISTRICTS = [
    ("Thành ủy Cà Mau", "TU Cà Mau", "UBND thành phố Cà Mau"),
    ("Huyện ủy Thới Bình", "HU Thới Bình", "UBND huyện Thới Bình"),
    ("Huyện ủy U Minh", "HU U Minh", "UBND huyện U Minh"),
    ("Huyện ủy Trần Văn Thời", "HU Trần Văn Thời", "UBND huyện Trần Văn Thời"),
    ("Huyện ủy Cái Nước", "HU Cái Nước", "UBND huyện Cái Nước"),
    ("Huyện ủy Phú Tân", "HU Phú Tân", "UBND huyện Phú Tân"),
    ("Huyện ủy Đầm Dơi", "HU Đầm Dơi", "UBND huyện Đầm Dơi"),
    ("Huyện ủy Năm Căn", "HU Năm Căn", "UBND huyện Năm Căn"),
    ("Huyện ủy Ngọc Hiển", "HU Ngọc Hiển", "UBND huyện Ngọc Hiển"),
]
OTHER_PARTY_COMMITTEES = [
    "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh",
    "Đảng ủy Quân sự tỉnh",
    "Đảng ủy Công an tỉnh",
    "Đảng ủy Bộ đội Biên phòng tỉnh",
]
# (name, short name, kind, parent name, aliases)
UNITS: list[tuple[str, str, str, str | None, str]] = [
    (ROOT, "Tỉnh ủy Cà Mau", UnitKind.PROVINCE, None, "Ban Thường vụ Tỉnh ủy\nTỉnh ủy"),
    ("Văn phòng Tỉnh ủy", "VPTU", UnitKind.PARTY_BOARD, ROOT, ""),
    ("Ban Tổ chức Tỉnh ủy", "BTCTU", UnitKind.PARTY_BOARD, ROOT, ""),
    ("Ban Tuyên giáo Tỉnh ủy", "BTGTU", UnitKind.PARTY_BOARD, ROOT, ""),
    ("Ban Dân vận Tỉnh ủy", "BDVTU", UnitKind.PARTY_BOARD, ROOT, ""),
    ("Ủy ban Kiểm tra Tỉnh ủy", "UBKTTU", UnitKind.PARTY_BOARD, ROOT, ""),
    ("Ban Nội chính Tỉnh ủy", "BNCTU", UnitKind.PARTY_BOARD, ROOT, ""),
    ("Hội đồng nhân dân tỉnh", "HĐND tỉnh", UnitKind.COUNCIL, ROOT, ""),
    ("Đảng đoàn HĐND tỉnh", "ĐĐ HĐND", UnitKind.PARTY_GROUP, "Hội đồng nhân dân tỉnh", ""),
    ("Ủy ban nhân dân tỉnh", "UBND tỉnh", UnitKind.COMMITTEE, ROOT, ""),
    ("Ban cán sự đảng UBND tỉnh", "BCSĐ UBND", UnitKind.PARTY_GROUP, "Ủy ban nhân dân tỉnh", ""),
    (
        "Sở Lao động - Thương binh và Xã hội",
        "Sở LĐ-TB&XH",
        UnitKind.DEPARTMENT,
        "Ủy ban nhân dân tỉnh",
        "Sở LĐTBXH",
    ),
    ("Sở Kế hoạch và Đầu tư", "Sở KH&ĐT", UnitKind.DEPARTMENT, "Ủy ban nhân dân tỉnh", ""),
    ("Sở Thông tin và Truyền thông", "Sở TT&TT", UnitKind.DEPARTMENT, "Ủy ban nhân dân tỉnh", ""),
    ("Sở Tài chính", "STC", UnitKind.DEPARTMENT, "Ủy ban nhân dân tỉnh", ""),
    ("Sở Y tế", "SYT", UnitKind.DEPARTMENT, "Ủy ban nhân dân tỉnh", ""),
    ("Công an tỉnh", "CA tỉnh", UnitKind.AGENCY, "Ủy ban nhân dân tỉnh", ""),
    ("Báo Cà Mau", "Báo CM", UnitKind.AGENCY, ROOT, ""),
    ("Đài Phát thanh - Truyền hình Cà Mau", "Đài PT-TH Cà Mau", UnitKind.AGENCY, ROOT, ""),
    (
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        "Ủy ban MTTQ tỉnh",
        UnitKind.MASS_ORG,
        ROOT,
        "MTTQ tỉnh",
    ),
    ("Liên đoàn Lao động tỉnh", "LĐLĐ tỉnh", UnitKind.MASS_ORG, ROOT, ""),
    ("Hội Chữ thập đỏ tỉnh", "Hội CTĐ tỉnh", UnitKind.MASS_ORG, ROOT, ""),
    ("Tỉnh đoàn Cà Mau", "Tỉnh đoàn", UnitKind.MASS_ORG, ROOT, ""),
    ("Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN tỉnh", UnitKind.MASS_ORG, ROOT, ""),
]

DIRECTIVE_TITLES = {
    "1": "Kế hoạch nghiên cứu, học tập, quán triệt Nghị quyết Đại hội",
    "2": "Quy chế làm việc, chương trình toàn khóa, chương trình kiểm tra giám sát, "
    "nghị quyết chuyên đề",
    "3": "Thông tin tuyên truyền, định hướng dư luận, đấu tranh phản bác thông tin xuyên tạc",
    "4": "Tổng kết Nghị quyết 2020, xây dựng Nghị quyết 2021; kỳ họp HĐND cuối năm; "
    "chỉ tiêu KT-XH 2021",
    "5": "Chăm lo an sinh xã hội dịp Tết Dương lịch 2021 và Tết Nguyên đán Tân Sửu",
}

URGENT = "Khẩn trương (văn bản không nêu ngày) — 31/12/2020, do Văn phòng Tỉnh ủy ấn định"
EARLY_2021 = "Ngay từ đầu năm (văn bản không nêu ngày) — 15/01/2021, do Văn phòng Tỉnh ủy ấn định"
TET_DL = "Trước Tết Dương lịch 2021"
TET_TAN_SUU = "Trước Tết Nguyên đán Tân Sửu"
CONGRESS = "Trước Đại hội đại biểu toàn quốc lần thứ XIII của Đảng"
ELECTION = "Trước ngày bầu cử đại biểu Quốc hội khóa XV và HĐND các cấp"

D = dt.date
EVENTS = [
    ("Đại hội đại biểu Đảng bộ tỉnh Cà Mau lần thứ XVI", D(2020, 10, 26), D(2020, 10, 28)),
    ("Đại hội đại biểu toàn quốc lần thứ XIII của Đảng", D(2021, 1, 25), D(2021, 2, 1)),
    ("Bầu cử đại biểu Quốc hội khóa XV và HĐND các cấp nhiệm kỳ 2021 - 2026", D(2021, 5, 23), None),
]

USERS = [
    # username, full name, unit, role, is Django staff
    ("admin", ("Quản", "trị viên"), ROOT, None, True),
    ("lanhdao", ("Lãnh đạo", "Văn phòng Tỉnh ủy"), ROOT, Role.LEADER, False),
    ("kiemtra", ("Kiểm tra", "viên"), "Ủy ban Kiểm tra Tỉnh ủy", Role.INSPECTOR, False),
    ("tuyengiao", ("Cán bộ", "Ban Tuyên giáo"), "Ban Tuyên giáo Tỉnh ủy", Role.STAFF, False),
    (
        "laodong",
        ("Cán bộ", "Sở LĐ-TB&XH"),
        "Sở Lao động - Thương binh và Xã hội",
        Role.STAFF,
        False,
    ),
    ("namcan", ("Cán bộ", "Huyện ủy Năm Căn"), "Huyện ủy Năm Căn", Role.STAFF, False),
    # Receives the periodic reports of the district-level committees (issue 18).
    ("vanphong", ("Cán bộ", "Văn phòng Tỉnh ủy"), "Văn phòng Tỉnh ủy", Role.STAFF, False),
]


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def _unit(name: str, short: str, kind: str, parent: Unit | None, aliases: str = "") -> Unit:
    unit = Unit.objects.filter(name=name).first()
    if unit is None:
        unit = Unit(name=name, short_name=short, kind=kind, parent=parent, aliases=aliases)
        unit.save()
    return unit


def build_units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for name, short, kind, parent, aliases in UNITS:
        units[name] = _unit(name, short, kind, units.get(parent) if parent else None, aliases)
    root = units[ROOT]
    for party, short, committee in DISTRICTS:
        units[party] = _unit(party, short, UnitKind.PARTY_COMMITTEE, root)
        units[committee] = _unit(
            committee, committee.replace("UBND ", "UBND "), UnitKind.DISTRICT, units[party]
        )
    for party in OTHER_PARTY_COMMITTEES:
        units[party] = _unit(party, "", UnitKind.PARTY_COMMITTEE, root)
    return units


def party_committees() -> list[str]:
    return [p for p, _, _ in DISTRICTS] + OTHER_PARTY_COMMITTEES


# The evaluations of the sample sign-offs: quality 1–5 and the leader's comment.
SAMPLE_EVALUATIONS = [
    (4, "Đạt yêu cầu"),
    (5, "Hoàn thành tốt, đúng tiến độ"),
    (4, "Đạt yêu cầu"),
    (3, "Cần bổ sung số liệu chi tiết"),
]


class Seeder:
    def __init__(self) -> None:
        self.units = build_units()
        for name, start, end in EVENTS:
            Event.objects.get_or_create(name=name, defaults={"date": start, "end_date": end})
        parsed = parse_conclusion(FOUNDING_DOCUMENT.read_text(encoding="utf-8"))
        parsed.subject = "Kết luận của đồng chí Bí thư Tỉnh ủy tại Hội nghị cán bộ ngày 17/11/2020"
        parsed.issuer = "Ban Thường vụ Tỉnh ủy Cà Mau"
        self.document, created = actions.import_document(parsed, issuing_unit=self.units[ROOT])
        self.directives = {d.number: d for d in self.document.directives.all()}
        if created:
            for number, title in DIRECTIVE_TITLES.items():
                self.directives[number].title = title
                self.directives[number].save(update_fields=["title"])

    def assign(self, number, lead, coordinating, deadline, basis, result="", history=()):
        directive = self.directives[number]
        unit = self.units[lead]
        if Assignment.objects.filter(
            directive=directive, lead_unit=unit, deadline_basis=basis
        ).exists():
            return
        assignment = Assignment.objects.create(
            directive=directive, lead_unit=unit, expected_result=result
        )
        assignment.coordinating_units.set([self.units[name] for name in coordinating])
        actions.set_deadline(
            assignment,
            deadline=deadline,
            basis=basis,
            kind=DeadlineChange.Kind.INITIAL,
            at=at(D(2020, 11, 18), 8),
        )
        for step in history:
            self._apply(assignment, *step)

    def _apply(self, assignment: Assignment, day: dt.date, what, note: str, unit="") -> None:
        """One step of a history; a percent with a `unit` is that coordinating unit's own
        report of its part (it leaves the lead's percent as it is)."""
        moment = at(day, 10)
        if isinstance(what, int):
            actions.record_progress(
                assignment,
                user=None,
                note=note,
                percent=what,
                at=moment,
                is_sample=True,
                trusted=True,
                unit=self.units[unit] if unit else None,
                coordinating=bool(unit),
            )
            return
        actor = Actor.ASSIGNER if what in (Action.CONFIRM, Action.REFUSE) else Actor.LEAD
        # Every sample sign-off carries the leader's evaluation (issue 17), varied by row.
        quality, comment = (
            SAMPLE_EVALUATIONS[assignment.pk % len(SAMPLE_EVALUATIONS)]
            if what == Action.CONFIRM
            else (None, "")
        )
        # The sample history's sign-offs were the leader's deliberate choice, whatever the percent.
        actions.transition(
            assignment,
            what,
            user=None,
            note=note,
            at=moment,
            is_sample=True,
            acting_as=actor,
            confirm_below=True,
            quality=quality,
            quality_comment=comment,
        )

    def run(self) -> None:
        tg, vp = "Ban Tuyên giáo Tỉnh ủy", "Văn phòng Tỉnh ủy"
        s, c, r = Action.START, Action.CONFIRM, Action.REPORT_DONE
        done_by = lambda end: [  # noqa: E731 - a compact history for the many party committees
            (D(2020, 11, 23), s, "Giao bộ phận tham mưu xây dựng dự thảo."),
            (D(2020, 12, 10), 60, "Đã có dự thảo, đang lấy ý kiến (dữ liệu mẫu)."),
            (end, r, "Đã ban hành, gửi văn bản về Văn phòng Tỉnh ủy (dữ liệu mẫu)."),
            (end + dt.timedelta(days=3), c, "Xác nhận hoàn thành (dữ liệu mẫu)."),
        ]
        self.assign(
            "1",
            tg,
            ["Ban Dân vận Tỉnh ủy", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"],
            D(2020, 12, 31),
            URGENT,
            "Kế hoạch nghiên cứu, học tập, quán triệt Nghị quyết Đại hội của tỉnh",
            done_by(D(2020, 12, 24)),
        )
        for i, party in enumerate(party_committees()):
            # Most finish on time; Năm Căn and two others are late or still open (sample data).
            history = done_by(D(2020, 12, 18) + dt.timedelta(days=i))
            if party == "Huyện ủy Năm Căn":
                history = [
                    (D(2020, 11, 25), s, "Bắt đầu xây dựng kế hoạch (dữ liệu mẫu)."),
                    (
                        D(2020, 12, 15),
                        50,
                        "Đã cử cán bộ hướng dẫn Huyện ủy xây dựng kế hoạch (dữ liệu mẫu).",
                        tg,
                    ),
                    (D(2020, 12, 28), 70, "Đang hoàn chỉnh dự thảo kế hoạch (dữ liệu mẫu)."),
                ]
            elif party in ("Huyện ủy Ngọc Hiển", "Đảng ủy Bộ đội Biên phòng tỉnh"):
                history = history[:2]
            self.assign(
                "1",
                party,
                ["Ban Tuyên giáo Tỉnh ủy"],
                D(2020, 12, 31),
                URGENT,
                "Kế hoạch của đảng bộ",
                history,
            )
        self.assign(
            "2",
            vp,
            ["Ban Tổ chức Tỉnh ủy"],
            D(2020, 12, 31),
            URGENT,
            "Quy chế làm việc và chương trình làm việc toàn khóa",
            done_by(D(2020, 12, 29)),
        )
        self.assign(
            "2",
            "Ủy ban Kiểm tra Tỉnh ủy",
            ["Ban Tổ chức Tỉnh ủy"],
            D(2020, 12, 31),
            URGENT,
            "Chương trình kiểm tra, giám sát toàn khóa",
            done_by(D(2021, 1, 6)),
        )
        self.assign(
            "2",
            "Huyện ủy Năm Căn",
            ["Ban Tổ chức Tỉnh ủy"],
            D(2020, 12, 31),
            URGENT,
            "Quy chế làm việc của Huyện ủy",
            [(D(2020, 12, 2), s, "Đang xây dựng quy chế (dữ liệu mẫu).")],
        )
        media = [
            "Sở Thông tin và Truyền thông",
            "Báo Cà Mau",
            "Đài Phát thanh - Truyền hình Cà Mau",
            "Công an tỉnh",
        ]
        self.assign(
            "3",
            tg,
            media,
            D(2021, 1, 24),
            CONGRESS,
            "Kế hoạch và chuyên mục tuyên truyền Đại hội XIII",
            [
                (D(2020, 11, 20), s, "Triển khai kế hoạch tuyên truyền (dữ liệu mẫu)."),
                (D(2021, 1, 10), 80, "Đã mở chuyên mục trên Báo, Đài (dữ liệu mẫu)."),
                # Sở TT&TT reports its own part; Báo Cà Mau, the Đài and Công an tỉnh never do.
                (
                    D(2021, 1, 12),
                    60,
                    "Đã chỉ đạo các trang thông tin điện tử đăng tin về Đại hội (dữ liệu mẫu).",
                    "Sở Thông tin và Truyền thông",
                ),
                (D(2021, 1, 22), r, "Hoàn thành đợt tuyên truyền (dữ liệu mẫu)."),
                (D(2021, 1, 26), c, "Xác nhận hoàn thành (dữ liệu mẫu)."),
            ],
        )
        self.assign(
            "3",
            tg,
            media,
            D(2021, 5, 22),
            ELECTION,
            "Tuyên truyền bầu cử đại biểu Quốc hội và HĐND các cấp",
            [
                (D(2021, 2, 20), s, "Bắt đầu đợt tuyên truyền bầu cử (dữ liệu mẫu)."),
                (D(2021, 5, 10), 90, "Đã tuyên truyền rộng khắp (dữ liệu mẫu)."),
                (D(2021, 5, 21), r, "Báo cáo kết quả tuyên truyền (dữ liệu mẫu)."),
            ],
        )
        districts = [p for p, _, _ in DISTRICTS]
        self.assign(
            "4",
            vp,
            ["Sở Kế hoạch và Đầu tư", *districts],
            D(2020, 12, 31),
            URGENT,
            "Nghị quyết về phương hướng, nhiệm vụ năm 2021",
            done_by(D(2020, 12, 22)),
        )
        self.assign(
            "4",
            "Đảng đoàn HĐND tỉnh",
            ["Sở Kế hoạch và Đầu tư"],
            D(2020, 12, 31),
            "Trước ngày 31/12/2020",
            "Kỳ họp cuối năm 2020 của HĐND tỉnh",
            done_by(D(2020, 12, 11)),
        )
        self.assign(
            "4",
            "Ban cán sự đảng UBND tỉnh",
            ["Sở Kế hoạch và Đầu tư", *districts],
            D(2021, 1, 15),
            EARLY_2021,
            "Chỉ tiêu, nhiệm vụ KT-XH năm 2021",
            [
                (D(2020, 12, 15), s, "Đang tổng hợp chỉ tiêu (dữ liệu mẫu)."),
                (D(2021, 1, 12), 85, "Dự thảo quyết định giao chỉ tiêu (dữ liệu mẫu)."),
            ],
        )
        welfare = [
            "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
            "Liên đoàn Lao động tỉnh",
            "Hội Chữ thập đỏ tỉnh",
            *[c for _, _, c in DISTRICTS],
        ]
        ld = "Sở Lao động - Thương binh và Xã hội"
        self.assign(
            "5",
            ld,
            welfare,
            D(2020, 12, 31),
            TET_DL,
            "Thăm, tặng quà gia đình chính sách dịp Tết Dương lịch",
            [
                (D(2020, 12, 1), s, "Lập danh sách đối tượng (dữ liệu mẫu)."),
                (D(2020, 12, 30), r, "Đã thăm, tặng quà (dữ liệu mẫu)."),
                (D(2021, 1, 4), c, "Xác nhận hoàn thành (dữ liệu mẫu)."),
            ],
        )
        self.assign(
            "5",
            ld,
            welfare,
            D(2021, 2, 9),
            TET_TAN_SUU,
            "Thăm, tặng quà Tết Nguyên đán Tân Sửu",
            [
                (D(2021, 1, 5), s, "Trình UBND tỉnh kế hoạch quà Tết (dữ liệu mẫu)."),
                (D(2021, 1, 28), 60, "Đã chi 60% quà Tết (dữ liệu mẫu)."),
            ],
        )
        self.assign(
            "5",
            "Ban cán sự đảng UBND tỉnh",
            [ld, *welfare],
            D(2021, 2, 9),
            TET_TAN_SUU,
            "Chỉ đạo bảo đảm an sinh xã hội dịp Tết",
            [
                (D(2020, 12, 20), s, "Ban hành công văn chỉ đạo (dữ liệu mẫu)."),
                (D(2021, 2, 8), r, "Đã chỉ đạo và kiểm tra (dữ liệu mẫu)."),
                (D(2021, 2, 9), c, "Xác nhận hoàn thành (dữ liệu mẫu)."),
            ],
        )

    def explanations(self) -> None:
        """Two requests for explanation (issue 17): the province asks Ban cán sự đảng UBND tỉnh
        why the 2021 targets are overdue, still unanswered (late); and Sở Lao động - Thương binh
        và Xã hội about the Tết gifts, answered before its reply-by day."""
        late = Assignment.objects.filter(
            lead_unit=self.units["Ban cán sự đảng UBND tỉnh"],
            deadline_basis=EARLY_2021,
        ).first()
        answered = Assignment.objects.filter(
            lead_unit=self.units["Sở Lao động - Thương binh và Xã hội"],
            deadline=D(2021, 2, 9),
        ).first()
        if late is not None and not late.explanations.exists():
            actions.request_explanation(
                late,
                user=None,
                trusted=True,
                question=(
                    "Đề nghị giải trình lý do chưa trình quyết định giao chỉ tiêu KT-XH năm 2021"
                    " đúng hạn và nêu thời điểm hoàn thành (dữ liệu mẫu)."
                ),
                reply_by=D(2021, 1, 25),
                basis="5 ngày làm việc kể từ 18/01/2021",
                at=at(D(2021, 1, 18), 8),
            )
        if answered is not None and not answered.explanations.exists():
            explanation = actions.request_explanation(
                answered,
                user=None,
                trusted=True,
                question=(
                    "Đề nghị giải trình vì sao mới chi 60% quà Tết khi sắp đến Tết Nguyên đán"
                    " (dữ liệu mẫu)."
                ),
                reply_by=D(2021, 2, 5),
                basis="Trước ngày 05/02/2021",
                at=at(D(2021, 2, 1), 8),
            )
            actions.answer_explanation(
                explanation,
                user=None,
                trusted=True,
                answer=(
                    "Nguồn vận động xã hội hóa về chậm; Sở đã chi đủ quà của ngân sách và sẽ"
                    " hoàn thành trước ngày 08/02/2021 (dữ liệu mẫu)."
                ),
                at=at(D(2021, 2, 3), 15),
            )

    def users(self) -> None:
        User = get_user_model()
        # One hash for every demo account (they share the published password): hashing costs
        # about 0.4 s, and the demo is seeded by `make run` and by many tests.
        password = None
        for username, (first, last), unit_name, role, is_admin in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    is_staff=is_admin,
                    is_superuser=is_admin,
                )
                password = password or make_password(DEMO_PASSWORD)
                user.password = password
                user.save()
            if role is not None:
                Membership.objects.get_or_create(
                    user=user, defaults={"unit": self.units[unit_name], "role": role}
                )


# Two more documents, so the leaders' overview (issue 14) has several to add up: one of the
# Provincial People's Committee, one of a district Party committee. Their numbers, texts and
# histories are illustrative sample data, not the province's real documents.
# (number, subject, issuer, issuing unit, issue date, [(directive number, title,
#   [(lead unit, coordinating units, deadline, basis, expected result, history)])])
OTHER_DOCUMENTS = [
    (
        "15/KH-UBND",
        "Kế hoạch thực hiện các chỉ tiêu phát triển kinh tế - xã hội năm 2021 (dữ liệu mẫu)",
        "Ủy ban nhân dân tỉnh Cà Mau",
        "Ủy ban nhân dân tỉnh",
        D(2021, 1, 20),
        [
            (
                "1",
                "Giao chỉ tiêu kế hoạch năm 2021 cho các sở, ngành, huyện",
                [
                    (
                        "Sở Kế hoạch và Đầu tư",
                        ["Sở Tài chính"],
                        D(2021, 2, 5),
                        "Trong 15 ngày kể từ ngày ban hành",
                        "Quyết định giao chỉ tiêu",
                        "on_time",
                    ),
                ],
            ),
            (
                "2",
                "Phân bổ dự toán ngân sách năm 2021",
                [
                    (
                        "Sở Tài chính",
                        ["Sở Kế hoạch và Đầu tư"],
                        D(2021, 2, 26),
                        "Trước ngày 28/02/2021",
                        "Báo cáo phân bổ dự toán",
                        "late",
                    ),
                ],
            ),
            (
                "3",
                "Chuyển đổi số trong cơ quan nhà nước",
                [
                    (
                        "Sở Thông tin và Truyền thông",
                        ["Sở Kế hoạch và Đầu tư", "Công an tỉnh"],
                        D(2021, 3, 31),
                        "Trong quý I năm 2021",
                        "Kế hoạch chuyển đổi số năm 2021",
                        "open",
                    ),
                ],
            ),
            (
                "4",
                "Chăm sóc sức khỏe nhân dân, phòng, chống dịch bệnh",
                [
                    (
                        "Sở Y tế",
                        ["UBND huyện Năm Căn", "UBND huyện Ngọc Hiển"],
                        D(2021, 6, 30),
                        "Trong 6 tháng đầu năm 2021",
                        "Báo cáo kết quả phòng, chống dịch",
                        "started",
                    ),
                    (
                        "UBND huyện Năm Căn",
                        ["Sở Y tế"],
                        D(2021, 2, 10),
                        "Trước Tết Nguyên đán Tân Sửu",
                        "Phương án phòng, chống dịch dịp Tết",
                        "open",
                    ),
                ],
            ),
        ],
    ),
    (
        "05-KL/HU",
        "Kết luận của Ban Thường vụ Huyện ủy Năm Căn về nhiệm vụ trọng tâm quý I năm 2021 "
        "(dữ liệu mẫu)",
        "Ban Thường vụ Huyện ủy Năm Căn",
        "Huyện ủy Năm Căn",
        D(2021, 1, 8),
        [
            (
                "1",
                "Quán triệt Nghị quyết Đại hội Đảng bộ huyện",
                [
                    (
                        "UBND huyện Năm Căn",
                        [],
                        D(2021, 1, 29),
                        "Trước ngày 30/01/2021",
                        "Hội nghị quán triệt",
                        "on_time",
                    ),
                ],
            ),
            (
                "2",
                "Bảo đảm an sinh xã hội dịp Tết Nguyên đán Tân Sửu trên địa bàn huyện",
                [
                    (
                        "UBND huyện Năm Căn",
                        ["Huyện ủy Năm Căn"],
                        D(2021, 2, 9),
                        TET_TAN_SUU,
                        "Báo cáo chăm lo Tết",
                        "awaiting",
                    ),
                ],
            ),
            (
                "3",
                "Sơ kết công tác quý I năm 2021",
                [
                    (
                        "UBND huyện Năm Căn",
                        [],
                        D(2021, 3, 31),
                        "Trước ngày 31/03/2021",
                        "Báo cáo sơ kết quý I",
                        "open",
                    ),
                ],
            ),
        ],
    ),
]


def _sample_history(kind: str, issued: dt.date, deadline: dt.date) -> list:
    """A short illustrative history ending as `kind` says."""
    s, r, c = Action.START, Action.REPORT_DONE, Action.CONFIRM
    begun = issued + dt.timedelta(days=3)
    if kind == "open":
        return []
    history = [
        (begun, s, "Bắt đầu triển khai (dữ liệu mẫu)."),
        (begun + dt.timedelta(days=7), 40, "Đang thực hiện (dữ liệu mẫu)."),
    ]
    if kind == "started":
        return history
    done = deadline - dt.timedelta(days=1) if kind != "late" else deadline + dt.timedelta(days=6)
    history.append((done, r, "Đã hoàn thành, gửi báo cáo (dữ liệu mẫu)."))
    if kind == "awaiting":
        return history
    history.append((done + dt.timedelta(days=1), c, "Xác nhận hoàn thành (dữ liệu mẫu)."))
    return history


def seed_other_documents(seeder: Seeder) -> list:
    """The second and third demo documents with their assignments and history (once)."""
    from directives.models import Directive, Document

    documents = []
    for number, subject, issuer, unit_name, issued, items in OTHER_DOCUMENTS:
        document, created = Document.objects.get_or_create(
            number=number,
            issuing_unit=seeder.units[unit_name],
            defaults={
                "subject": subject,
                "issuer": issuer,
                "issue_date": issued,
                "source_text": subject,
            },
        )
        documents.append(document)
        if not created:
            continue
        for position, (directive_number, title, assignments) in enumerate(items, start=1):
            directive = Directive.objects.create(
                document=document,
                number=directive_number,
                position=position,
                title=title,
                text=title + " (dữ liệu mẫu).",
            )
            for lead, coordinating, deadline, basis, result, kind in assignments:
                assignment = Assignment.objects.create(
                    directive=directive, lead_unit=seeder.units[lead], expected_result=result
                )
                assignment.coordinating_units.set([seeder.units[name] for name in coordinating])
                actions.set_deadline(
                    assignment,
                    deadline=deadline,
                    basis=basis,
                    kind=DeadlineChange.Kind.INITIAL,
                    at=at(issued, 8),
                )
                for step in _sample_history(kind, issued, deadline):
                    seeder._apply(assignment, *step)
    return documents


# The chain of assignment (issue 17): Huyện ủy Năm Căn leads the district's share of task 5 and
# hands it to two communes and its own Ban Tuyên giáo; Đất Mới is late. Sample data.
CASCADE_LEAD = "Huyện ủy Năm Căn"
CASCADE_RESULT = "Chăm lo Tết cho gia đình chính sách, hộ nghèo trên địa bàn huyện"
# (unit, short name, kind, part, deadline, history)
CASCADE_PARTS = [
    (
        "Đảng ủy xã Hàm Rồng",
        "ĐU Hàm Rồng",
        UnitKind.PARTY_COMMITTEE,
        "Thăm, tặng quà hộ nghèo, gia đình chính sách xã Hàm Rồng",
        D(2021, 2, 5),
        [
            (D(2020, 12, 28), Action.START, "Lập danh sách hộ được tặng quà (dữ liệu mẫu)."),
            (D(2021, 2, 3), Action.REPORT_DONE, "Đã trao 120 phần quà (dữ liệu mẫu)."),
            (D(2021, 2, 4), Action.CONFIRM, "Xác nhận hoàn thành (dữ liệu mẫu)."),
        ],
    ),
    (
        "Đảng ủy xã Đất Mới",
        "ĐU Đất Mới",
        UnitKind.PARTY_COMMITTEE,
        "Thăm, tặng quà hộ nghèo, gia đình chính sách xã Đất Mới",
        D(2021, 2, 5),
        [
            (D(2021, 1, 4), Action.START, "Đang rà soát danh sách (dữ liệu mẫu)."),
            (D(2021, 1, 25), 50, "Đã trao một nửa số quà; thiếu kinh phí (dữ liệu mẫu)."),
        ],
    ),
    (
        "Ban Tuyên giáo Huyện ủy Năm Căn",
        "BTGHU Năm Căn",
        UnitKind.PARTY_BOARD,
        "Tuyên truyền các hoạt động chăm lo Tết trên địa bàn huyện",
        D(2021, 1, 29),
        [
            (D(2020, 12, 24), Action.START, "Mở chuyên mục trên trang tin huyện (dữ liệu mẫu)."),
            (D(2021, 1, 27), Action.REPORT_DONE, "Đã đăng 15 tin, bài (dữ liệu mẫu)."),
            (D(2021, 1, 28), Action.CONFIRM, "Xác nhận hoàn thành (dữ liệu mẫu)."),
        ],
    ),
]


def seed_cascade(seeder: Seeder) -> Assignment:
    """Năm Căn's Tết assignment and its three parts (once); returns the parent."""
    from directives.cascade.actions import split_assignment

    seeder.assign(
        "5",
        CASCADE_LEAD,
        ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"],
        D(2021, 2, 9),
        TET_TAN_SUU,
        CASCADE_RESULT,
        [(D(2020, 12, 21), Action.START, "Họp Ban Thường vụ, phân công phần việc (dữ liệu mẫu).")],
    )
    lead = seeder.units[CASCADE_LEAD]
    parent = Assignment.objects.get(
        directive=seeder.directives["5"], lead_unit=lead, deadline_basis=TET_TAN_SUU
    )
    if parent.children.exists():
        return parent
    for name, short, kind, part, deadline, history in CASCADE_PARTS:
        unit = _unit(name, short, kind, lead)
        child = split_assignment(
            parent,
            user=None,
            expected_result=part,
            deadline=deadline,
            basis=f"Trước ngày {deadline:%d/%m/%Y}",
            lead_unit=unit,
            at=at(D(2020, 12, 22), 8),
            acting=True,
        )
        for step in history:
            seeder._apply(child, *step)
    User = get_user_model()
    if not User.objects.filter(username="lanhdaonamcan").exists():
        user = User(username="lanhdaonamcan", first_name="Lãnh đạo", last_name="Huyện ủy Năm Căn")
        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.create(user=user, unit=lead, role=Role.LEADER)
    return parent


def seed(*, other_documents: bool = False) -> Seeder:
    """Create (or complete) the demo data; safe to run any number of times.

    `other_documents`: also the second and third documents (`make run` has them; the tests'
    demo world is the founding document alone, whose numbers many tests check).
    """
    from directives.periodic.demo import seed_periodic

    with transaction.atomic():
        seeder = Seeder()
        seeder.run()
        if other_documents:
            seed_other_documents(seeder)
            seed_cascade(seeder)
        seeder.users()
        seeder.explanations()
        seed_periodic(seeder)
    return seeder
