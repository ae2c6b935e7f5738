"""Hostile text read against a district issuer: proposals come back or the parser explains, and
no proposal ever names a unit of another level than its words say."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from directives.importers.conclusion import DocumentParseError, parse_conclusion
from directives.importers.proposals import propose
from directives.importers.units import PROVINCE, UnitIndex, UnitRef
from tests.security.hostile import HOSTILE_FUNCTION, hostile_text

# A small tree without the database: the province, one district with its boards and a commune.
UNITS = [
    UnitRef(1, "Tỉnh Cà Mau", "province", aliases=("Tỉnh ủy",), path="000001/"),
    UnitRef(2, "Ủy ban nhân dân tỉnh", "committee", "UBND tỉnh", parent=1, path="000001/000002/"),
    UnitRef(3, "Ban Tuyên giáo Tỉnh ủy", "party_board", parent=1, path="000001/000003/"),
    UnitRef(4, "Huyện ủy Năm Căn", "party_committee", parent=1, path="000001/000004/"),
    UnitRef(5, "UBND huyện Năm Căn", "district", parent=4, path="000001/000004/000005/"),
    UnitRef(6, "Đảng ủy xã Hàm Rồng", "party_committee", parent=4, path="000001/000004/000006/"),
]
INDEX = UnitIndex(UNITS)
WORDS = st.sampled_from(
    [
        "Ủy ban nhân dân huyện",
        "Ban Tuyên giáo",
        "Huyện ủy",
        "Văn phòng",
        "cùng cấp",
        "các xã, thị trấn",
        "xã hội",
        "Công an huyện",
        "phối hợp với",
        "chủ trì",
        "tỉnh",
        "UBND tỉnh",
        ",",
        "trước Tết Dương lịch 2023",
    ]
)
ITEM = st.lists(st.one_of(WORDS, hostile_text(40)), min_size=1, max_size=12).map(" ".join)


@HOSTILE_FUNCTION
@given(items=st.lists(ITEM, min_size=1, max_size=5))
@example(items=["Văn phòng Chính phủ, Ủy ban nhân dân huyện cùng cấp xã hội"])
@example(items=["Ban Tuyên giáo Huyện ủy Văn phòng , cùng cấp cùng cấp"])
def test_district_text_proposes_or_explains(items):
    text = "HUYỆN ỦY NĂM CĂN\n\n" + "\n".join(f"{i}. {t}" for i, t in enumerate(items, 1))
    try:
        parsed = parse_conclusion(text)
    except DocumentParseError:
        return
    result = propose(parsed, INDEX)
    assert result.issuer_unit is not None and result.issuer_unit.pk == 4
    for item in result.directives:
        for a in item.assignments:
            if a.lead is not None and "huyện" in a.lead_name.lower():
                assert a.lead.level != PROVINCE, (a.lead_name, a.lead.name)
