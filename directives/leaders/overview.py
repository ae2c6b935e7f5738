"""The leaders' overview: every document in the user's scope at once (`/dashboard/` without `doc`).

Where the per-document dashboard answers "how is this document going", the overview answers a
leader's first question across all of them: the headline rate and reporting groups, which lead
units are behind, per issuing body and per document, what needs attention, and the monthly trend.

Its scope is, per document, exactly what that document's dashboard counts
(`permissions.dashboard_scope`): everything for admins and inspectors; for a leader, the whole
document when their unit (or a unit below it) issued it, otherwise what units of their subtree
lead. So the overview's numbers are the sum of the per-document dashboards' numbers — a test
checks it for every role, several filters and dates.

The numbers are computed as of a date from the recorded history (`Assignment.objects.as_of`) and
grouped in SQL: a page runs a fixed number of queries whatever the number of assignments or
documents (Python adds up rows per document × lead unit × group).
"""

from __future__ import annotations

import datetime as dt
from bisect import insort
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from directives import aggregates, params, permissions
from directives.leaders.dashboard import GROUP_ORDER, Cell
from directives.leaders.reporting import (
    Counts,
    as_of_date,
    pending_extensions_on,
    silent_coordinating_units,
    silent_coordinations,
)
from directives.lookups import AnyOf
from directives.models import (
    Assignment,
    AssignmentTally,
    Document,
    DocumentTally,
    ReportGroup,
    Role,
    Standing,
    Status,
    Unit,
)
from directives.models.assignment import group_for, standing_for
from directives.widgets import DateInput, LongSelect

LIST_LIMIT = 10
DUE_WITHIN_DAYS = 7
SQLITE_IDS = 100_000  # the most ids a query sends SQLite (`OverviewBoard.since`)
DOCUMENT_ROWS = 100  # documents listed (most overdue first); the totals count every one


