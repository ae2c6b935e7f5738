"""Compare the parser's proposals with a corpus file's expected proposals, field by field.

Expected files are written by hand from the texts. Shorthands keep them readable: a lead or a
coordinating unit "@districts" stands for every district People's Committee of the demo tree,
"@party_committees" for every party committee directly under the province (a lead shorthand
gives one expected assignment per unit, as the parser proposes), "?Name" for an unknown unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from directives.demo import DISTRICTS, party_committees

SHORTHANDS = {
    "@districts": lambda: [c for _, _, c in DISTRICTS],
    "@party_committees": party_committees,
    "@district_party_committees": lambda: [p for p, _, _ in DISTRICTS],
}
ASSIGNMENT_FIELDS = ("lead", "coordinating", "coordinating_unknown", "deadline", "basis", "flagged")
# Each assignment field counts toward one kind in the report by field kind; everything else
# (document fields, numbering, texts, the list of unknown names) is "other".
FIELD_KIND = {
    "lead": "lead",
    "coordinating": "coordinating",
    "coordinating_unknown": "coordinating",
    "deadline": "deadline",
    "basis": "deadline",
    "flagged": "deadline",
}
KINDS = ("lead", "coordinating", "deadline", "other")


@dataclass
class Score:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)
    kinds: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in KINDS})

    def check(self, where: str, expected, actual, kind: str = "other") -> None:
        self.total += 1
        self.kinds[kind][1] += 1
        if expected == actual:
            self.right += 1
            self.kinds[kind][0] += 1
        else:
            self.misses.append(f"{where}: expected {expected!r}, got {actual!r}")

    def add(self, other: Score) -> None:
        self.right += other.right
        self.total += other.total
        self.misses.extend(other.misses)
        for kind, (right, total) in other.kinds.items():
            self.kinds[kind][0] += right
            self.kinds[kind][1] += total

    def kind_share(self, kind: str) -> float:
        right, total = self.kinds[kind]
        return right / total if total else 1.0

    def by_kind(self) -> str:
        """One line: each kind's right/total and share."""
        return ", ".join(
            f"{kind} {r}/{t} ({r / t if t else 1.0:.1%})" for kind, (r, t) in self.kinds.items()
        )

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 1.0


def _units(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        out.extend(SHORTHANDS[name]() if name in SHORTHANDS else [name])
    return sorted(out)


def _expand(assignments: list[dict]) -> list[dict]:
    out: list[dict] = []
    for item in assignments:
        leads = SHORTHANDS[item["lead"]]() if item["lead"] in SHORTHANDS else [item["lead"]]
        for lead in leads:
            out.append({**item, "lead": lead, "coordinating": _units(item["coordinating"])})
    return out


def _actual(assignment: dict) -> dict:
    lead = assignment["lead_unit"]
    if assignment["lead_unknown"]:
        lead = f"?{assignment['lead_phrase']}"
    return {
        "lead": lead,
        "coordinating": sorted(assignment["coordinating_units"]),
        "coordinating_unknown": assignment["coordinating_unknown"],
        "deadline": assignment["deadline"],
        "basis": assignment["basis"],
        "flagged": assignment["flagged"],
    }


def score(name: str, expected: dict, actual: dict) -> Score:
    """Every expected field is one point; a missing or extra assignment loses its fields."""
    result = Score()
    for key, value in expected["document"].items():
        result.check(f"{name} document.{key}", value, actual["document"][key])
    numbers = [d["number"] for d in actual["directives"]]
    result.check(
        f"{name} directive numbers", [d["number"] for d in expected["directives"]], numbers
    )
    by_number = {d["number"]: d for d in actual["directives"]}
    for want in expected["directives"]:
        where = f"{name} #{want['number']}"
        got = by_number.get(want["number"])
        text = got["text"] if got else ""
        result.check(f"{where} text starts", want["text_starts"], text[: len(want["text_starts"])])
        for part in want.get("text_contains", []):
            result.check(f"{where} text contains", part, part if part in text else None)
        for part in want.get("text_excludes", []):
            result.check(f"{where} text excludes", part, None if part in text else part)
        expected_rows = _expand(want["assignments"])
        actual_rows = [_actual(a) for a in got["assignments"]] if got else []
        for i, row in enumerate(expected_rows):
            have = actual_rows[i] if i < len(actual_rows) else {}
            for key in ASSIGNMENT_FIELDS:
                result.check(
                    f"{where} assignment {i + 1} {key}",
                    row[key],
                    have.get(key, "—"),
                    FIELD_KIND[key],
                )
        for i in range(len(expected_rows), len(actual_rows)):
            result.check(f"{where} extra assignment {i + 1}", None, actual_rows[i]["lead"], "lead")
    result.check(f"{name} unknown units", expected["unknown_units"], actual["unknown_units"])
    return result
