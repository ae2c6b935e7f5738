"""What leaders see: the filters shared by the dashboard, its lists and the exports, and the
numbers behind them.

Everything is computed as of a date (`Assignment.objects.as_of`) and aggregated in SQL with
conditional counts, so a page runs the same handful of queries whatever the number of
assignments; Python only adds up rows per directive or per unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives import params, permissions
from directives.models import (
    Assignment,
    DeadlineChange,
    Directive,
    Document,
    ExtensionRequest,
    ReportGroup,
    Standing,
    Status,
    Unit,
    headline_rate,
)
from directives.models.assignment import end_of_day
from directives.widgets import DateInput, LongSelect

DUE_WITHIN_DAYS = 14
STALE_AFTER_DAYS = 30
LIST_LIMIT = 10
DOCUMENT_CHOICES = 100  # newest documents offered in the filter; any other is reached by its id


class ListKind:
    """The dashboard's lists; each is a condition on the as-of annotations."""

    OVERDUE = "overdue"
    DUE = "due"
    AWAITING = "awaiting"
    STALE = "stale"
    SUSPENDED = "suspended"
    EXTENSION = "extension"
    OPEN = "open"

    labels = {
        OVERDUE: _("Quá hạn, chưa hoàn thành"),
        DUE: _("Đến hạn trong 14 ngày tới"),
        AWAITING: _("Chờ xác nhận hoàn thành"),
        STALE: _("Lâu không cập nhật (quá 30 ngày)"),
        SUSPENDED: _("Đang tạm hoãn"),
        EXTENSION: _("Có đề nghị gia hạn chờ quyết định"),
        OPEN: _("Chưa hoàn thành"),
    }

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return list(cls.labels.items())


def list_condition(kind: str, on: dt.date) -> Q:
    """The filter of one list, on a queryset annotated by `as_of(on)`."""
    finished = Q(asof_status=Status.DONE)
    if kind == ListKind.OVERDUE:
        return Q(report_group_value=ReportGroup.OVERDUE_UNFINISHED)
    if kind == ListKind.DUE:
        # A completion reported on time has stopped its clock: it waits in the awaiting list.
        return (
            ~finished
            & ~Q(standing_value=Standing.AWAITING)
            & Q(asof_deadline__gte=on, asof_deadline__lte=on + dt.timedelta(days=DUE_WITHIN_DAYS))
        )
    if kind == ListKind.AWAITING:
        return Q(asof_status=Status.AWAITING_SIGNOFF)
    if kind == ListKind.STALE:
        # Last heard of more than 30 days before `on`, deadline or not; paused work is not stale.
        cutoff = end_of_day(on - dt.timedelta(days=STALE_AFTER_DAYS + 1))
        return ~Q(asof_status__in=[Status.DONE, Status.SUSPENDED]) & Q(asof_since__lt=cutoff)
    if kind == ListKind.SUSPENDED:
        return Q(asof_status=Status.SUSPENDED)
    if kind == ListKind.EXTENSION:
        return Q(Exists(pending_extensions_on(on).filter(assignment=OuterRef("pk"))))
    if kind == ListKind.OPEN:
        return ~finished
    raise ValueError(kind)


def silent_coordinations(on: dt.date) -> QuerySet:
    """The coordinations of the outer assignment (`OuterRef("pk")`) whose unit had sent no
    report of its own by the end of the day `on`."""
    from directives.models import ProgressUpdate

    through = Assignment.coordinating_units.through
    reported = ProgressUpdate.objects.filter(
        assignment_id=OuterRef("assignment_id"),
        unit_id=OuterRef("unit_id"),
        coordinating=True,
        created_at__lt=end_of_day(on),
    )
    return through.objects.filter(assignment_id=OuterRef("pk")).exclude(Exists(reported))