# --- the period -------------------------------------------------------------------------
class Period:
    """Ready-made periods, each relative to the as-of date (terms are fixed ranges)."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    TERM_2020 = "term2020"
    TERM_2025 = "term2025"
    RANGE = "range"

    labels = {
        MONTH: _("Tháng này"),
        QUARTER: _("Quý này"),
        YEAR: _("Năm nay"),
        # Our choice: a term runs from the provincial Party congress of October to September of
        # the fifth year after (the XVI congress met 26–28/10/2020).
        TERM_2020: _("Nhiệm kỳ 2020–2025 (01/10/2020–30/09/2025)"),
        TERM_2025: _("Nhiệm kỳ 2025–2030 (01/10/2025–30/09/2030)"),
        RANGE: _("Từ ngày … đến ngày …"),
    }

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [("", _("Mọi thời gian")), *cls.labels.items()]


def period_range(period: str, on: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a ready-made period containing `on` (None: no period)."""
    if period == Period.MONTH:
        start = on.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return start, end
    if period == Period.QUARTER:
        first_month = 3 * ((on.month - 1) // 3) + 1
        start = dt.date(on.year, first_month, 1)
        end = (start + dt.timedelta(days=95)).replace(day=1) - dt.timedelta(days=1)
        return start, end
    if period == Period.YEAR:
        return dt.date(on.year, 1, 1), dt.date(on.year, 12, 31)
    if period == Period.TERM_2020:
        return dt.date(2020, 10, 1), dt.date(2025, 9, 30)
    if period == Period.TERM_2025:
        return dt.date(2025, 10, 1), dt.date(2030, 9, 30)
    return None


class PeriodBasis:
    DEADLINE = "deadline"
    ISSUED = "issued"
    labels = {
        DEADLINE: _("theo thời hạn của phân công"),
        ISSUED: _("theo ngày ban hành văn bản"),
    }


# --- document kinds ---------------------------------------------------------------------
# The kind is read from the number's symbol ("09-NQ/TU", "42/2014/QĐ-TTg", "412/BC-UBND"): both
# Party (Hướng dẫn 36) and state (Nghị định 30) numbering carry it, so no field is needed.
KINDS = {
    "NQ": _("Nghị quyết"),
    "KL": _("Kết luận"),
    "CT": _("Chỉ thị"),
    "TB": _("Thông báo"),
    "KH": _("Kế hoạch"),
    "QĐ": _("Quyết định"),
    "CV": _("Công văn"),
    "BC": _("Báo cáo"),
}


def kind_filter(code: str, prefix: str = "") -> Q:
    """Documents whose number carries the symbol `code` (between separators)."""
    name = f"{prefix}number__contains"
    return (
        Q(**{name: f"-{code}/"})
        | Q(**{name: f"/{code}-"})
        | Q(**{name: f"/{code}/"})
        | Q(**{f"{prefix}number__endswith": f"/{code}"})
    )


def kind_of(number: str) -> str:
    for code in KINDS:
        if (
            f"-{code}/" in number
            or f"/{code}-" in number
            or f"/{code}/" in number
            or number.endswith(f"/{code}")
        ):
            return code
    return ""


# --- the lists "cần chú ý" ---------------------------------------------------------------
class Attention:
    OVERDUE = "overdue"
    DUE = "due7"
    AWAITING = "awaiting"
    EXTENSION = "extension"
    SILENT = "silent"
    EXPLANATION = "explanation"

    labels = {
        OVERDUE: _("Quá hạn, chưa hoàn thành (lâu nhất trước)"),
        DUE: _("Đến hạn trong 7 ngày tới"),
        AWAITING: _("Chờ lãnh đạo xác nhận hoàn thành"),
        EXTENSION: _("Đề nghị gia hạn chờ quyết định"),
        SILENT: _("Có đơn vị phối hợp chưa báo cáo lần nào"),
        EXPLANATION: _("Yêu cầu giải trình chưa trả lời (quá hạn trước)"),
    }

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return list(cls.labels.items())


# Lists whose condition is a record of their own (an EXISTS), not the assignment's values.
NOT_OF_THE_DAY = (Attention.EXTENSION, Attention.EXPLANATION)


def attention_condition(kind: str, on: dt.date) -> Q:
    """The filter of one list, on a queryset annotated by `as_of(on)`."""
    from django.db.models import Exists, OuterRef

    done = Q(asof_status=Status.DONE)
    if kind == Attention.OVERDUE:
        return Q(report_group_value=ReportGroup.OVERDUE_UNFINISHED)
    if kind == Attention.DUE:
        return (
            ~done
            & ~Q(standing_value=Standing.AWAITING)
            & Q(asof_deadline__gte=on, asof_deadline__lte=on + dt.timedelta(days=DUE_WITHIN_DAYS))
        )
    if kind == Attention.AWAITING:
        return Q(asof_status=Status.AWAITING_SIGNOFF)
    if kind == Attention.EXTENSION:
        return Q(Exists(pending_extensions_on(on).filter(assignment=OuterRef("pk"))))
    if kind == Attention.SILENT:
        return ~done & ~Q(asof_status=Status.SUSPENDED) & Q(Exists(silent_coordinations(on)))
    if kind == Attention.EXPLANATION:
        from directives.models import ExplanationRequest

        return Q(Exists(ExplanationRequest.objects.open_on(on).filter(assignment=OuterRef("pk"))))
    raise ValueError(kind)


def explanation_reply_by(on: dt.date):
    """The earliest reply-by day among the assignment's requests for explanation open on `on`."""
    from django.db.models import OuterRef, Subquery

    from directives.models import ExplanationRequest

    return Subquery(
        ExplanationRequest.objects.open_on(on)
        .filter(assignment=OuterRef("pk"))
        .order_by("reply_by")
        .values("reply_by")[:1]
    )


# --- the filters ------------------------------------------------------------------------
def _date_input() -> forms.DateInput:
    # dd/mm/yyyy with the application's own picker, like every other date field (issue 21): a
    # native date input shows the browser's locale, 02/09/2021 under a 09/02/2021 banner.
    return DateInput()


class OverviewFilterForm(forms.Form):
    """The overview's filters in the URL; choices are read by the caller and checked here."""

    period = forms.ChoiceField(label=_("Kỳ"), required=False, choices=Period.choices())
    period_from = params.DateParamField(label=_("Từ ngày"), required=False, widget=_date_input())
    period_to = params.DateParamField(label=_("Đến ngày"), required=False, widget=_date_input())
    by = forms.ChoiceField(
        label=_("Tính kỳ"),
        required=False,
        choices=list(PeriodBasis.labels.items()),
    )
    issuer = forms.TypedChoiceField(
        label=_("Cơ quan ban hành"), coerce=params.to_int, required=False, widget=LongSelect
    )
    kind = forms.ChoiceField(label=_("Loại văn bản"), required=False)
    unit = forms.TypedChoiceField(
        label=_("Đơn vị chủ trì (gồm cả đơn vị trực thuộc)"),
        coerce=params.to_int,
        required=False,
        widget=LongSelect,
    )
    on = params.DateParamField(
        label=_("Số liệu tính đến ngày"), required=False, widget=_date_input()
    )
    # Narrowing used by the links behind the numbers (the list page only).
    group = forms.ChoiceField(required=False, choices=[("", ""), *ReportGroup.choices])
    list = forms.ChoiceField(required=False, choices=[("", ""), *Attention.choices()])
    doc = forms.TypedChoiceField(coerce=params.to_int, required=False)
    lead = forms.TypedChoiceField(coerce=params.to_int, required=False)

    def __init__(self, data, *, issuers, units, documents, depth_base: int):
        super().__init__(data)
        self.fields["issuer"].choices = [("", _("Tất cả cơ quan"))] + [
            (u.pk, u.name) for u in issuers
        ]
        self.fields["kind"].choices = [("", _("Tất cả loại văn bản")), *KINDS.items()]
        unit_choices = [(u.pk, "— " * max(u.depth - depth_base, 0) + u.name) for u in units]
        self.fields["unit"].choices = [("", _("Tất cả đơn vị")), *unit_choices]
        self.fields["lead"].choices = [("", ""), *unit_choices]
        self.fields["doc"].choices = [("", ""), *[(d, d) for d in documents]]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if cleaned.get("period") == Period.RANGE:
            if not start and not end and "period_from" not in self.errors:
                self.add_error("period_from", _("Chọn “Từ ngày … đến ngày …” thì cần nhập ngày."))
            if start and end and start > end:
                self.add_error("period_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return cleaned


def scope_parts(user) -> list[Q]:
    """Per document, what its dashboard counts for `user` (see `permissions.dashboard_scope`),
    for every document at once, as disjoint parts whose union is the scope.

    For a leader the parts name their subtree's units by id, so each is read from an index
    (documents issued by those units → their directives → assignments; assignments led by
    those units) instead of joining every assignment to its units and document to compare
    paths — at a million assignments the join read the whole table (1.26 s for a province).
    """
    if permissions.sees_everything(user):
        return [permissions.counted_filter(None)]
    membership = permissions.membership_of(user)
    if membership is None or membership.role != Role.LEADER:
        return []
    unit = membership.unit
    split_here = Assignment.objects.filter(parent=OuterRef("pk"), assigned_by_unit=unit)
    if permissions.sees_all_assignments(user):
        # The central body: its subtree is every unit, so "a unit of the subtree" is "a unit".
        issued_here = Q(directive__document__issuing_unit__isnull=False)
        led_here = Q()
        assigned_outside = Q(assigned_by_unit__isnull=True)
    else:
        units = permissions.subtree_ids(membership)
        issued_here = Q(directive__document__issuing_unit_id__in=units)
        led_here = Q(lead_unit_id__in=units)
        assigned_outside = ~Q(assigned_by_unit_id__in=units)
    # permissions.counted_filter(unit), with the subtree's ids in place of its path.
    counted_here = (
        led_here
        & (Q(parent__isnull=True) | Q(assigned_by_unit=unit) | assigned_outside)
        & ~Q(Exists(split_here))
    )
    return [issued_here & permissions.counted_filter(None), ~issued_here & counted_here]


def scope_filter(user) -> Q:
    """The union of `scope_parts`: no join that repeats a row, so no DISTINCT."""
    parts = scope_parts(user)
    if not parts:
        return Q(pk__in=[])
    scope = parts[0]
    for part in parts[1:]:
        scope |= part
    return scope


def scope_unit(user) -> Unit | None:
    """The top of the unit tree the user's filters offer (None: the whole tree)."""
    if permissions.sees_everything(user):
        return None
    membership = permissions.membership_of(user)
    return membership.unit if membership is not None else None


@dataclass
class Overview:
    """The overview's filters, checked against what the user may see."""

    user: object
    form: OverviewFilterForm
    today: dt.date
    on: dt.date
    on_error: str = ""
    period: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    by: str = PeriodBasis.DEADLINE
    issuer: Unit | None = None
    kind: str = ""
    unit: Unit | None = None
    scope: Unit | None = None
    units: list[Unit] = field(default_factory=list)
    expand: list[int] = field(default_factory=list)
    # list narrowing
    group: str = ""
    listed_kind: str = ""
    doc: int | None = None
    lead: Unit | None = None

    @property
    def is_today(self) -> bool:
        return self.on == self.today

    @property
    def has_figures(self) -> bool:
        return not self.on_error

    @property
    def period_label(self) -> str:
        if self.start is None and self.end is None:
            return ""
        first = self.start.strftime("%d/%m/%Y") if self.start else "…"
        last = self.end.strftime("%d/%m/%Y") if self.end else "…"
        return f"{first} – {last}, {PeriodBasis.labels[self.by]}"

    # --- the URL ------------------------------------------------------------------------
    def params(self, **changes) -> dict[str, object]:
        custom = self.period == Period.RANGE
        values: dict[str, object] = {
            "period": self.period or None,
            "period_from": self.start.isoformat() if custom and self.start else None,
            "period_to": self.end.isoformat() if custom and self.end else None,
            "by": self.by if self.period and self.by != PeriodBasis.DEADLINE else None,
            "issuer": self.issuer.pk if self.issuer else None,
            "kind": self.kind or None,
            "unit": self.unit.pk if self.unit else None,
            "on": None if self.is_today else self.on.isoformat(),
            "expand": self.expand or None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "", [])}

    def query(self, **changes) -> str:
        return urlencode(self.params(**changes), doseq=True)

    def list_params(self, **changes) -> dict[str, object]:
        return self.params(
            expand=None,
            group=self.group or None,
            list=self.listed_kind or None,
            doc=self.doc,
            lead=self.lead.pk if self.lead else None,
            **changes,
        )

    def list_query(self, **changes) -> str:
        return urlencode(self.list_params(**changes), doseq=True)

    def url(self, name: str = "dashboard", **changes) -> str:
        return reverse(name) + "?" + self.query(**changes)

    def list_url(self, **changes) -> str:
        return reverse("overview_assignments") + "?" + self.query(expand=None, **changes)

    def document_url(self, document_id: int) -> str:
        """That document's dashboard with the filters it shares (unit, as-of date, deadlines)."""
        values: dict[str, object] = {"doc": document_id}
        if self.unit is not None:
            values["unit"] = self.unit.pk
        if self.by == PeriodBasis.DEADLINE and self.start:
            values["due_from"] = self.start.isoformat()
        if self.by == PeriodBasis.DEADLINE and self.end:
            values["due_to"] = self.end.isoformat()
        if not self.is_today:
            values["on"] = self.on.isoformat()
        return reverse("dashboard") + "?" + urlencode(values)

    # --- the data -----------------------------------------------------------------------
    def scoped(self, scope: Q | None = None) -> QuerySet:
        """The assignments in scope (or in one part of it) with the filters that do not depend
        on the date."""
        qs = Assignment.objects.filter(scope_filter(self.user) if scope is None else scope)
        if self.unit is not None:
            qs = qs.filter(lead_unit__path__startswith=self.unit.path)
        return qs.filter(self.document_filter("directive__document__"))

    def document_filter(self, prefix: str) -> Q:
        """The filters on documents (issuing body, kind, issue date), on the document that
        `prefix` leads to."""
        q = Q()
        if self.issuer is not None:
            q &= Q(**{f"{prefix}issuing_unit": self.issuer})
        if self.kind:
            q &= kind_filter(self.kind, prefix)
        if self.by == PeriodBasis.ISSUED:
            if self.start:
                q &= Q(**{f"{prefix}issue_date__gte": self.start})
            if self.end:
                q &= Q(**{f"{prefix}issue_date__lte": self.end})
        return q

    def deadline_filter(self, name: str) -> Q:
        """The deadline period, if one is chosen, on the date field `name`."""
        q = Q()
        if self.by == PeriodBasis.DEADLINE:
            if self.start:
                q &= Q(**{f"{name}__gte": self.start})
            if self.end:
                q &= Q(**{f"{name}__lte": self.end})
        return q

    @cached_property
    def scoped_ids(self) -> list[int]:
        """The ids in scope, read once (an index-only read bounded by the scope).

        Why not a join: the scope's conditions sit on the unit and document tables, so the
        database can only apply them after the join, while the as-of conditions (correlated
        subqueries on the history) sit on the assignment table and are evaluated on EVERY
        assignment row first — measured at 10,000 assignments on PostgreSQL: 46 s for a province
        leader's overview. With the ids listed, the history is read for the rows in scope only.
        """
        ids: list[int] = []
        for part in scope_parts(self.user):  # disjoint: each read from its own index
            ids.extend(self.scoped(part).order_by().values_list("pk", flat=True))
        return ids

    @cached_property
    def ids_listed(self) -> bool:
        """Whether the scope is read as a list of ids (`scoped_ids`): every scope but the whole
        tree's, whose conditions are cheaper than a million ids."""
        return not permissions.sees_all_assignments(self.user)

    def assignments(self) -> QuerySet:
        """Every filter applied, as of the chosen date."""
        if not self.ids_listed:
            # Everything in the tree: the scope is a condition on the rows read anyway, and
            # listing a million ids would cost more than it saves.
            qs = self.scoped().as_of(self.on)
        else:
            # One array parameter on PostgreSQL, not one placeholder per id (tens of thousands).
            qs = Assignment.objects.filter(AnyOf(F("pk"), self.scoped_ids)).as_of(self.on)
        return qs.filter(self.deadline_filter("asof_deadline")).order_by()

    def these(self, ids: list[int]) -> QuerySet:
        """Rows already chosen from `assignments()`, as of the date, by their ids alone: with
        the scope's tens of thousands of ids beside them the planner walked those instead (a
        province's 25 first rows a year ago: 290 ms, then 10 ms)."""
        return Assignment.objects.filter(AnyOf(F("pk"), ids)).as_of(self.on)

    def _placed(self) -> QuerySet:
        """`assignments()` narrowed to the document and lead unit a number links to."""
        qs = self.assignments()
        if self.doc is not None:
            qs = qs.filter(directive__document_id=self.doc)
        if self.lead is not None:
            qs = qs.filter(lead_unit=self.lead)
        return qs

    def listed(self) -> QuerySet:
        """`assignments()` narrowed by what a number links to (group, list, document, lead)."""
        qs = self._placed()
        if self.group:
            qs = qs.filter(report_group_value=self.group)
        if self.listed_kind:
            qs = qs.filter(attention_condition(self.listed_kind, self.on))
        return qs

    def past_listing(self) -> list[int] | None:
        """A past date: the ids `listed()` selects, in the list page's order (as-of deadline,
        document, lead unit), from one read of each row's history (`read_then`) — SQL would
        work out the group and the as-of deadline once per use per row. None for today (the
        stored columns make SQL cheap)."""
        if self.on >= self.today:
            return None
        kind = self.listed_kind
        flags = (kind,) if kind in (Attention.SILENT, *NOT_OF_THE_DAY) else ()
        rows = [
            row
            for row in read_then(self._placed(), self.on, flags)
            if (not self.group or row.group == self.group)
            and (not kind or row.is_listed(kind, self.on))
        ]
        nulls_last = connection.features.nulls_order_largest
        rows.sort(
            key=lambda r: (_deadline_key(r.deadline, nulls_last), r.document_id, r.path, r.pk)
        )
        return [row.pk for row in rows]

    def list_title(self) -> str:
        parts = []
        if self.listed_kind:
            parts.append(str(Attention.labels[self.listed_kind]))
        if self.group:
            parts.append(str(ReportGroup(self.group).label))
        if self.lead is not None:
            parts.append(self.lead.name)
        return " · ".join(parts) or str(_("Tất cả phân công"))


def _units_in_scope(scope: Unit | None) -> list[Unit]:
    """The units the unit filter offers: the user's subtree (the whole tree for admins and
    inspectors) — bounded by the unit tree, not by the assignments."""
    units = Unit.objects.all()
    if scope is not None:
        units = units.filter(path__startswith=scope.path)
    return list(units.order_by("path"))


def build_overview(user, data: QueryDict, *, today: dt.date | None = None) -> Overview:
    """Read and check the overview's filters; invalid values are reported and ignored."""
    today = today or timezone.localdate()
    scope = scope_unit(user)
    units = _units_in_scope(scope)
    issuers = list(
        Unit.objects.filter(
            pk__in=Document.objects.filter(issuing_unit__isnull=False)
            .order_by()
            .values("issuing_unit_id")
        ).order_by("path")
    )
    wanted_doc = data.get("doc") or ""
    form = OverviewFilterForm(
        data,
        issuers=issuers,
        units=units,
        # Any existing id passes the form; the queryset keeps it within scope.
        documents=[wanted_doc] if wanted_doc.isascii() and wanted_doc.isdigit() else [],
        depth_base=min((u.depth for u in units), default=0),
    )
    form.is_valid()
    cleaned = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    on, on_error = as_of_date(data.get("on") or "", today)
    if on_error:
        form.errors.pop("on", None)  # said once, above the figures
    period = cleaned.get("period") or ""
    start = end = None
    if period == Period.RANGE:
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and start > end:
            start = end = None
    elif period:
        start, end = period_range(period, on)
    units_by_id = {u.pk: u for u in units}
    issuers_by_id = {u.pk: u for u in issuers}
    return Overview(
        user=user,
        form=form,
        today=today,
        on=on,
        on_error=on_error,
        period=period if (start or end) else "",
        start=start,
        end=end,
        by=cleaned.get("by") or PeriodBasis.DEADLINE,
        issuer=issuers_by_id.get(cleaned.get("issuer")),
        kind=cleaned.get("kind") or "",
        unit=units_by_id.get(cleaned.get("unit")),
        scope=scope,
        units=units,
        expand=params.ids_in(data.getlist("expand"), units_by_id),
        group=cleaned.get("group") or "",
        listed_kind=cleaned.get("list") or "",
        doc=cleaned.get("doc") or None,
        lead=units_by_id.get(cleaned.get("lead")),
    )


# --- what the page shows ----------------------------------------------------------------
@dataclass
class Line:
    """One row of a table: counts by group, each linked to its list."""

    label: str
    counts: Counts
    url: str = ""  # where the label leads (a document's dashboard)
    link: dict = field(default_factory=dict)  # the narrowing of its numbers' lists
    key: int | None = None
    depth: int = 0
    expandable: bool = False
    expanded: bool = False
    toggle_url: str = ""
    direct: bool = False
    note: str = ""
    cells: list[Cell] = field(default_factory=list)
    total_url: str = ""


def _rank(line: Line):
    """Most overdue-unfinished first, then the lowest rate; nothing fallen due goes last."""
    rate = line.counts.rate
    return (-line.counts.overdue, rate if rate is not None else 101, line.label)


@dataclass
class Month:
    start: dt.date
    completed: int
    fallen_due: int
    completed_url: str = ""
    due_url: str = ""


# Units shown in the overview's scorecard ranking; the page has them all.
SCORECARD_TOP = 10


def _date(value) -> dt.date | None:
    # SQLite hands back an annotation's date as text where no converter applies.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _add(per: dict[int, Counts], key: int, group: str, n: int = 1) -> None:
    per[key].values["total"] += n
    per[key].values[group] += n


class _First:
    """How many rows were offered, and the first LIST_LIMIT of them by (sort key, pk)."""

    def __init__(self) -> None:
        self.count = 0
        self.items: list[tuple] = []

    def offer(self, key, pk: int) -> None:
        self.count += 1
        item = (key, pk)
        if len(self.items) < LIST_LIMIT or item < self.items[-1]:
            insort(self.items, item)
            del self.items[LIST_LIMIT:]

    @property
    def pks(self) -> list[int]:
        return [pk for _key, pk in self.items]


def _deadline_key(deadline: dt.date | None, nulls_last: bool) -> tuple:
    """`ORDER BY deadline` as the database sorts it (`nulls_last`: the connection's
    `nulls_order_largest`): a missing deadline last on PostgreSQL, first on SQLite (the list
    page behind the number sorts in SQL)."""
    if deadline is None:
        return (1 if nulls_last else 0, dt.date.min)
    return (0 if nulls_last else 1, deadline)


@dataclass(slots=True)
class Then:
    """One assignment as recorded at the end of a day, from one read of its values then."""

    pk: int
    document_id: int
    unit_id: int
    path: str
    status: str
    deadline: dt.date | None
    reported_on: dt.date | None
    standing: str
    group: str
    flags: dict[str, bool]

    def is_listed(self, kind: str, on: dt.date) -> bool:
        """`attention_condition(kind, on)`, in Python, on the values of that day."""
        done = self.status == Status.DONE
        if kind == Attention.OVERDUE:
            return self.group == ReportGroup.OVERDUE_UNFINISHED
        if kind == Attention.DUE:
            return (
                not done
                and self.standing != Standing.AWAITING
                and self.deadline is not None
                and on <= self.deadline <= on + dt.timedelta(days=DUE_WITHIN_DAYS)
            )
        if kind == Attention.AWAITING:
            return self.status == Status.AWAITING_SIGNOFF
        if kind == Attention.SILENT:
            return self.flags[kind] and not done and self.status != Status.SUSPENDED
        return self.flags[kind]  # extension, explanation: not a matter of the day's values


def _flag(kind: str, on: dt.date):
    """The part of a list's condition that is not the assignment's own values (an EXISTS)."""
    if kind == Attention.SILENT:
        return Exists(silent_coordinations(on))
    return attention_condition(kind, on)  # extension, explanation


def read_then(qs: QuerySet, on: dt.date, flags: tuple[str, ...] = ()) -> Iterator[Then]:
    """Every row of `qs` (an `as_of(on)` queryset) as recorded on `on`: its values read ONCE
    (from the history for a past day, the stored columns today) and its group worked out here
    (`standing_for`, the Python twin of the SQL rule). Streamed, a chunk at a time.

    Why: each value as recorded then is a correlated subquery on the history, and SQL writes an
    annotation out wherever it is used — the group's CASE alone repeated the status and deadline
    subqueries a dozen times per row, in each of the dozen queries of a past overview (at a
    million assignments a province leader's overview a year ago took 22 s).
    """
    names = [f"flag_{kind}" for kind in flags]
    rows = (
        qs.annotate(**{name: _flag(kind, on) for name, kind in zip(names, flags, strict=True)})
        .values_list(
            "pk",
            "directive__document_id",
            "lead_unit_id",
            "lead_unit__path",
            "asof_status",
            "asof_deadline",
            "asof_reported_on",
            *names,
        )
        .iterator(chunk_size=5000)
    )
    # The standing and group follow from (status, deadline, report day) alone, and rows share
    # them (a deadline holds hundreds): each worked out once per read, then looked up (a year
    # back of the whole tree reads half a million rows).
    judged: dict[tuple, tuple[str, str]] = {}
    reported_counts = (Status.DONE, Status.AWAITING_SIGNOFF)
    for pk, document_id, unit_id, path, status, deadline, reported_on, *marks in rows:
        deadline, reported_on = _date(deadline), _date(reported_on)
        key = (status, deadline, reported_on if status in reported_counts else None)
        found = judged.get(key)
        if found is None:
            standing = standing_for(
                status=status,
                deadline=deadline,
                completed_on=reported_on if status == Status.DONE else None,
                on=on,
                reported_on=reported_on,
            )
            found = judged[key] = (standing, group_for(standing, deadline).value)
        yield Then(
            pk,
            document_id,
            unit_id,
            path,
            status,
            deadline,
            reported_on,
            *found,
            dict(zip(flags, marks, strict=True)),
        )


@dataclass
class _OnePass:
    """What the overview shows, worked out from one read of the rows in scope
    (`OverviewBoard._one_pass`)."""

    per_document: dict[int, Counts] = field(default_factory=lambda: defaultdict(Counts))
    per_unit: dict[int, Counts] = field(default_factory=lambda: defaultdict(Counts))
    lists: dict[str, _First] = field(
        default_factory=lambda: {
            k: _First() for k in (Attention.OVERDUE, Attention.DUE, Attention.SILENT)
        }
    )
    awaiting: list[int] = field(default_factory=list)
    awaiting_count: int | None = None  # len(awaiting) unless only some of them are listed
    # The rows on a list that is a record of its own (NOT_OF_THE_DAY): few, read again whole.
    flagged: dict[str, list[int]] = field(default_factory=lambda: {k: [] for k in NOT_OF_THE_DAY})
    completed: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))
    fallen_due: dict[tuple[int, int], int] = field(default_factory=lambda: defaultdict(int))


