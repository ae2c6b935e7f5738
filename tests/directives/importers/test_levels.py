"""No proposal names a unit of another level than the text says (issue 20, item 2).

For every proposal of the whole corpus: a lead or coordinating unit whose words carry a level
("huyện", "Huyện ủy", "xã", "tỉnh", "cùng cấp" …) is a unit of that level; a unit named without a
level word is the issuer's level unless the text gives the unit's own full name; an unknown name
carries the level its words need.
"""

from __future__ import annotations

import pytest

from directives.fields import known_events
from directives.importers.conclusion import parse_conclusion
from directives.importers.proposals import propose
from directives.importers.units import (
    EXACT,
    RELATIVE,
    UnitIndex,
    canon,
    canon_tokens,
    level_word_at,
)
from tests.directives.importers.test_corpus import EXPECTED, _source


def _said_levels(phrase: str, placement) -> set[str]:
    """Every level the phrase's words carry ("các huyện ủy, …, đảng ủy trực thuộc Tỉnh ủy" holds
    two); "cùng cấp" is the issuer's."""
    levels = {placement.level} if "cung cap" in canon(phrase) else set()
    tokens = canon_tokens(phrase)
    levels |= {level_word_at(tokens, phrase, i)[1] for i in range(len(tokens))}
    return levels - {""}


@pytest.mark.parametrize("expected_file", EXPECTED, ids=lambda p: p.stem)
def test_no_proposal_crosses_a_level(corpus_units, expected_file):
    parsed = parse_conclusion(_source(expected_file).read_text(encoding="utf-8"))
    proposal = propose(parsed, UnitIndex.from_db(), events=known_events())
    placement = proposal.placement
    checked = 0
    for item in proposal.directives:
        for a in item.assignments:
            named = []
            if a.lead is not None:
                named.append((a.lead, a.lead_name, a.lead_confidence))
            named += [(u, a.phrases[u.pk], a.confidence[u.pk]) for u in a.coordinating]
            for unit, phrase, confidence in named:
                said = _said_levels(phrase, placement)
                if said:
                    assert unit.level in said, (phrase, unit.name)
                elif confidence not in (EXACT, "alias"):
                    # A shortened or relative name is the issuer's level.
                    assert unit.level == placement.level, (phrase, unit.name)
                if confidence == RELATIVE:
                    assert unit.path.startswith(placement.anchors[unit.level].path)
                checked += 1
            for name, level in a.unknown_levels.items():
                said = _said_levels(name, placement) or {placement.level}
                assert level in said, (name, level)
                checked += 1
    assert checked or not any(d.assignments[0].lead for d in proposal.directives)


def test_the_failing_pattern_of_the_issue_gets_the_districts_units(corpus_units):
    """'HUYỆN ỦY …' naming UBND huyện, Ban Tuyên giáo and Văn phòng Huyện ủy and the district's
    Front as coordinating: the district's units, never the province's, none dropped."""
    text = (
        "HUYỆN ỦY NĂM CĂN\n*\nSố 50-TB/HU\nNăm Căn, ngày 01 tháng 3 năm 2021\n\n"
        "1. Ủy ban nhân dân huyện chủ trì, phối hợp với Ủy ban Mặt trận Tổ quốc Việt Nam huyện "
        "và các đoàn thể rà soát hộ nghèo.\n"
        "2. Ban Tuyên giáo Huyện ủy tuyên truyền Nghị quyết.\n"
        "3. Văn phòng Huyện ủy tổng hợp, báo cáo.\n"
        "4. Giao Ban Nội chính Huyện ủy theo dõi.\n"
    )
    result = propose(parse_conclusion(text), UnitIndex.from_db()).as_dict()
    rows = [a for d in result["directives"] for a in d["assignments"]]
    assert [a["lead_unit"] or f"?{a['lead_phrase']}" for a in rows] == [
        "UBND huyện Năm Căn",
        "Ban Tuyên giáo Huyện ủy Năm Căn",
        "Văn phòng Huyện ủy Năm Căn",
        "?Ban Nội chính Huyện ủy",
    ]
    assert "Ủy ban Mặt trận Tổ quốc Việt Nam huyện Năm Căn" in rows[0]["coordinating_units"]
    assert {a["lead_confidence"] for a in rows[:3]} == {"relative"}
    assert result["unknown_levels"] == {"Ban Nội chính Huyện ủy": "district"}
    assert result["issuer_unit"] == "Huyện ủy Năm Căn"
