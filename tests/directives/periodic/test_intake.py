"""Reporting phrases read from directive texts and proposed as obligations."""

from __future__ import annotations

import datetime as dt

import pytest

from directives.periodic import intake
from directives.periodic import periods as P

START = dt.date(2020, 11, 17)


def one(text: str) -> intake.ProposedObligation:
    found = intake.find_obligations(text, start=START)
    assert len(found) == 1, found
    return found[0]


def test_monthly_report_to_the_standing_committee_through_its_office():
    found = one(
        "Các huyện ủy, thành ủy định kỳ hằng tháng báo cáo kết quả thực hiện về Ban Thường vụ"
        " Tỉnh ủy (qua Văn phòng Tỉnh ủy)."
    )
    assert found.frequency == P.MONTHLY
    assert found.receiving_name == "Văn phòng Tỉnh ủy"
    assert found.title == "Báo cáo kết quả thực hiện"
    assert found.flagged  # no due date in the text: the default is proposed for confirmation


@pytest.mark.parametrize(
    ("text", "frequency"),
    [
        ("Định kỳ hằng quý báo cáo Ban Thường vụ Tỉnh ủy.", P.QUARTERLY),
        ("Dinh ky hang quy bao cao ket qua ve Tinh uy.", P.QUARTERLY),
        ("Định kỳ 6 tháng báo cáo tiến độ về Ủy ban nhân dân tỉnh.", P.HALF_YEARLY),
        ("Sơ kết 6 tháng, báo cáo về Văn phòng Tỉnh ủy.", P.HALF_YEARLY),
        ("Hằng năm báo cáo kết quả về Sở Nội vụ.", P.YEARLY),
    ],
)
def test_frequency_phrases(text, frequency):
    assert one(text).frequency == frequency


def test_yearly_report_with_its_date():
    found = one("Định kỳ hằng năm báo cáo kết quả về Sở Nội vụ trước ngày 20/12 hằng năm.")
    assert (found.frequency, found.due_rule, found.flagged) == (
        P.YEARLY,
        "ngày 20/12 hằng năm",
        False,
    )
    rule = P.parse_rule(found.due_rule)
    assert rule.resolve(P.period_of(P.YEARLY, dt.date(2021, 1, 1))) == dt.date(2021, 12, 20)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Sở Y tế báo cáo kết quả về UBND tỉnh trước ngày 20/12/2020.", "ngày 20/12/2020"),
        (
            "Đảng ủy Công an tỉnh phối hợp xử lý dứt điểm các điểm nóng, báo cáo kết quả trước"
            " Tết Dương lịch 2023.",
            "ngày 30/12/2022",
        ),
        ("Giao Phòng Tài nguyên rà soát, báo cáo kết quả trong tháng 8/2021.", "ngày 31/08/2021"),
    ],
)
def test_report_made_once(text, due):
    found = one(text)
    assert (found.frequency, found.due_rule) == (P.ONCE, due)
    P.check_rule_fits(P.parse_rule(found.due_rule), P.ONCE)


def test_vague_periodic_report_is_flagged_quarterly():
    found = one(
        "Văn phòng Tỉnh ủy theo dõi, đôn đốc việc thực hiện Kết luận này, định kỳ báo cáo"
        " Ban Thường vụ Tỉnh ủy."
    )
    assert found.frequency == P.QUARTERLY and found.flagged


@pytest.mark.parametrize(
    "text",
    [
        "Báo cáo chính trị của một số cấp ủy dung lượng còn dài.",
        "Khẩn trương xây dựng kế hoạch học tập Nghị quyết.",
        "",
    ],
)
def test_no_obligation_where_none_is_asked(text):
    assert intake.find_obligations(text, start=START) == []


def test_confirmed_proposal_becomes_an_obligation(tree):
    from tests.factories import DocumentFactory

    document = DocumentFactory(issuing_unit=tree["province"])
    found = one("Định kỳ hằng quý báo cáo kết quả về Văn phòng định kỳ.")
    obligation = intake.create_from_proposal(
        found, document=document, units=tree["districts"], receiving_unit=tree["office"]
    )
    assert obligation.frequency == P.QUARTERLY
    assert obligation.reporting_units().count() == 3
    assert obligation.dates_for(P.period_of(P.QUARTERLY, dt.date(2020, 12, 1)))[1] == dt.date(
        2020, 12, 18
    )


def test_proposals_beside_the_importers_assignments(demo):
    from directives.importers.conclusion import parse_conclusion
    from directives.importers.proposals import propose
    from directives.importers.units import UnitIndex

    text = (
        "THÔNG BÁO KẾT LUẬN\n"
        "1. Giao Ban Tuyên giáo Tỉnh ủy chủ trì xây dựng kế hoạch học tập Nghị quyết;"
        " định kỳ hằng quý báo cáo kết quả về Ban Thường vụ Tỉnh ủy (qua Văn phòng Tỉnh ủy).\n"
        "2. Giao Sở Y tế rà soát, báo cáo kết quả trước ngày 20/12/2020.\n"
    )
    proposal = propose(parse_conclusion(text), UnitIndex.from_db())
    found = intake.propose_for(proposal)
    assert [(d.number, p.frequency) for d, p, _units in found] == [
        ("1", P.QUARTERLY),
        ("2", P.ONCE),
    ]
    assert [u.name for u in found[0][2]] == ["Ban Tuyên giáo Tỉnh ủy"]
    assert found[0][1].receiving_name == "Văn phòng Tỉnh ủy"