def _counts(values: dict[str, int]) -> Counts:
    counts = Counts()
    counts.values.update(values)
    return counts


def _corrected(into: dict, less: dict, more: dict) -> None:
    """`into` (counts per key) less `less`'s and plus `more`'s: the rows that moved since a
    date, counted as they are now (`less`) and as they were then (`more`)."""
    for sign, per in ((-1, less), (1, more)):
        for key, counts in per.items():
            if isinstance(counts, Counts):
                if key not in into:
                    into[key] = Counts()
                for name, n in counts.values.items():
                    into[key].values[name] += sign * n
            else:
                into[key] = into.get(key, 0) + sign * counts


class _UnitTree:
    """Counts per unit: each unit's whole subtree, and what it leads itself (`direct`); the
    units that have any, by parent. Built from the counts per lead unit (`_RolledUp`) or read
    from the maintained counts for the units shown (`_Tallied`)."""

    def subtree(self, pk: int) -> Counts:
        raise NotImplementedError

    def direct(self, pk: int) -> Counts:
        raise NotImplementedError

    def children(self, parent: Unit | None) -> list[Unit]:
        """The units under `parent` (the top of the scope for None) that count anything."""
        raise NotImplementedError

    def branching(self, units: list[Unit]) -> set[int]:
        """Those of `units` with a unit under them that counts anything (they open)."""
        raise NotImplementedError

    def unit(self, pk: int) -> Unit:
        raise NotImplementedError


