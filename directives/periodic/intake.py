"""Reporting phrases in a directive's text, proposed as obligations beside its assignments.

Read (diacritics, case and spacing ignored):

* "định kỳ hằng tháng / hằng quý / 6 tháng / hằng năm báo cáo … về X", "hằng quý báo cáo …",
  "sơ kết 6 tháng, tổng kết năm" — a periodic obligation of that frequency ("định kỳ báo cáo"
  without a period is proposed quarterly and flagged for the admin);
* "báo cáo kết quả … trước ngày 20/12/2020", "báo cáo kết quả trước Tết Dương lịch 2023",
  "báo cáo kết quả trong tháng 8/2021" — a report made once, due on the date the calendar module
  resolves (the phrase's basis kept);
* "trước ngày 20/12 hằng năm" after a yearly report — its due rule.

The receiving body is what follows "về" (or "(qua …)", the office that actually receives):
"về Ban Thường vụ Tỉnh ủy (qua Văn phòng Tỉnh ủy)" → Văn phòng Tỉnh ủy. A periodic report with no
date in the text gets the rule "ngày 20 của tháng cuối kỳ, lùi về ngày làm việc trước" (our
choice), flagged so the admin confirms or changes it. Nothing is written here: the admin
confirms a proposal, and `create_from_proposal` writes it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from directives.calendar import DeadlinePhraseError, resolve_deadline
from directives.periodic import periods as P

DEFAULT_DUE = "ngày 20 của tháng cuối kỳ, lùi về ngày làm việc trước"
DEFAULT_CUTOFF = "ngày 14 của tháng cuối kỳ"


@dataclass
class ProposedObligation:
    frequency: str
    due_rule: str
    phrase: str  # the words it was read from
    receiving_name: str = ""
    title: str = ""
    flags: list[str] = field(default_factory=list)
    basis: str = ""  # for a report made once: the deadline's basis

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


def _fold_keep_length(text: str) -> str:
    """Lower case without diacritics, one character per character (so spans map back)."""
    out = []
    for ch in text:
        if ch in "Đđ":
            out.append("d")
            continue
        base = unicodedata.normalize("NFD", ch)[0].lower()
        out.append(base if len(base) == 1 else ch.lower())
    return "".join(out).replace("\u00a0", " ")


_FREQUENCY = [
    (re.compile(r"(?:dinh ky )?hang thang"), P.MONTHLY),
    (re.compile(r"(?:dinh ky )?hang quy|dinh ky quy"), P.QUARTERLY),
    (re.compile(r"(?:dinh ky )?(?:6|sau) thang|so ket 6 thang"), P.HALF_YEARLY),
    (re.compile(r"(?:dinh ky )?hang nam|tong ket nam"), P.YEARLY),
]
_REPORT = re.compile(r"bao cao")
_PERIODIC_VAGUE = re.compile(r"dinh ky(?: bao cao)?")
_ONCE = re.compile(r"bao cao ket qua(?P<rest>[^.;]*?)(?P<when>(?:truoc|cham nhat|trong) [^.;]+)")
_YEARLY_DATE = re.compile(r"truoc ngay (\d{1,2})/(\d{1,2}) hang nam")
_RECEIVER = re.compile(r"\bve (?P<name>[^.;,(]+?)\s*(?:\(qua (?P<via>[^)]+)\))?(?=[.;,]|$| de )")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;])\s+|\n+", text) if s.strip()]


def _receiver(sentence: str, folded: str, start: int) -> str:
    match = _RECEIVER.search(folded, start)
    if not match:
        return ""
    if match.group("via"):
        return sentence[match.start("via") : match.end("via")].strip()
    return sentence[match.start("name") : match.end("name")].strip()


def _title(sentence: str, folded: str, report_at: int) -> str:
    """The words after "báo cáo" up to "về" or the end: "kết quả thực hiện"."""
    end = folded.find(" ve ", report_at)
    end = end if end != -1 else len(sentence)
    words = sentence[report_at:end].strip(" ,.;")
    return ("Báo cáo " + words[len("báo cáo") :].strip()).strip() if words else "Báo cáo"


def find_obligations(text: str, *, start: dt.date | None = None) -> list[ProposedObligation]:
    """Every reporting obligation the text asks for, in order (see the module docstring)."""
    proposals: list[ProposedObligation] = []
    for sentence in _sentences(text):
        folded = _fold_keep_length(sentence)
        report = _REPORT.search(folded)
        if report is None:
            continue
        found = None
        for pattern, frequency in _FREQUENCY:
            match = pattern.search(folded)
            if match and abs(match.start() - report.start()) < 80:
                found = (frequency, match)
                break
        if found:
            frequency, match = found
            flags = []
            yearly = _YEARLY_DATE.search(folded)
            if frequency == P.YEARLY and yearly:
                due = f"ngày {int(yearly.group(1))}/{int(yearly.group(2))} hằng năm"
            else:
                due = DEFAULT_DUE
                flags.append("Văn bản không nêu hạn gửi; đề xuất hạn mặc định, cần xác nhận.")
            begin = min(match.start(), report.start())
            proposals.append(
                ProposedObligation(
                    frequency=frequency,
                    due_rule=due,
                    phrase=sentence[begin:].strip(),
                    receiving_name=_receiver(sentence, folded, report.start()),
                    title=_title(sentence, folded, report.start()),
                    flags=flags,
                )
            )
            continue
        once = _ONCE.search(folded)
        if once:
            when = sentence[once.start("when") : once.end("when")].strip()
            try:
                resolved = resolve_deadline(when, start=start)
            except DeadlinePhraseError:
                resolved = None
            proposals.append(
                ProposedObligation(
                    frequency=P.ONCE,
                    due_rule=f"ngày {resolved.date:%d/%m/%Y}" if resolved else "",
                    phrase=sentence[once.start() :].strip(),
                    receiving_name=_receiver(sentence, folded, once.start()),
                    title="Báo cáo kết quả",
                    flags=[] if resolved else [f"Không xác định được hạn từ “{when}”."],
                    basis=resolved.basis if resolved else when,
                )
            )
            continue
        vague = _PERIODIC_VAGUE.search(folded)
        if vague and abs(vague.start() - report.start()) < 20:
            proposals.append(
                ProposedObligation(
                    frequency=P.QUARTERLY,
                    due_rule=DEFAULT_DUE,
                    phrase=sentence[vague.start() :].strip(),
                    receiving_name=_receiver(sentence, folded, report.start()),
                    title=_title(sentence, folded, report.start()),
                    flags=["Văn bản nêu “định kỳ” nhưng không nêu kỳ; đề xuất hằng quý."],
                )
            )
    return proposals


def propose_for(document_proposal) -> list[tuple[object, ProposedObligation, list]]:
    """For an importer's DocumentProposal: (parsed directive, proposal, reporting units) for every
    reporting phrase, the reporting units being the directive's proposed lead units."""
    start = getattr(document_proposal.document, "issue_date", None)
    result = []
    for item in document_proposal.directives:
        leads = [a.lead for a in item.assignments if a.lead is not None]
        for proposal in find_obligations(item.directive.text, start=start):
            result.append((item.directive, proposal, leads))
    return result


def create_from_proposal(
    proposal: ProposedObligation,
    *,
    document,
    directive=None,
    units=(),
    receiving_unit,
    starts_on: dt.date | None = None,
):
    """Write the obligation the admin confirmed (rules checked as the admin form checks them)."""
    from directives.models import ReportingObligation

    obligation = ReportingObligation(
        document=document,
        directive=directive,
        title=proposal.title[:300] or "Báo cáo",
        content=proposal.phrase,
        frequency=proposal.frequency,
        due_rule=proposal.due_rule,
        cutoff_rule="" if proposal.frequency == P.ONCE else DEFAULT_CUTOFF,
        receiving_unit=receiving_unit,
        starts_on=starts_on or document.issue_date,
    )
    obligation.full_clean()
    obligation.save()
    obligation.units.set(units)
    return obligation
