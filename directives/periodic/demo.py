"""Demo data of periodic reports: task 1 of the founding document asks the district-level Party
committees to report every quarter ("định kỳ hằng quý báo cáo") to the Văn phòng Tỉnh ủy.

Our choices where the text names none: the due date is the 20th of the quarter's last month,
moved back to the working day before when it falls on a day off (20/12/2020 was a Sunday, so
Q4/2020 is due Friday 18/12/2020); data are counted to the 14th; the obligation runs to the end
of Q1/2021, the span of the demo's history. Q4/2020 shows units on time (some accepted), one
late (Phú Tân), one returned (Đầm Dơi) and one never submitted (Năm Căn). Sample texts are
marked as such.
"""

from __future__ import annotations

import datetime as dt

from directives.models import ReportingObligation, SubmissionState
from directives.periodic import actions, slots

D = dt.date
TITLE = "Báo cáo kết quả nghiên cứu, học tập, quán triệt Nghị quyết Đại hội"
FIGURES = "Số đảng viên được học tập, quán triệt (người)\nSố hội nghị đã tổ chức (hội nghị)"
# unit → (submitted on, what happened after), for Q4/2020; None: never submitted.
Q4_2020 = {
    "Thành ủy Cà Mau": (D(2020, 12, 14), "accept"),
    "Huyện ủy Thới Bình": (D(2020, 12, 16), "accept"),
    "Huyện ủy U Minh": (D(2020, 12, 17), None),
    "Huyện ủy Trần Văn Thời": (D(2020, 12, 15), "accept"),
    "Huyện ủy Cái Nước": (D(2020, 12, 18), None),
    "Huyện ủy Phú Tân": (D(2020, 12, 23), None),  # late: due 18/12
    "Huyện ủy Đầm Dơi": (D(2020, 12, 17), "return"),
    "Huyện ủy Năm Căn": None,
    "Huyện ủy Ngọc Hiển": (D(2020, 12, 11), "accept"),
}


def _at(day: dt.date, hour: int) -> dt.datetime:
    from directives.demo import at

    return at(day, hour)


def seed_periodic(seeder) -> ReportingObligation:
    from directives.demo import DISTRICTS

    directive = seeder.directives["1"]
    obligation = ReportingObligation.objects.filter(directive=directive, title=TITLE).first()
    if obligation is None:
        obligation = ReportingObligation.objects.create(
            document=seeder.document,
            directive=directive,
            title=TITLE,
            content=(
                "Định kỳ hằng quý báo cáo kết quả nghiên cứu, học tập, quán triệt và xây dựng "
                "chương trình hành động thực hiện Nghị quyết Đại hội về Ban Thường vụ Tỉnh ủy "
                "(qua Văn phòng Tỉnh ủy)."
            ),
            frequency="quarterly",
            cutoff_rule="ngày 14 của tháng cuối kỳ",
            due_rule="ngày 20 của tháng cuối kỳ, lùi về ngày làm việc trước",
            receiving_unit=seeder.units["Văn phòng Tỉnh ủy"],
            figures=FIGURES,
            starts_on=D(2020, 11, 17),
            ends_on=D(2021, 3, 31),
        )
        obligation.units.set([seeder.units[name] for name, _short, _ubnd in DISTRICTS])
    slots.create_slots_for(obligation, D(2021, 3, 1))
    q4 = {
        s.unit.name: s
        for s in obligation.submissions.filter(period_key="2020-Q4").select_related("unit")
    }
    for name, plan in Q4_2020.items():
        slot = q4.get(name)
        if slot is None or plan is None or slot.state != SubmissionState.OPEN:
            continue
        day, after = plan
        short = name.replace("Huyện ủy ", "").replace("Thành ủy ", "thành phố ")
        actions.submit(
            slot,
            user=None,
            trusted=True,
            text=(
                f"Ban Thường vụ {name} đã tổ chức hội nghị học tập, quán triệt Nghị quyết Đại "
                f"hội cho cán bộ, đảng viên {short}; đã ban hành chương trình hành động "
                "(dữ liệu mẫu)."
            ),
            figures=(
                {"Số hội nghị đã tổ chức (hội nghị)": "2"}
                if after == "return"
                else {
                    "Số đảng viên được học tập, quán triệt (người)": str(800 + 37 * len(name)),
                    "Số hội nghị đã tổ chức (hội nghị)": "3",
                }
            ),
            at=_at(day, 15),
        )
        if after == "accept":
            actions.review(
                slot,
                user=None,
                trusted=True,
                decision="accept",
                at=_at(day + dt.timedelta(days=3), 9),
            )
        elif after == "return":
            actions.review(
                slot,
                user=None,
                trusted=True,
                decision="return",
                reason=(
                    "Báo cáo chưa có số liệu số đảng viên được quán triệt; đề nghị bổ sung"
                    " (dữ liệu mẫu)."
                ),
                at=_at(D(2020, 12, 21), 9),
            )
    return obligation