class _RolledUp(_UnitTree):
    """From the counts per lead unit: every unit above a lead unit adds its counts."""

    def __init__(self, direct: dict[int, Counts]):
        self._direct = direct
        leads = dict(Unit.objects.filter(pk__in=list(direct)).values_list("pk", "path"))
        self._subtree: dict[int, Counts] = defaultdict(Counts)
        for unit_id, counts in direct.items():
            for ancestor in [int(p) for p in leads.get(unit_id, "").split("/") if p]:
                self._subtree[ancestor].add(counts)
        self._units = {
            u.pk: u for u in Unit.objects.filter(pk__in=list(self._subtree)).order_by("path")
        }
        self._children: dict[int | None, list[Unit]] = defaultdict(list)
        for unit in self._units.values():
            parent = unit.parent_id if unit.parent_id in self._units else None
            self._children[parent].append(unit)

    def subtree(self, pk: int) -> Counts:
        return self._subtree[pk]

    def direct(self, pk: int) -> Counts:
        return self._direct.get(pk, Counts())

    def children(self, parent: Unit | None) -> list[Unit]:
        return self._children.get(parent.pk if parent else None, [])

    def branching(self, units: list[Unit]) -> set[int]:
        return {u.pk for u in units if self._children.get(u.pk)}

    def unit(self, pk: int) -> Unit:
        return self._units[pk]


