"""The home page: who you are, and what your unit owes (read-only).

It starts with what the unit must act on: overdue or due-soon work it leads, then what it
coordinates, then the rest; finished work is folded away (a <details>), not in the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from directives import permissions
from directives.models import Assignment, Standing

# The most rows the home page shows, the most pressing first; the list page (/assignments/)
# pages through the rest. Each row costs about a millisecond of template work, and a home page
# of 200 rows (a province's staff at a million assignments) was 175 of its 210 ms.
LIMIT = 50
URGENT = {Standing.OVERDUE, Standing.DUE_SOON}
FINISHED = {Standing.DONE_ON_TIME, Standing.DONE_LATE}


@dataclass
class Section:
    key: str
    title: str
    empty: str
    rows: list = field(default_factory=list)


def _sections(assignments, unit) -> tuple[list[Section], list]:
    """Split the rows (already in standing order) into the home page's sections, in order."""
    mine_urgent = Section(
        "urgent",
        _("Đơn vị chủ trì: quá hạn, sắp đến hạn"),
        _("Không có việc nào đơn vị chủ trì đã quá hạn hoặc sắp đến hạn."),
    )
    coordinating = Section(
        "coordinating",
        _("Đơn vị phối hợp"),
        _("Đơn vị không phối hợp việc nào đang thực hiện."),
    )
    rest = Section("rest", _("Các việc khác đang thực hiện"), _("Không có việc nào khác."))
    finished = []
    coordinated_ids = (
        set(
            Assignment.coordinating_units.through.objects.filter(
                unit=unit, assignment__in=[a.pk for a in assignments]
            ).values_list("assignment_id", flat=True)
        )
        if unit is not None
        else set()
    )
    for a in assignments:
        if a.standing_value in FINISHED:
            finished.append(a)
        elif a.standing_value in URGENT and (unit is None or a.lead_unit_id == unit.pk):
            mine_urgent.rows.append(a)
        elif a.pk in coordinated_ids and a.lead_unit_id != unit.pk:
            coordinating.rows.append(a)
        else:
            rest.rows.append(a)
    if unit is None:
        mine_urgent.title = _("Quá hạn, sắp đến hạn")
        mine_urgent.empty = _("Không có việc nào quá hạn hoặc sắp đến hạn.")
        return [mine_urgent, rest], finished
    return [mine_urgent, coordinating, rest], finished


@require_GET
def home(request: HttpRequest) -> TemplateResponse:
    today = timezone.localdate()
    membership = permissions.membership_of(request.user)
    shown = Assignment.objects.select_related("directive__document", "lead_unit")
    ordered = shown.visible_to(request.user).standing_order(on=today)
    if permissions.collects_visible_ids(request.user):
        # The page's ids first, in standing order from the assignment rows alone, then those
        # rows with their directive, document and unit: joining those for every collected row
        # before the LIMIT cost a district's leader (4,656 rows at a million) 37 of its 42 ms
        # of SQL. A large scope walks the order's index and stops after a page: one query.
        ids = list(ordered.values_list("pk", flat=True)[: LIMIT + 1])
        ordered = shown.filter(pk__in=ids).standing_order(on=today)
    assignments = list(ordered[: LIMIT + 1])
    more = len(assignments) > LIMIT
    del assignments[LIMIT:]
    unit = membership.unit if membership else None
    if unit is not None and not any(a.lead_unit_id == unit.pk for a in assignments):
        # A leader or inspector of the province: its unit leads nothing itself, so the page
        # starts with everything overdue or due soon rather than an empty "my unit" section.
        unit = None
    sections, finished = _sections(assignments, unit)
    return TemplateResponse(
        request,
        "directives/home.html",
        {
            "membership": membership,
            "assignments": assignments,
            "sections": sections,
            "finished": finished,
            "more": more,
            "today": today,
        },
    )