def silent_coordinating_units(on: dt.date) -> Coalesce:
    """Per assignment, how many of its coordinating units had sent no report of their own by
    the end of the day `on`: one correlated count, so a list shows it without a query per row.
    (To select the assignments that have any, `Exists(silent_coordinations(on))` stops at the
    first: half the time of this count at a million assignments.)"""
    silent = (
        silent_coordinations(on)
        .order_by()
        .values("assignment_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(silent), Value(0), output_field=IntegerField())


def pending_extensions_on(on: dt.date) -> QuerySet:
    """Extension requests made by the end of the day `on` and not yet decided then."""
    end = end_of_day(on)
    return ExtensionRequest.objects.filter(requested_at__lt=end).filter(
        Q(decided_at__isnull=True) | Q(decided_at__gte=end)
    )


LIST_COUNTS = [
    ListKind.DUE,
    ListKind.AWAITING,
    ListKind.STALE,
    ListKind.SUSPENDED,
    ListKind.EXTENSION,
]
COUNT_KEYS = ["total", *ReportGroup.values, *LIST_COUNTS]


@dataclass
class Counts:
    """Assignments by reporting group (and list), added up over directives or units."""

    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))

    def add_assignment(self, a) -> None:
        """Add one assignment annotated by `as_of` and with an `in_<list>` flag per list."""
        self.add_group(a.report_group_value)
        for kind in LIST_COUNTS:
            self.values[kind] += bool(getattr(a, f"in_{kind}"))

    def add_group(self, group: str) -> None:
        """Add one assignment by its reporting group alone (the list counts stay as they are)."""
        self.values["total"] += 1
        self.values[group] += 1

    def add(self, other: Counts) -> None:
        for key in COUNT_KEYS:
            self.values[key] += other.values[key]

    def __getitem__(self, key: str) -> int:
        return self.values[key]

    @property
    def total(self) -> int:
        return self.values["total"]

    @property
    def completed(self) -> int:
        return self.values[ReportGroup.DONE_ON_TIME] + self.values[ReportGroup.DONE_LATE]

    @property
    def overdue(self) -> int:
        return self.values[ReportGroup.OVERDUE_UNFINISHED]

    @property
    def fallen_due(self) -> int:
        return self.completed + self.overdue

    @property
    def rate(self):
        return headline_rate(self.completed, self.overdue)