class _Tallied(_UnitTree):
    """From `AssignmentTally` (each unit's subtree, maintained): the rows of the units shown
    and of their children only, read a level at a time as the ranking opens — bounded by the
    units on the page, never by the assignments."""

    def __init__(self, board: OverviewBoard):
        overview = board.overview
        self._on = board.on
        self._overview = overview
        self._units = {u.pk: u for u in overview.units}
        self._kids: dict[int | None, list[Unit]] = defaultdict(list)
        for unit in overview.units:
            parent = unit.parent_id if unit.parent_id in self._units else None
            self._kids[parent].append(unit)
        if overview.unit is not None:  # the chosen unit is the top of what is counted
            self._kids[None] = [overview.unit]
        self._read: dict[int, Counts] = {}
        # A past date (`OverviewBoard.since`): today's counts less the rows that moved since,
        # plus those rows as they were then — per lead unit, added to every unit above it.
        self._moved: dict[int, Counts] = defaultdict(Counts)
        if board.since:
            seen, now = board._since_passes
            change: dict[int, Counts] = {}
            _corrected(change, now.per_unit, seen.per_unit)
            for lead, counts in change.items():
                for ancestor in aggregates.units_of_path(self._units[lead].path):
                    _corrected(self._moved, {}, {ancestor: counts})
        self._fetch([None, *overview.expand])

    def _fetch(self, parents: list[int | None], also: tuple[int, ...] = ()) -> None:
        """Read the counts of these units' children and of the units themselves (None: the
        top of the scope), with `also`, in one query; each unit is read once."""
        wanted = {unit.pk for parent in parents for unit in self._kids.get(parent, [])}
        wanted |= {pk for pk in [*parents, *also] if pk is not None}
        wanted -= set(self._read)
        if not wanted:
            return
        tally = self._counted().filter(AnyOf(F("unit_id"), sorted(wanted)))
        found = aggregates.groups_by(tally, "unit_id", on=self._on)
        for pk in wanted:
            self._read[pk] = _counts(found[pk]) if pk in found else Counts()
            if pk in self._moved:
                _corrected(self._read, {}, {pk: self._moved[pk]})

    def subtree(self, pk: int) -> Counts:
        self._fetch([], also=(pk,))
        return self._read[pk]

    def direct(self, pk: int) -> Counts:
        self._fetch([pk])
        own = Counts()
        own.add(self._read[pk])
        for kid in self._kids.get(pk, []):
            for key in own.values:
                own.values[key] -= self._read[kid.pk].values[key]
        return own

    def children(self, parent: Unit | None) -> list[Unit]:
        key = parent.pk if parent else None
        self._fetch([key])
        return [u for u in self._kids.get(key, []) if self._read[u.pk].total]

    def _counted(self) -> QuerySet:
        return AssignmentTally.objects.filter(
            self._overview.deadline_filter("deadline"), count__gt=0
        )

    def branching(self, units: list[Unit]) -> set[int]:
        """One query for a level: whether any row counts under a child of each unit (an
        EXISTS that stops at the first), not the children's counts — except for a past date,
        where what moved since may empty a child: its counts are read."""
        parents = [u.pk for u in units if self._kids.get(u.pk)]
        if not parents:
            return set()
        if self._moved:
            self._fetch(parents)
            return {pk for pk in parents if any(self._read[k.pk].total for k in self._kids[pk])}
        below = self._counted().filter(unit__parent_id=OuterRef("pk"))
        return set(
            Unit.objects.filter(AnyOf(F("pk"), parents))
            .filter(Exists(below))
            .values_list("pk", flat=True)
        )

    def unit(self, pk: int) -> Unit:
        return self._units[pk]


