"""The overview's pages: the overview itself (`/dashboard/` without `doc`), the list behind each
of its numbers, its exports (Excel, CSV, print view) and where each role lands after sign-in.

One URL and one template serve the full page and its htmx region, as on the dashboard.
"""

from __future__ import annotations

import csv
import io

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from directives import freshness, params, permissions
from directives.leaders import regions
from directives.leaders.dashboard import GROUP_ORDER
from directives.leaders.overview import (
    KINDS,
    Overview,
    OverviewBoard,
    build_overview,
    trend_chart,
)
from directives.leaders.reporting import silent_coordinating_units
from directives.models import ReportGroup, Role
from directives.text import rounded_percent

OVERVIEW = "directives/leader/overview.html"
LIST = "directives/leader/overview_assignments.html"
PRINT = "directives/leader/overview_print.html"
PAGE_SIZE = 50


def _require_reader(request: HttpRequest) -> Overview:
    if not permissions.can_view_dashboard(request.user):
        raise PermissionDenied
    return build_overview(request.user, request.GET)


def _partial(request: HttpRequest, page: str, name: str) -> str:
    if request.htmx and not request.htmx.history_restore_request:
        return f"{page}#{name}"
    return page


def _context(overview: Overview) -> dict:
    board = OverviewBoard(overview)
    context = {
        "overview": overview,
        "form": overview.form,
        "board": board,
        "groups": [ReportGroup(g) for g in GROUP_ORDER],
        "kind_label": KINDS.get(overview.kind, ""),
    }
    if overview.has_figures:
        context["trend"] = trend_chart(board.months, title=_("Hoàn thành và đến hạn theo tháng"))
    return context


@require_GET
@vary_on_headers("HX-Request")
def overview(request: HttpRequest) -> TemplateResponse:
    """Every document in the user's scope at once (the dashboard view sends requests without
    `doc` here)."""
    if not permissions.can_view_dashboard(request.user):
        raise PermissionDenied
    key = regions.region_key(request, "overview", _scopes(request.user), per_session=False)
    return regions.respond(
        request,
        key,
        page=OVERVIEW,
        name="overview",
        partial=_partial(request, OVERVIEW, "overview") != OVERVIEW,
        # Only on a miss: reading the filters' choices costs (a national scope offers 4,000
        # units).
        compute=lambda: _context(_require_reader(request)),
    )


def _scopes(user) -> list[str]:
    """The data versions the user's overview depends on: everything, or what their unit's
    subtree leads, coordinates or issued (a write elsewhere leaves their region in place)."""
    if permissions.sees_everything(user):
        return [freshness.ALL]
    membership = permissions.membership_of(user)
    if membership is None:
        return []
    return [freshness.unit_scope(membership.unit_id)]


@require_GET
@vary_on_headers("HX-Request")
def overview_assignments(request: HttpRequest) -> TemplateResponse:
    """The assignments an overview number counts: the same filters, narrowed."""
    report = _require_reader(request)
    number = params.page_param(request.GET)
    ids = None if report.on_error else report.past_listing()
    if ids is None:
        rows = report.listed().none() if report.on_error else report.listed()
        page = Paginator(_shown(rows, report), PAGE_SIZE).get_page(number)
    else:
        # A past date: the ids listed in order from one read of the history; the page's rows
        # read whole.
        page = Paginator(ids, PAGE_SIZE).get_page(number)
        rows = _shown(report.these(list(page.object_list)), report)
        found = {row.pk: row for row in rows}
        page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return TemplateResponse(
        request,
        _partial(request, LIST, "assignment-list"),
        {"overview": report, "form": report.form, "page": page},
    )


def _shown(rows: QuerySet, report: Overview) -> QuerySet:
    return (
        rows.select_related("directive__document", "lead_unit")
        .annotate(silent_coordinating=silent_coordinating_units(report.on))
        .order_by("asof_deadline", "directive__document_id", "lead_unit__path", "pk")
    )


@require_GET
def landing(request: HttpRequest) -> HttpResponseRedirect:
    """Where sign-in leads: leaders and inspectors to the overview, everyone else home."""
    membership = permissions.membership_of(request.user)
    if membership is not None and membership.role in (Role.LEADER, Role.INSPECTOR):
        return HttpResponseRedirect(reverse("dashboard"))
    return HttpResponseRedirect(reverse("home"))


# --- exports ----------------------------------------------------------------------------
def _checked(request: HttpRequest) -> Overview:
    report = _require_reader(request)
    if report.on_error:
        raise params.BadParameter(report.on_error)
    return report


def table_rows(board: OverviewBoard) -> list[list[object]]:
    """The overview as one table: the totals, then per issuing body, document and lead unit."""
    head = [
        _("Phần"),
        _("Tên"),
        _("Tổng số"),
        *[str(ReportGroup(g).label) for g in GROUP_ORDER],
        _("Tỷ lệ hoàn thành (%)"),
    ]

    def line(section: str, label: str, counts) -> list[object]:
        rate = counts.rate
        return [
            section,
            label,
            counts.total,
            *[counts[g] for g in GROUP_ORDER],
            # one decimal, as the page shows
            float(rounded_percent(rate)) if rate is not None else "",
        ]

    rows: list[list[object]] = [head, line(_("Tổng"), _("Tất cả văn bản"), board.totals)]
    rows += [line(_("Cơ quan ban hành"), x.label, x.counts) for x in board.issuer_lines]
    rows += [line(_("Văn bản"), x.label, x.counts) for x in board.document_lines]
    rows += [
        line(_("Đơn vị chủ trì"), "— " * x.depth + x.label, x.counts) for x in board.unit_lines
    ]
    return rows


def summary(report: Overview) -> str:
    parts = [
        _("Số liệu đến ngày %(date)s") % {"date": report.on.strftime("%d/%m/%Y")},
    ]
    if report.period_label:
        parts.append(_("Kỳ: %(period)s") % {"period": report.period_label})
    if report.issuer:
        parts.append(_("Cơ quan ban hành: %(name)s") % {"name": report.issuer.name})
    if report.kind:
        parts.append(_("Loại văn bản: %(kind)s") % {"kind": KINDS[report.kind]})
    if report.unit:
        parts.append(_("Đơn vị: %(name)s và đơn vị trực thuộc") % {"name": report.unit.name})
    return "; ".join(parts) + "."


def _safe(value: object) -> object:
    """Text that a spreadsheet would read as a formula is written with a leading quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _filename(report: Overview, extension: str) -> str:
    return f"tong-quan-{report.on.isoformat()}.{extension}"


@require_GET
def overview_csv(request: HttpRequest) -> HttpResponse:
    report = _checked(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([summary(report)])
    for row in table_rows(OverviewBoard(report)):
        writer.writerow([_safe(v) for v in row])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
    return response


@require_GET
def overview_xlsx(request: HttpRequest) -> HttpResponse:
    report = _checked(request)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(_("Tổng quan")[:31])
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, _("Tổng quan thực hiện nhiệm vụ"), bold)
    sheet.write_string(1, 0, summary(report))
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 60)
    sheet.set_column(2, 8, 14)
    for r, row in enumerate(table_rows(OverviewBoard(report)), start=3):
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value), bold if r == 3 else None)
    sheet.freeze_panes(4, 2)
    sheet.repeat_rows(3)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    book.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "xlsx")}"'
    return response


@require_GET
def overview_print(request: HttpRequest) -> TemplateResponse:
    report = _checked(request)
    return TemplateResponse(request, PRINT, {**_context(report), "summary": summary(report)})