class ReportFilterForm(forms.Form):
    """The filters in the URL: document, directive, unit subtree, period, standing, as-of date.

    The choices depend on the user and the chosen document, so the view passes the lists it has
    already read (one query each) and the form only checks values against them.
    """

    doc = forms.TypedChoiceField(
        label=_("Văn bản"), coerce=params.to_int, required=False, widget=LongSelect
    )
    directive = forms.TypedChoiceField(label=_("Nhiệm vụ"), coerce=params.to_int, required=False)
    unit = forms.TypedChoiceField(
        label=_("Đơn vị (gồm cả đơn vị trực thuộc)"),
        coerce=params.to_int,
        required=False,
        widget=LongSelect,
    )
    due_from = params.DateParamField(
        label=_("Thời hạn từ ngày"),
        required=False,
        widget=DateInput(),
    )
    due_to = params.DateParamField(
        label=_("đến ngày"),
        required=False,
        widget=DateInput(),
    )
    standing = forms.ChoiceField(
        label=_("Tình trạng"),
        required=False,
        choices=[("", _("Tất cả tình trạng")), *Standing.choices],
    )
    on = params.DateParamField(
        label=_("Số liệu tính đến ngày"),
        required=False,
        widget=DateInput(),
    )
    # Narrowing used by the links behind the numbers (lists only, not shown as fields).
    group = forms.ChoiceField(required=False, choices=[("", ""), *ReportGroup.choices])
    list = forms.ChoiceField(required=False, choices=[("", ""), *ListKind.choices()])
    lead = forms.TypedChoiceField(coerce=params.to_int, required=False)
    basis = forms.CharField(required=False, max_length=300)

    def __init__(self, data, *, documents, directives, units, today: dt.date, depth_base: int):
        super().__init__(data)
        self.today = today
        self.fields["doc"].choices = [(d.pk, document_label(d)) for d in documents]
        self.fields["directive"].choices = [("", _("Tất cả nhiệm vụ"))] + [
            (d.pk, f"{d.number}. {d.title}") for d in directives
        ]
        unit_choices = [(u.pk, "— " * max(u.depth - depth_base, 0) + u.name) for u in units]
        self.fields["unit"].choices = [("", _("Tất cả đơn vị")), *unit_choices]
        self.fields["lead"].choices = [("", ""), *unit_choices]

    def clean_on(self):
        on = self.cleaned_data.get("on")
        if on is not None and on > self.today:
            raise forms.ValidationError(_("Ngày xem số liệu không được sau hôm nay."))
        return on

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("due_from"), cleaned.get("due_to")
        if start and end and start > end:
            self.add_error("due_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
            cleaned.pop("due_from", None)  # an inverted period is ignored as a whole
        return cleaned


def document_label(document: Document) -> str:
    number = document.number or document.issue_date.strftime("%d/%m/%Y")
    return f"{number} — {document.subject}"


@dataclass
class Report:
    """The filters a request asked for, checked against what the user may see."""

    user: object
    form: ReportFilterForm
    documents: list[Document]
    document: Document | None
    directives: list[Directive]
    units: list[Unit]
    scope: Unit | None
    today: dt.date
    on: dt.date
    directive: Directive | None = None
    unit: Unit | None = None
    lead: Unit | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    standing: str = ""
    group: str = ""
    kind: str = ""
    basis: str = ""
    expand: list[int] = field(default_factory=list)
    # Set when the as-of date asked for does not exist or is in the future: the page then says
    # so and shows no figures, rather than today's under a wrong date.
    on_error: str = ""

    @property
    def has_figures(self) -> bool:
        return self.document is not None and not self.on_error

    @property
    def is_today(self) -> bool:
        return self.on == self.today

    @property
    def can_decide(self) -> bool:
        """Decisions are taken on today's picture, by the assigning body's leaders."""
        return (
            self.is_today
            and self.document is not None
            and permissions.is_document_assigner(self.user, self.document)
        )

    @property
    def units_by_id(self) -> dict[int, Unit]:
        return {u.pk: u for u in self.units}

    # --- the URL ------------------------------------------------------------------------
    def params(self, **changes) -> dict[str, object]:
        """The dashboard filters as query parameters, with `changes` applied (None removes)."""
        params: dict[str, object] = {
            "doc": self.document.pk if self.document else None,
            "directive": self.directive.pk if self.directive else None,
            "unit": self.unit.pk if self.unit else None,
            "due_from": self.due_from.isoformat() if self.due_from else None,
            "due_to": self.due_to.isoformat() if self.due_to else None,
            "standing": self.standing or None,
            "on": None if self.is_today else self.on.isoformat(),
            "expand": self.expand or None,
        }
        params.update(changes)
        return {key: value for key, value in params.items() if value not in (None, "")}

    def query(self, **changes) -> str:
        return urlencode(self.params(**changes), doseq=True)

    def list_params(self, **changes) -> dict[str, object]:
        """The filters of a list page: the dashboard's plus group, list, lead unit, basis."""
        return self.params(
            group=self.group or None,
            list=self.kind or None,
            lead=self.lead.pk if self.lead else None,
            basis=self.basis or None,
            **changes,
        )

    def list_query(self, **changes) -> str:
        return urlencode(self.list_params(**changes), doseq=True)

    # --- the data -----------------------------------------------------------------------
    def scoped(self) -> QuerySet:
        """The document's assignments this user's dashboard counts (not yet as of a date)."""
        if self.document is None:
            return Assignment.objects.none()
        qs = Assignment.objects.visible_to(self.user, narrowed=True).filter(
            directive__document=self.document
        )
        # Each piece of work once (issue 17): the assigning body counts top-level assignments,
        # another leader's unit what reached it and what it handed down in their place.
        return qs.filter(permissions.counted_filter(self.scope))

    def assignments(self) -> QuerySet:
        """Every dashboard filter applied, as of the chosen date."""
        qs = self.scoped()
        if self.directive is not None:
            qs = qs.filter(Q(directive=self.directive) | Q(directive__parent=self.directive))
        if self.unit is not None:
            qs = qs.filter(lead_unit__path__startswith=self.unit.path)
        qs = qs.as_of(self.on)
        if self.due_from is not None:
            qs = qs.filter(asof_deadline__gte=self.due_from)
        if self.due_to is not None:
            qs = qs.filter(asof_deadline__lte=self.due_to)
        if self.standing:
            qs = qs.filter(standing_value=self.standing)
        return qs.order_by()

    def listed(self) -> QuerySet:
        """`assignments()` narrowed by the list parameters (what a number links to)."""
        qs = self.assignments()
        if self.group:
            qs = qs.filter(report_group_value=self.group)
        if self.kind:
            qs = qs.filter(list_condition(self.kind, self.on))
        if self.lead is not None:
            qs = qs.filter(lead_unit=self.lead)
        if self.basis:
            qs = qs.filter(asof_basis=self.basis)
        return qs

    def list_title(self) -> str:
        parts = []
        if self.kind:
            parts.append(str(ListKind.labels[self.kind]))
        if self.group:
            parts.append(str(ReportGroup(self.group).label))
        if self.basis:
            parts.append(self.basis)
        if self.lead is not None:
            parts.append(self.lead.name)
        return " · ".join(parts) or str(_("Tất cả phân công"))

    def pending_extensions(self) -> QuerySet:
        """Extension requests open at the end of the day `on`, on the filtered assignments."""
        return (
            pending_extensions_on(self.on)
            .filter(assignment__in=self.assignments().values("pk"))
            .order_by("requested_at", "pk")
        )

    def milestone_dates(self) -> list[tuple[dt.date, list[str]]]:
        """The document's deadlines (with their bases), offered as ready-made as-of dates."""
        rows = (
            DeadlineChange.objects.filter(
                assignment__in=self.scoped().values("pk"), new_deadline__isnull=False
            )
            .values_list("new_deadline", "new_basis")
            .order_by("new_deadline", "new_basis")
            .distinct()
        )
        dates: dict[dt.date, list[str]] = {}
        for day, basis in rows:
            names = dates.setdefault(day, [])
            short = basis.split(" — ")[0].strip()
            if short and short not in names:
                names.append(short)
        return [(day, names) for day, names in dates.items() if day <= self.today]


def _units_of(document: Document, scope: Unit | None) -> QuerySet:
    """The units a document's dashboard can show: those leading its assignments and the units
    above them, within the scope — bounded by the document, not by the whole unit tree."""
    paths = (
        Unit.objects.filter(
            pk__in=Assignment.objects.filter(directive__document=document).values("lead_unit_id")
        )
        .order_by()
        .values_list("path", flat=True)
    )
    ids = {int(part) for path in paths for part in path.split("/") if part}
    units = Unit.objects.filter(pk__in=ids)
    if scope is not None:
        units = units.filter(path__startswith=scope.path)
    return units.order_by("path")


def as_of_date(text: str, today: dt.date) -> tuple[dt.date, str]:
    """The as-of date asked for, and a message when it cannot be shown (today is then returned
    only so that links still work; the caller must not show figures under it)."""
    if not text:
        return today, ""
    try:
        on = params.parse_date(text)
    except params.ParamError as error:
        return today, str(error)
    if on > today:
        return today, str(
            _("Ngày %(date)s ở tương lai: chưa có số liệu.") % {"date": on.strftime("%d/%m/%Y")}
        )
    return on, ""


def build_report(user, data: QueryDict, *, today: dt.date | None = None) -> Report:
    """Read and check the filters of a request; invalid values are reported and ignored."""
    today = today or timezone.localdate()
    # The newest documents are offered; an older one reached by a link is added to them, so the
    # page reads a bounded number of documents however many years of them there are.
    newest = Document.objects.newest_first().select_related("issuing_unit")
    documents = list(newest[:DOCUMENT_CHOICES])
    by_id = {d.pk: d for d in documents}
    try:
        wanted = params.parse_int(data.get("doc") or "", minimum=1, maximum=params.MAX_ID)
    except params.ParamError:
        wanted = None  # the form reports it next to the document filter; the newest is shown
    document = by_id.get(wanted) if wanted is not None else None
    if wanted is not None and document is None:
        document = newest.filter(pk=wanted).first()
        if document is not None:
            documents.append(document)
    document = document or (documents[0] if documents else None)
    directives = (
        list(document.directives.filter(parent=None).order_by("position", "pk")) if document else []
    )
    scope = permissions.dashboard_scope(user, document) if document else None
    units = list(_units_of(document, scope)) if document else []
    depth_base = min((u.depth for u in units), default=0)
    form = ReportFilterForm(
        data,
        documents=documents,
        directives=directives,
        units=units,
        today=today,
        depth_base=depth_base,
    )
    form.is_valid()
    cleaned = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    units_by_id = {u.pk: u for u in units}
    directives_by_id = {d.pk: d for d in directives}
    expand = params.ids_in(data.getlist("expand"), units_by_id)
    on, on_error = as_of_date(data.get("on") or "", today)
    if on_error:
        form.errors.pop("on", None)  # said once, above the figures
    report = Report(
        user=user,
        form=form,
        documents=documents,
        document=document,
        directives=directives,
        units=units,
        scope=scope,
        today=today,
        on=on,
        on_error=on_error,
        directive=directives_by_id.get(cleaned.get("directive")),
        unit=units_by_id.get(cleaned.get("unit")),
        lead=units_by_id.get(cleaned.get("lead")),
        due_from=cleaned.get("due_from"),
        due_to=cleaned.get("due_to"),
        standing=cleaned.get("standing") or "",
        group=cleaned.get("group") or "",
        kind=cleaned.get("list") or "",
        basis=cleaned.get("basis") or "",
        expand=expand,
    )
    # A directive of another document (the user has just switched documents) is dropped quietly.
    form.errors.pop("directive", None)
    return report