class OverviewBoard:
    """The overview's sections, each computed once (a fixed number of queries in all)."""

    def __init__(self, overview: Overview, *, one_pass: bool = True, tallies: bool = True):
        self.overview = overview
        self.on = overview.on
        self.qs = overview.assignments()
        # Every section from one read of the rows in scope (`_one_pass`): for a past date, where
        # each value is a subquery on the history, and today where the scope's ids are listed
        # (a leader below the central body): a dozen queries each reading those ids cost more
        # than reading them once (a province at a million: ~30,000 ids; 0.9 -> 0.5 s). The
        # whole tree today keeps SQL's sections: grouping a million rows in SQL beats turning
        # them into Python rows. `one_pass=False` asks SQL section by section (the tests
        # compare both).
        self.one_pass = one_pass and (self.on < overview.today or overview.ids_listed)
        # The whole tree's board today reads the breakdowns from the maintained counts
        # (`DocumentTally`, `AssignmentTally`): their key (status, deadline, late) gives every
        # group as of today or later, and their owners are the breakdowns' own. Grouping the
        # million rows in SQL took 1.6 s. `tallies=False` counts the rows (the tests compare).
        self.tallies = tallies and self.on >= overview.today and not overview.ids_listed
        # A past date of that board: today's tallies corrected by what moved since (`since`).
        self._may_since = (
            one_pass and tallies and self.on < overview.today and not overview.ids_listed
        )

    def _cells(self, line: Line) -> Line:
        line.cells = [
            Cell(
                group,
                ReportGroup(group).label,
                line.counts[group],
                self.overview.list_url(**line.link, group=group),
            )
            for group in GROUP_ORDER
        ]
        line.total_url = self.overview.list_url(**line.link)
        return line

    @cached_property
    def _breakdowns(self) -> tuple[dict[int, Counts], dict[int, Counts]]:
        """Counts by reporting group per document and per lead unit.

        Where the board reads its rows once: from `_one_pass`. The whole tree today: per
        document from `DocumentTally` (`_tallied_documents`); per lead unit the ranking reads
        `AssignmentTally` itself (`_unit_tree`), so none is counted here unless a document's
        filter (issuing body, kind, issue date) asks for the rows. Otherwise in SQL: today by
        one GROUP BY per breakdown, not one by document × lead unit (for a national scope that
        product is most of the rows: 651,000 at a million assignments); a past date with
        `one_pass=False` by the product.
        """
        if self.one_pass:
            return self._one_pass.per_document, self._one_pass.per_unit
        document, unit = "directive__document_id", "lead_unit_id"
        if self.tallies:
            per_unit = {} if self._units_tallied else self._grouped(unit, self.qs)
            return self._tallied_documents(), per_unit
        per_document: dict[int, Counts] = defaultdict(Counts)
        per_unit: dict[int, Counts] = defaultdict(Counts)
        if self.on >= self.overview.today:
            return self._grouped(document, self.qs), self._grouped(unit, self.qs)
        rows = self.qs.values_list(document, unit, "report_group_value").annotate(n=Count("pk"))
        for document_id, unit_id, group, n in rows:
            _add(per_document, document_id, group, n)
            _add(per_unit, unit_id, group, n)
        return per_document, per_unit

    @staticmethod
    def _grouped(column: str, qs: QuerySet) -> dict[int, Counts]:
        """Today's counts of `qs` by reporting group per `column`: one GROUP BY."""
        per: dict[int, Counts] = defaultdict(Counts)
        for key, group, n in qs.values_list(column, "report_group_value").annotate(n=Count("pk")):
            _add(per, key, group, n)
        return per

    @cached_property
    def _unissued_apart(self) -> bool:
        """Whether documents without an issuing body are counted apart from the tallies: the
        central leaders' scope takes their sub-assignments as the assigning body
        (`scope_parts`), where the tallies count top-level work only (`counted_filter(None)`,
        the scope of admins and inspectors)."""
        if permissions.sees_everything(self.overview.user):
            return False
        return Document.objects.filter(issuing_unit__isnull=True).exists()

    @cached_property
    def _units_tallied(self) -> bool:
        """Whether the ranking of lead units reads `AssignmentTally`: it has no document, so
        not with a filter on documents, nor where some are counted apart."""
        o = self.overview
        by_issue = o.by == PeriodBasis.ISSUED and (o.start or o.end)
        return not (o.issuer or o.kind or by_issue or self._unissued_apart)

    @cached_property
    def _tally(self) -> QuerySet | None:
        """The maintained counts' rows that count exactly this board's scope (with its deadline
        period), less the documents counted apart (`_unissued`); None where no tally can.

        `DocumentTally` without a unit filter (the filters on documents are a join), the
        chosen unit's `AssignmentTally` rows with one (and no filter on documents)."""
        if not (self.tallies or self._may_since):
            return None
        o = self.overview
        if o.unit is None:
            tally = DocumentTally.objects.filter(o.document_filter("document__"))
            if self._unissued_apart:
                tally = tally.filter(document__issuing_unit__isnull=False)
        elif self._units_tallied:
            tally = AssignmentTally.objects.filter(unit=o.unit)
        else:
            return None
        return tally.filter(o.deadline_filter("deadline"))

    @cached_property
    def _unissued(self) -> QuerySet:
        """The board's rows the tallies leave out (`_unissued_apart`), counted as rows."""
        if not self._unissued_apart:
            return self.qs.none()
        return self.qs.filter(directive__document__issuing_unit__isnull=True)

    def _tallied_documents(self) -> dict[int, Counts]:
        """Per document from `DocumentTally`: each document's rows (a few per deadline)."""
        if self._tally is None or self.overview.unit is not None:
            return self._grouped("directive__document_id", self.qs)
        per = self._grouped("directive__document_id", self._unissued)
        for pk, values in aggregates.groups_by(self._tally, "document_id", on=self.on).items():
            per[pk] = _counts(values)
        return per

    def _tallied_count(self, kind: str) -> int | None:
        """How many are on a list that the tallies' key decides (due within 7 days, awaiting
        sign-off); None where they cannot tell."""
        if (
            not self.tallies
            or self._tally is None
            or kind not in (Attention.DUE, Attention.AWAITING)
        ):
            return None
        held = self._tally_sum(self._tally_listed(kind))
        if self._unissued_apart:
            held += self._list(kind, ["pk"], self._unissued).count()
        return held

    def _tally_listed(self, kind: str) -> QuerySet:
        """The tally's rows on a list its key decides: due within 7 days, awaiting sign-off."""
        if kind == Attention.DUE:
            soon = self.on + dt.timedelta(days=DUE_WITHIN_DAYS)
            return self._tally.filter(aggregates.OPEN, deadline__gte=self.on, deadline__lte=soon)
        return self._tally.filter(status=Status.AWAITING_SIGNOFF)

    @cached_property
    def _unit_tree(self) -> _UnitTree:
        if (self.tallies and self._units_tallied) or self.since:
            return _Tallied(self)
        return _RolledUp(self._breakdowns[1])

    @cached_property
    def _one_pass(self) -> _OnePass:
        """The groups, lists and trend from ONE read of the rows in scope (`read_then`: a past
        date's values from the history, today's from the stored columns): the lists' counts
        and first rows and the monthly buckets worked out as the rows go by; only the first
        rows of each list are read again, whole. The whole tree's past: `_since_pass`."""
        if self.since:
            return self._since_pass()
        return self._pass(self.qs)

    def _pass(self, qs: QuerySet) -> _OnePass:
        """`_one_pass` over the rows of `qs` (an `as_of` queryset), judged on the board's date."""
        seen = _OnePass()
        on = self.on
        begin = self._trend_months[0]
        nulls_last = connection.features.nulls_order_largest
        for row in read_then(qs, on, flags=(Attention.SILENT, *NOT_OF_THE_DAY)):
            _add(seen.per_document, row.document_id, row.group)
            _add(seen.per_unit, row.unit_id, row.group)
            if row.status == Status.DONE:  # on none of the lists (`Then.is_listed`)
                done_on = row.reported_on
                if done_on is not None and begin <= done_on <= on:
                    seen.completed[(done_on.year, done_on.month)] += 1
            else:
                for kind, first in seen.lists.items():
                    if row.is_listed(kind, on):
                        silent = kind == Attention.SILENT
                        key = _deadline_key(row.deadline, nulls_last) if silent else row.deadline
                        first.offer(key, row.pk)
                if row.is_listed(Attention.AWAITING, on):
                    seen.awaiting.append(row.pk)
            for kind, pks in seen.flagged.items():
                if row.flags[kind]:
                    pks.append(row.pk)
            if row.deadline is not None and begin <= row.deadline < on:
                seen.fallen_due[(row.deadline.year, row.deadline.month)] += 1
        return seen

    # --- a past date of the whole tree: today's tallies and what moved since -------------
    @cached_property
    def since(self) -> bool:
        """Whether this past date of the whole tree's board is read as today's maintained
        counts corrected by the rows that moved since (`_since_pass`) rather than by reading
        every row's history: without a unit filter or a filter on documents (the tallies hold
        the lead unit or the document, not both) and with no document counted apart."""
        if not (self._may_since and self.overview.unit is None and self._units_tallied):
            return False
        # SQLite takes the ids as one parameter each (at most 250,000 in a statement).
        return connection.vendor != "sqlite" or len(self._moved_ids) <= SQLITE_IDS

    @cached_property
    def _moved_ids(self) -> list[int]:
        """The rows in scope that may look different on the as-of day than today: created
        after it, or with an update or a deadline change recorded after it. Every other row
        has nothing recorded since, so it looked then as it does now (`as_of`): the stored
        columns are the history's latest values. Read from the history's date indexes, then
        kept to the scope (a subquery under OR was planned row by row: minutes at a million)."""
        from directives.models import DeadlineChange, ProgressUpdate
        from directives.models.assignment import end_of_day

        end = end_of_day(self.on)
        touched = set(
            ProgressUpdate.objects.filter(created_at__gte=end)
            .order_by()
            .values_list("assignment_id", flat=True)
            .distinct()
        )
        touched.update(
            DeadlineChange.objects.filter(changed_at__gte=end)
            .order_by()
            .values_list("assignment_id", flat=True)
            .distinct()
        )
        scoped = self.overview.scoped().order_by()
        moved = set(scoped.filter(created_at__gte=end).values_list("pk", flat=True))
        touched = sorted(touched - moved)
        step = len(touched) if connection.vendor == "postgresql" else 20_000  # SQLite: variables
        for i in range(0, len(touched), max(step, 1)):
            chunk = touched[i : i + step]
            moved.update(scoped.filter(AnyOf(F("pk"), chunk)).values_list("pk", flat=True))
        return sorted(moved)

    def _in_period(self, qs: QuerySet) -> QuerySet:
        """`qs` (an `as_of` queryset) within the deadline period, if one is chosen."""
        return qs.filter(self.overview.deadline_filter("asof_deadline")).order_by()

    @cached_property
    def _stored(self) -> QuerySet:
        """Every row in scope with today's values judged on the as-of day, the deadline period
        on today's deadline (the tallies' terms)."""
        return self._in_period(self.overview.scoped().as_of(self.on, from_stored=True))

    @cached_property
    def _since_passes(self) -> tuple[_OnePass, _OnePass]:
        """The rows that moved, as they were on the day (from the history; those created
        after it are not there) and as they are now judged on that day."""
        # By their ids alone: they are in scope, and its conditions cost more than the ids.
        moved = Assignment.objects.filter(AnyOf(F("pk"), self._moved_ids))
        then = self._pass(self._in_period(moved.as_of(self.on)))
        now = self._pass(self._in_period(moved.as_of(self.on, from_stored=True)))
        return then, now

    def _since_pass(self) -> _OnePass:
        """`_one_pass` for a past date of the whole tree: each number is today's (from the
        tallies, or SQL over the stored columns judged on that day) less the rows that moved
        since as they are now, plus the same rows as they were then. Only those rows' history
        is read: its cost follows the changes since the day (at a million in the load data,
        a month back 112,676 rows of 990,913, a year back 350,718)."""
        then, now = self._since_passes
        moved = set(self._moved_ids)
        on, begin = self.on, self._trend_months[0]
        tally = self._tally
        seen = _OnePass()
        for pk, values in aggregates.groups_by(tally, "document_id", on=on).items():
            seen.per_document[pk] = _counts(values)
        _corrected(seen.per_document, now.per_document, then.per_document)
        seen.per_document = defaultdict(
            Counts, {pk: c for pk, c in seen.per_document.items() if c.total}
        )
        # The trend: completions from the stored dates, the deadlines from the tally.
        done = (
            self._stored.filter(asof_status=Status.DONE, asof_completed_on__gte=begin)
            .filter(asof_completed_on__lte=on)
            .values_list("asof_completed_on")
            .annotate(n=Count("pk"))
            .values_list("asof_completed_on", "n")
        )
        due = (
            tally.filter(deadline__gte=begin, deadline__lt=on)
            .order_by()
            .values_list("deadline")
            .annotate(n=Sum("count"))
            .values_list("deadline", "n")
        )
        for into, rows in ((seen.completed, done), (seen.fallen_due, due)):
            for day, n in rows:
                day = _date(day)
                into[(day.year, day.month)] += n
        _corrected(seen.completed, now.completed, then.completed)
        _corrected(seen.fallen_due, now.fallen_due, then.fallen_due)
        # The lists: counts as the numbers above; first rows from the stored order, skipping
        # the rows that moved, merged with those rows as they were.
        overdue = sum(c.overdue for c in seen.per_document.values())
        counts = {
            Attention.OVERDUE: overdue,
            Attention.DUE: self._tally_sum(self._tally_listed(Attention.DUE))
            - now.lists[Attention.DUE].count
            + then.lists[Attention.DUE].count,
            Attention.SILENT: self._stored.filter(attention_condition(Attention.SILENT, on)).count()
            - now.lists[Attention.SILENT].count
            + then.lists[Attention.SILENT].count,
        }
        nulls_last = connection.features.nulls_order_largest
        for kind, first in seen.lists.items():
            for key, pk in then.lists[kind].items:
                first.offer(key, pk)
            for deadline, pk in self._unmoved(kind, ["asof_deadline", "pk"]):
                silent = kind == Attention.SILENT
                first.offer(_deadline_key(deadline, nulls_last) if silent else deadline, pk)
            first.count = counts[kind]
        awaiting = [
            pk for _key, pk in self._unmoved(Attention.AWAITING, ["asof_last_update", "pk"])
        ]
        seen.awaiting = then.awaiting + awaiting
        seen.awaiting_count = (
            self._tally_sum(self._tally_listed(Attention.AWAITING))
            - len(now.awaiting)
            + len(then.awaiting)
        )
        for kind in NOT_OF_THE_DAY:
            flagged = self._stored.filter(attention_condition(kind, on)).values_list(
                "pk", flat=True
            )
            seen.flagged[kind] = sorted(
                {pk for pk in flagged if pk not in moved} | set(then.flagged[kind])
            )
        return seen

    @staticmethod
    def _tally_sum(rows: QuerySet) -> int:
        return rows.aggregate(n=Sum("count"))["n"] or 0

    def _unmoved(self, kind: str, order: list[str]) -> list[tuple]:
        """The first LIST_LIMIT rows of a list among those that did not move since the day
        (their values now are those of then), as (first ordering value, pk)."""
        qs = self._stored.filter(attention_condition(kind, self.on))
        if self._moved_ids:
            qs = qs.exclude(AnyOf(F("pk"), self._moved_ids))
        rows = qs.order_by(*order).values_list(order[0], "pk")[:LIST_LIMIT]
        return [(_date(key), pk) for key, pk in rows]

    @cached_property
    def totals(self) -> Counts:
        total = Counts()
        for counts in self._per_document.values():
            total.add(counts)
        return total

    @cached_property
    def headline_cells(self) -> list[Cell]:
        return [
            Cell(
                group,
                ReportGroup(group).label,
                self.totals[group],
                self.overview.list_url(group=group),
            )
            for group in GROUP_ORDER
        ]

    @cached_property
    def total_url(self) -> str:
        return self.overview.list_url()

    # --- per document and per issuing body ---------------------------------------------
    @cached_property
    def _per_document(self) -> dict[int, Counts]:
        return self._breakdowns[0]

    @cached_property
    def documents(self) -> dict[int, Document]:
        return {
            d.pk: d
            for d in Document.objects.filter(AnyOf(F("pk"), list(self._per_document)))
            .select_related("issuing_unit")
            .only("pk", "number", "subject", "issue_date", "issuer", "issuing_unit__name")
        }

    @cached_property
    def document_lines(self) -> list[Line]:
        lines = []
        for pk, counts in self._per_document.items():
            document = self.documents.get(pk)
            if document is None:
                continue
            label = (
                f"{document.number} — {document.subject}" if document.number else document.subject
            )
            lines.append(
                Line(
                    label=label,
                    counts=counts,
                    link={"doc": pk},
                    key=pk,
                    note=document.issue_date.strftime("%d/%m/%Y"),
                )
            )
        lines.sort(key=_rank)
        shown = lines[:DOCUMENT_ROWS]
        for line in shown:  # links for the rows shown only (a national scope has thousands)
            line.url = self.overview.document_url(line.key)
            self._cells(line)
        return shown

    @property
    def document_count(self) -> int:
        return len(self._per_document)

    @cached_property
    def issuer_lines(self) -> list[Line]:
        per: dict[object, Counts] = {}
        names: dict[object, str] = {}
        for pk, counts in self._per_document.items():
            document = self.documents.get(pk)
            if document is None:
                continue
            key = document.issuing_unit_id or f"issuer:{document.issuer}"
            names[key] = (
                document.issuing_unit.name if document.issuing_unit else document.issuer
            ) or str(_("Không rõ cơ quan ban hành"))
            per.setdefault(key, Counts()).add(counts)
        lines = []
        for key, counts in per.items():
            line = Line(label=names[key], counts=counts, key=key if isinstance(key, int) else None)
            if isinstance(key, int):
                line.link = {"issuer": key}
                line.url = self.overview.url(issuer=key)
            self._cells(line)
            lines.append(line)
        lines.sort(key=_rank)
        return lines

    # --- per lead unit, the tree rolled up -----------------------------------------------
    @cached_property
    def unit_lines(self) -> list[Line]:
        tree = self._unit_tree
        # Start at the chosen unit or the top; step down while one branch holds everything.
        top = None
        while True:
            kids = tree.children(top)
            own = tree.direct(top.pk).total if top else 0
            if len(kids) == 1 and own == 0:
                top = kids[0]
                continue
            break

        expand = set(self.overview.expand)
        lines: list[Line] = []

        def direct_line(unit: Unit, depth: int) -> Line:
            return self._cells(
                Line(
                    label=str(_("%(unit)s (tự chủ trì)") % {"unit": unit.name}),
                    counts=tree.direct(unit.pk),
                    link={"lead": unit.pk},
                    key=unit.pk,
                    depth=depth,
                    direct=True,
                )
            )

        def walk(parent: Unit | None, depth: int) -> None:
            level = []
            units = tree.children(parent)
            branching = tree.branching(units)
            for unit in units:
                expandable = unit.pk in branching
                expanded = expandable and unit.pk in expand
                toggled = [pk for pk in self.overview.expand if pk != unit.pk]
                if not expanded:
                    toggled.append(unit.pk)
                level.append(
                    self._cells(
                        Line(
                            label=unit.name,
                            counts=tree.subtree(unit.pk),
                            link={"unit": unit.pk},
                            key=unit.pk,
                            depth=depth,
                            expandable=expandable,
                            expanded=expanded,
                            toggle_url=self.overview.url(expand=toggled),
                        )
                    )
                )
            for line in sorted(level, key=_rank):
                lines.append(line)
                if line.expanded:
                    if tree.direct(line.key).total:
                        lines.append(direct_line(tree.unit(line.key), depth + 1))
                    walk(tree.unit(line.key), depth + 1)

        if top is not None and tree.direct(top.pk).total:
            lines.append(direct_line(top, 0))
        walk(top, 0)
        return lines

    # --- the unit scorecard (issue 17) ------------------------------------------------
    @cached_property
    def scorecard(self):
        """The last quarter finished by the as-of date, its first ranked units."""
        from directives.accountability.scorecard import build_scorecard, default_period, units_for

        card = build_scorecard(
            default_period(self.on + dt.timedelta(days=1)), units=units_for(self.overview.user)
        )
        return {"card": card, "top": card.ranked[:SCORECARD_TOP]}

    # --- "cần chú ý" ------------------------------------------------------------------
    def _list(self, kind: str, order: list[str], qs: QuerySet | None = None) -> QuerySet:
        """One list of `qs` (the board's rows by default), in its order."""
        qs = self.qs if qs is None else qs
        if kind == Attention.EXPLANATION:
            qs = qs.annotate(explanation_reply_by=explanation_reply_by(self.on))
        return qs.filter(attention_condition(kind, self.on)).order_by(*order)

    def _first(self, kind: str, order: list[str]) -> list:
        return self._rows(self._list(kind, order))

    def _one_pass_rows(self) -> dict[str, list]:
        """The first rows of the lists `_one_pass` worked out, read whole: two queries."""
        seen = self._one_pass
        chosen = {kind: first.pks for kind, first in seen.lists.items()}
        # The awaiting list's order (the last report) is one more value of the history: read
        # for those rows alone, ids only — the whole rows of thousands would each compute every
        # value of the day before the sort (4.4 s for a province a year ago at a million).
        chosen[Attention.AWAITING] = list(
            self.overview.these(seen.awaiting)
            .order_by("asof_last_update", "pk")
            .values_list("pk", flat=True)[:LIST_LIMIT]
        )
        wanted = sorted({pk for pks in chosen.values() for pk in pks})
        found = {a.pk: a for a in self._rows(self.overview.these(wanted), limit=None)}
        return {kind: [found[pk] for pk in pks if pk in found] for kind, pks in chosen.items()}

    def _rows(self, rows: QuerySet, limit: int | None = LIST_LIMIT) -> list:
        """The first rows of a list, whole, each with how many coordinating units are silent."""
        return list(
            rows.annotate(silent=silent_coordinating_units(self.on))
            .select_related("directive__document", "lead_unit")
            .defer(
                "search_title",
                "search_text",
                "directive__text",
                "directive__search_title",
                "directive__search_text",
                "directive__document__source_text",
                "directive__document__search_title",
                "directive__document__search_text",
            )[:limit]
        )

    @cached_property
    def attention(self) -> list[dict]:
        """Each list once: its label, count, link and first rows."""
        orders = {
            Attention.OVERDUE: ["asof_deadline", "pk"],
            Attention.DUE: ["asof_deadline", "pk"],
            Attention.AWAITING: ["asof_last_update", "pk"],
            Attention.SILENT: ["asof_deadline", "pk"],
            Attention.EXPLANATION: ["explanation_reply_by", "pk"],
        }
        first_rows = self._one_pass_rows() if self.one_pass else {}
        lists = []
        for kind, label in Attention.choices():
            # Read in one pass, the lists that are records of their own are known by their rows'
            # ids (a few): their first rows come from those alone, not from the scope again.
            flagged = self._one_pass.flagged.get(kind) if self.one_pass else None
            if kind == Attention.EXTENSION:
                requests = (
                    pending_extensions_on(self.on)
                    .filter(
                        Q(assignment__in=self.qs.values("pk"))
                        if flagged is None
                        else AnyOf(F("assignment_id"), flagged)
                    )
                    .select_related("assignment__directive__document", "assignment__lead_unit")
                    .order_by("requested_at", "pk")
                )
                rows = list(requests[:LIST_LIMIT])
                count = self._list(kind, ["pk"]).count() if flagged is None else len(flagged)
            elif flagged is not None:  # the explanations
                rows = self._rows(self._list(kind, orders[kind], self.overview.these(flagged)))
                count = len(flagged)
            elif kind in first_rows:
                rows = first_rows[kind]
                seen = self._one_pass
                if kind != Attention.AWAITING:
                    count = seen.lists[kind].count
                elif seen.awaiting_count is not None:
                    count = seen.awaiting_count
                else:
                    count = len(seen.awaiting)
            else:
                rows = self._first(kind, orders[kind])
                count = self._tallied_count(kind)
                if kind == Attention.OVERDUE:
                    count = self.totals.overdue
                elif count is None:
                    count = self._list(kind, ["pk"]).count()
            lists.append(
                {
                    "kind": kind,
                    "label": label,
                    "count": count,
                    "rows": rows,
                    "url": self.overview.list_url(list=kind),
                }
            )
        return lists

    # --- the monthly trend ---------------------------------------------------------------
    @cached_property
    def _trend_months(self) -> list[dt.date]:
        """The first days of the last 12 months up to the as-of date, oldest first."""
        first = dt.date(self.on.year, self.on.month, 1)
        starts = []
        for _i in range(12):
            starts.append(first)
            first = (first - dt.timedelta(days=1)).replace(day=1)
        starts.reverse()
        return starts

    @cached_property
    def months(self) -> list[Month]:
        """The last 12 months up to the as-of date: completed in the month against fallen due
        in the month (deadline in it, up to the as-of date), as recorded on that date."""
        starts = self._trend_months
        begin = starts[0]
        if self.one_pass:
            return [
                Month(
                    start,
                    self._one_pass.completed.get((start.year, start.month), 0),
                    self._one_pass.fallen_due.get((start.year, start.month), 0),
                )
                for start in starts
            ]

        def bucket(rows) -> dict[tuple[int, int], int]:
            found: dict[tuple[int, int], int] = defaultdict(int)
            for day, n in rows:
                if isinstance(day, str):
                    day = dt.date.fromisoformat(day)
                found[(day.year, day.month)] += n
            return found

        done = bucket(
            self.qs.filter(
                asof_status=Status.DONE,
                asof_completed_on__gte=begin,
                asof_completed_on__lte=self.on,
            )
            .values_list("asof_completed_on")
            .annotate(n=Count("pk"))
            .values_list("asof_completed_on", "n")
        )
        tally = self._tally if self.tallies else None  # today's (a past date: `_since_pass`)
        fallen = self.qs if tally is None else self._unissued
        due = bucket(
            fallen.filter(asof_deadline__gte=begin, asof_deadline__lt=self.on)
            .values_list("asof_deadline")
            .annotate(n=Count("pk"))
            .values_list("asof_deadline", "n")
        )
        if tally is not None:  # the rest from the tally's deadlines
            tallied = bucket(
                tally.filter(deadline__gte=begin, deadline__lt=self.on)
                .order_by()
                .values_list("deadline")
                .annotate(n=Sum("count"))
                .values_list("deadline", "n")
            )
            for month, n in tallied.items():
                due[month] += n
        return [
            Month(
                start, done.get((start.year, start.month), 0), due.get((start.year, start.month), 0)
            )
            for start in starts
        ]


