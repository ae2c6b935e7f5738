"""The report's opening paragraphs, written from its numbers in plain Vietnamese (or English):
how many assignments, how many done on time or late, how many overdue, the rate, the directive
furthest behind, the units most behind and what waits for a leader's decision."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from directives import text
from directives.leaders.reporting import Counts
from directives.models import ReportGroup, Status

BEHIND_UNITS = 3  # how many of the units most behind the paragraph names


@dataclass
class Facts:
    """What the paragraphs say, gathered from the report's lines."""

    totals: Counts
    directives: list[tuple[int, str, Counts]]
    overdue_by_unit: Counter
    awaiting: int
    pending_extensions: int


def gather(lines, directives: list[tuple[int, str, Counts]], totals: Counts) -> Facts:
    """Count what the paragraphs need from the (line, group, directive) triples."""
    overdue_by_unit: Counter = Counter()
    awaiting = pending = 0
    for line, group, _directive in lines:
        if group == ReportGroup.OVERDUE_UNFINISHED:
            overdue_by_unit[line.lead] += 1
        awaiting += line.status == Status.AWAITING_SIGNOFF
        pending += bool(line.pending_extension)
    return Facts(totals, directives, overdue_by_unit, awaiting, pending)


def percent(value) -> str:
    """75.00 → "75 %", 66.67 → "66,7 %" (directives.text.percent, as on the pages)."""
    return text.percent(value)


def paragraphs(facts: Facts, *, subject: str, on_text: str) -> list[str]:
    """The paragraphs, in order."""
    t = facts.totals
    out = [
        _(
            "Thực hiện %(subject)s, tính đến hết ngày %(on)s có %(total)d phân công nhiệm vụ. "
            "Trong đó: %(done)d phân công đã hoàn thành (%(on_time)d đúng hạn, %(late)d quá hạn); "
            "%(overdue)d phân công đã quá hạn nhưng chưa hoàn thành; %(not_due)d phân công chưa "
            "đến hạn; %(no_deadline)d phân công không có thời hạn."
        )
        % {
            "subject": subject,
            "on": on_text,
            "total": t.total,
            "done": t.completed,
            "on_time": t[ReportGroup.DONE_ON_TIME],
            "late": t[ReportGroup.DONE_LATE],
            "overdue": t.overdue,
            "not_due": t[ReportGroup.NOT_YET_DUE],
            "no_deadline": t[ReportGroup.NO_DEADLINE],
        }
    ]
    sentences = []
    if t.rate is None:
        sentences.append(_("Chưa có phân công nào đến hạn nên chưa tính tỷ lệ hoàn thành."))
    else:
        sentences.append(
            _("Tỷ lệ hoàn thành trên số phân công đã đến hạn đạt %(rate)s.")
            % {"rate": percent(t.rate)}
        )
    rated = [
        (counts.rate, label) for _pk, label, counts in facts.directives if counts.rate is not None
    ]
    if len(rated) > 1:
        rate, label = min(rated, key=lambda item: item[0])
        sentences.append(
            _("Nhiệm vụ có tỷ lệ hoàn thành thấp nhất là nhiệm vụ %(label)s (%(rate)s).")
            % {"label": label, "rate": percent(rate)}
        )
    out.append(" ".join(sentences))
    if facts.overdue_by_unit:
        behind = sorted(facts.overdue_by_unit.items(), key=lambda item: (-item[1], item[0]))
        names = ", ".join(
            _("%(unit)s (%(n)d)") % {"unit": unit, "n": n} for unit, n in behind[:BEHIND_UNITS]
        )
        out.append(
            _("Các đơn vị còn nhiều phân công quá hạn chưa hoàn thành nhất: %(units)s.")
            % {"units": names}
        )
    else:
        out.append(_("Không có phân công nào quá hạn mà chưa hoàn thành."))
    waiting = []
    if facts.awaiting:
        waiting.append(_("%(n)d báo cáo hoàn thành chờ xác nhận") % {"n": facts.awaiting})
    if facts.pending_extensions:
        waiting.append(_("%(n)d đề nghị gia hạn") % {"n": facts.pending_extensions})
    if waiting:
        out.append(
            _("Đang chờ lãnh đạo quyết định: %(items)s.") % {"items": _(" và ").join(waiting)}
        )
    return out