# --- the trend chart --------------------------------------------------------------------
@dataclass
class TrendBar:
    x: float
    y: float
    height: float
    label: str


@dataclass
class TrendChart:
    slug: str
    title: str
    desc: str
    done: list[TrendBar]
    due: list[TrendBar]
    ticks: list[tuple[float, str]]
    peak: int
    width: int = 400
    height: int = 200
    bottom: int = 170
    left: int = 30


def trend_chart(months: list[Month], *, title: str) -> TrendChart:
    """Paired bars per month: completed (solid) beside fallen due (hatched)."""
    chart = TrendChart("chart-trend", title, "", [], [], [], 0)
    peak = max([m.completed for m in months] + [m.fallen_due for m in months] + [1])
    chart.peak = peak
    plot_h = chart.bottom - 12
    step = (chart.width - chart.left - 4) / max(len(months), 1)
    bar = step * 0.36
    sentences = []
    for i, m in enumerate(months):
        x = chart.left + i * step + step * 0.12
        h_done = m.completed / peak * plot_h
        h_due = m.fallen_due / peak * plot_h
        label = m.start.strftime("%m/%Y")
        chart.done.append(
            TrendBar(round(x, 1), round(chart.bottom - h_done, 1), round(h_done, 1), label)
        )
        chart.due.append(
            TrendBar(round(x + bar, 1), round(chart.bottom - h_due, 1), round(h_due, 1), label)
        )
        if i % 3 == 2:  # a label every quarter, ending with the as-of month: room to read
            chart.ticks.append((round(x + bar, 1), m.start.strftime("%m/%Y")))
        sentences.append(
            str(
                _("%(month)s: %(done)s hoàn thành, %(due)s đến hạn.")
                % {"month": label, "done": m.completed, "due": m.fallen_due}
            )
        )
    chart.desc = " ".join(
        [
            str(
                _(
                    "Theo tháng, 12 tháng gần nhất: số phân công hoàn thành (cột đặc) "
                    "và số phân công đến hạn (cột gạch chéo)."
                )
            ),
            *sentences,
        ]
    )
    return chart
