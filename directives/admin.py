"""The Django admin: where admins (quản trị) create and edit documents, units and assignments."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from directives import actions, calendar, params
from directives.admin_filters import LatestDirectiveFilter, LatestDocumentFilter, TopUnitFilter
from directives.admin_history import AuditHistoryAdmin
from directives.admin_widgets import SafeAutocompleteMixin
from directives.calendar import DeadlinePhraseError, ResolvedDeadline, resolve_deadline
from directives.fields import DeadlineField, known_events
from directives.models import (
    Assignment,
    CalendarFeed,
    DeadlineChange,
    Directive,
    Document,
    Event,
    ExplanationRequest,
    ExtensionRequest,
    Membership,
    Notification,
    ProgressUpdate,
    Reminder,
    ScorecardFormula,
    ScoredPeriod,
    Standing,
    Unit,
)
from directives.text import search_key

admin.site.site_header = _("Theo dõi nhiệm vụ — Quản trị")
admin.site.site_title = _("Theo dõi nhiệm vụ")
admin.site.index_title = _("Quản trị dữ liệu")


class FoldedSearchMixin:
    """Search that finds Vietnamese text typed with or without diacritics.

    Each term is matched against the stored text and, folded, against the folded copy kept for
    that purpose (`search_text` fields), so "dam doi" finds "Đầm Dơi".
    """

    folded_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term and self.folded_search_fields:
            folded = Q()
            for field in self.folded_search_fields:
                folded |= Q(**{f"{field}__contains": search_key(search_term).strip()})
            queryset = queryset | self.model.objects.filter(folded)
        return queryset, may_have_duplicates


@admin.register(Unit)
class UnitAdmin(FoldedSearchMixin, AuditHistoryAdmin):
    list_display = ["indented_name", "short_name", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "short_name", "aliases"]
    folded_search_fields = ("search_text",)
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    # Aliases are how an imported text's "Sở LĐ-TB&XH" finds its unit: always on the form.
    fields = ["name", "short_name", "aliases", "kind", "parent", "active"]

    @admin.display(description=_("tên"), ordering="path")
    def indented_name(self, obj: Unit) -> str:
        return format_html("{}{}", "— " * obj.depth, obj.name)


class DirectiveInline(admin.StackedInline):
    model = Directive
    extra = 0
    fields = ["number", "position", "title", "text", "parent"]
    show_change_link = True


def assignments_of(lookup: str):
    """A changelist column linking each row to its assignments (`lookup`: the filter's
    parameter), which the assignment changelist's short sidebar filters cannot all list."""

    @admin.display(description=_("phân công"))
    def link(self, obj) -> str:
        url = reverse("admin:directives_assignment_changelist") + f"?{lookup}={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Xem phân công"))

    return link


@admin.register(Document)
class DocumentAdmin(AuditHistoryAdmin):
    list_display = ["__str__", "number", "issue_date", "issuer", "signer", "assignments_link"]
    assignments_link = assignments_of("directive__document__id__exact")
    date_hierarchy = "issue_date"
    search_fields = ["number", "subject", "issuer", "signer"]
    autocomplete_fields = ["issuing_unit"]
    inlines = [DirectiveInline]

    def get_urls(self):
        # "Nhập văn bản": the review page, reached only through the admin (staff, admin_view).
        from django.urls import path

        from directives.views.intake import document_import

        own = [
            path(
                "import/",
                self.admin_site.admin_view(document_import),
                name="directives_document_import",
            )
        ]
        return own + super().get_urls()


class AssignmentInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["lead_unit", "deadline", "deadline_basis", "status", "percent"]
    readonly_fields = ["deadline", "deadline_basis", "status", "percent"]
    autocomplete_fields = ["lead_unit"]
    show_change_link = True


@admin.register(Directive)
class DirectiveAdmin(FoldedSearchMixin, AuditHistoryAdmin):
    list_display = ["number", "title", "document", "assignments_link"]
    assignments_link = assignments_of("directive__id__exact")
    list_filter = [("document", LatestDocumentFilter)]
    search_fields = ["title", "text"]
    folded_search_fields = ("search_text",)
    autocomplete_fields = ["parent"]
    list_select_related = ["document"]
    inlines = [AssignmentInline]


class StandingFilter(admin.SimpleListFilter):
    title = _("tình trạng thời hạn")
    parameter_name = "standing"

    def lookups(self, request, model_admin):
        return Standing.choices

    def queryset(self, request, queryset):
        if self.value() in Standing.values:
            return queryset.filter(standing_value=self.value())
        return queryset


class ProgressUpdateInline(admin.TabularInline):
    """The history, read-only: progress updates are append-only."""

    model = ProgressUpdate
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "author",
        "unit",
        "coordinating",
        "percent",
        "status_before",
        "status_after",
        "note",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeadlineChangeInline(admin.TabularInline):
    model = DeadlineChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "kind", "old_deadline", "new_deadline", "new_basis", "changed_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class KeptDeadline:
    """The deadline field came back as it was shown: keep the stored date and basis untouched.

    A stored basis may be free text no phrase rule reads ("Khẩn trương (văn bản không nêu
    ngày) — 31/12/2020, do Văn phòng Tỉnh ủy ấn định"); saving the form for another field must
    neither reject it nor rewrite it.
    """


KEPT = KeptDeadline()


class AssignmentDeadlineField(DeadlineField):
    """DeadlineField that returns KEPT for the unchanged text it was shown with."""

    shown_text: str | None = None

    def clean(self, value):
        if self.shown_text is not None and str(value or "").strip() == self.shown_text:
            return KEPT
        return super().clean(value)


def _shown_deadline(assignment: Assignment, start) -> str:
    """The text the form shows for a stored deadline: the basis when it reads back to the same
    date (so it can be edited as a phrase), else "basis — dd/mm/yyyy"."""
    if assignment.deadline is None:
        return assignment.deadline_basis
    basis = assignment.deadline_basis
    if basis:
        try:
            if resolve_deadline(basis, start=start, events=known_events()).date == (
                assignment.deadline
            ):
                return basis
        except DeadlinePhraseError:
            pass
    return calendar.deadline_text(assignment.deadline, basis, with_lunar=False)


class AssignmentAdminForm(forms.ModelForm):
    """One "Thời hạn" input for a date or a phrase, instead of separate date and basis inputs.

    Phrases count from the document's issue date ("trong 10 ngày làm việc", "trước Tết Tân Sửu").
    The resolved date and basis are stored by AssignmentAdmin.save_model through
    actions.set_deadline, so the history keeps every deadline.
    """

    deadline_phrase = AssignmentDeadlineField(label=_("Thời hạn"), required=False)

    class Meta:
        model = Assignment
        fields = [
            "directive",
            "lead_unit",
            "coordinating_units",
            "contact_person",
            "expected_result",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["deadline_phrase"]
        field.start = self._start_date()
        if self.instance.pk:
            shown = _shown_deadline(self.instance, field.start)
            self.initial.setdefault("deadline_phrase", shown)
            field.shown_text = shown.strip()
            if self.instance.deadline is not None:
                field.help_text = format_html(
                    "{}<br>{}",
                    _("Hiện tại: %(deadline)s")
                    % {
                        "deadline": calendar.deadline_text(
                            self.instance.deadline, self.instance.deadline_basis
                        )
                    },
                    field.help_text,
                )

    def _start_date(self):
        """The issue date of the chosen directive's document; None (today) when unknown."""
        directive_id = (
            self.data.get(self.add_prefix("directive"))
            if self.is_bound
            else self.instance.directive_id
        )
        try:
            directive_id = params.parse_int(directive_id or "", minimum=1, maximum=params.MAX_ID)
        except params.ParamError:
            return None  # no id, or not one: the directive field reports it
        directive = Directive.objects.select_related("document").filter(pk=directive_id).first()
        return directive.document.issue_date if directive else None


@admin.register(Assignment)
class AssignmentAdmin(FoldedSearchMixin, AuditHistoryAdmin):
    form = AssignmentAdminForm
    list_display = [
        "directive_label",
        "lead_unit",
        "deadline_with_basis",
        "standing_badge",
        "status",
        "percent",
    ]
    list_filter = [
        ("directive__document", LatestDocumentFilter),
        ("directive", LatestDirectiveFilter),
        ("lead_unit", TopUnitFilter),
        "status",
        StandingFilter,
    ]
    search_fields = [
        "directive__title",
        "directive__text",
        "lead_unit__name",
        "lead_unit__short_name",
        "expected_result",
        "contact_person",
    ]
    folded_search_fields = ("directive__search_text", "lead_unit__search_text")
    list_select_related = ["directive", "lead_unit"]
    autocomplete_fields = ["directive", "lead_unit", "coordinating_units"]
    readonly_fields = [
        "status",
        "redo",
        "percent",
        "completed_on",
        "reported_done_on",
        "original_deadline",
        "extension_count",
        "version",
        "last_update_at",
    ]
    fields = [
        "directive",
        "lead_unit",
        "coordinating_units",
        "contact_person",
        "expected_result",
        "deadline_phrase",
        *readonly_fields,
    ]
    inlines = [DeadlineChangeInline, ProgressUpdateInline]
    list_per_page = 50
    # "50 of 1,000,000" needs a second count of the whole table on every filtered page.
    show_full_result_count = False
    # Newest first, from the primary key: the document order made PostgreSQL walk the
    # documents against a unit's thousand assignments (100 ms at a million, 27 ms so).
    ordering = ["-pk"]

    class Media:
        css = {"all": ["css/admin-extra.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_standing(on=timezone.localdate())

    @admin.display(description=_("nhiệm vụ"), ordering="directive__position")
    def directive_label(self, obj: Assignment) -> str:
        return f"{obj.directive.number}. {obj.directive.title}"

    @admin.display(description=_("thời hạn"), ordering="deadline")
    def deadline_with_basis(self, obj: Assignment) -> str:
        if obj.deadline is None:
            return obj.deadline_basis or _("Không hạn")
        return calendar.deadline_text(obj.deadline, obj.deadline_basis)

    @admin.display(description=_("tình trạng"), ordering="standing_value")
    def standing_badge(self, obj: Assignment) -> str:
        standing = Standing(obj.standing_value)
        # A class, not a style attribute: the Content Security Policy forbids inline styles.
        return format_html(
            '<strong class="standing standing-{}">● {}</strong>', standing.value, standing.label
        )

    def save_model(self, request, obj, form, change):
        # Deadline edits go through the action so the history keeps every deadline.
        value = form.cleaned_data.get("deadline_phrase")
        if change:
            saved = Assignment.objects.get(pk=obj.pk)
            obj.deadline, obj.deadline_basis = saved.deadline, saved.deadline_basis
            obj.version = saved.version + 1
            super().save_model(request, obj, form, change)
            if value is KEPT:
                return
            deadline, basis = _deadline_and_basis(value)
            if (saved.deadline, saved.deadline_basis) != (deadline, basis):
                actions.set_deadline(
                    obj,
                    deadline=deadline,
                    basis=basis,
                    kind=DeadlineChange.Kind.EDIT,
                    user=request.user,
                    reason=_("Điều chỉnh trong trang quản trị"),
                )
            return
        obj.deadline, obj.deadline_basis = None, ""
        super().save_model(request, obj, form, change)
        deadline, basis = _deadline_and_basis(value)
        if deadline is not None:
            actions.set_deadline(
                obj,
                deadline=deadline,
                basis=basis,
                kind=DeadlineChange.Kind.INITIAL,
                user=request.user,
            )


def _deadline_and_basis(value: ResolvedDeadline | None):
    """An empty deadline input means no deadline (không hạn)."""
    return (None, "") if value is None else (value.date, value.basis)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    """Read-only: the history is written by the application's actions, never edited."""

    list_display = ["created_at", "assignment", "author", "percent", "status_after", "is_sample"]
    # A date filter, not a date hierarchy: the hierarchy's years are a DISTINCT over the whole
    # history (1.7 s over five million reports), the filter's ranges cost nothing to offer.
    list_filter = ["created_at", "is_sample", "status_after"]
    search_fields = ["note", "difficulties", "proposals"]
    list_select_related = ["assignment__directive", "assignment__lead_unit", "author"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(ProgressUpdateAdmin):
    list_display = ["changed_at", "assignment", "kind", "old_deadline", "new_deadline"]
    list_filter = ["changed_at", "kind"]
    search_fields = ["new_basis", "reason"]
    list_select_related = ["assignment__directive", "assignment__lead_unit"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["name", "date", "end_date"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(Membership)
class MembershipAdmin(AuditHistoryAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(AuditHistoryAdmin):
    """Decisions are taken by leaders in the application; the admin shows them read-only."""

    list_display = ["assignment", "requested_at", "new_deadline", "state", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["assignment__directive", "assignment__lead_unit", "decided_by"]
    search_fields = ["reason", "decision_note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(ExtensionRequestAdmin):
    list_display = ["assignment", "kind", "created_at", "sent_by"]
    list_filter = ["kind"]
    list_select_related = ["assignment__directive", "assignment__lead_unit", "sent_by"]
    search_fields = ["message"]


@admin.register(ExplanationRequest)
class ExplanationRequestAdmin(ExtensionRequestAdmin):
    """Requests for explanation are asked and answered in the application; read-only here."""

    list_display = ["assignment", "asked_at", "reply_by", "answered_at", "asked_by"]
    list_filter = ["reply_by"]
    list_select_related = ["assignment__directive", "assignment__lead_unit", "asked_by"]
    search_fields = ["question", "answer"]


@admin.register(ScorecardFormula)
class ScorecardFormulaAdmin(admin.ModelAdmin):
    """The unit scorecard's formula (directives.models.scorecard states it); one row."""

    list_display = [
        "__str__",
        "on_time_points",
        "late_points",
        "timeliness_weight",
        "coordinating_weight",
        "late_explanation_penalty",
    ]

    def has_add_permission(self, request):
        return not ScorecardFormula.objects.exists()


@admin.register(ScoredPeriod)
class ScoredPeriodAdmin(admin.ModelAdmin):
    """Finished periods whose scorecard counts are stored (directives.models.scorecard).

    Nothing here is edited: counts come from history. After history was corrected by hand,
    "count again" recounts the chosen periods; a deleted period is counted again by the next
    page that asks for it.
    """

    list_display = ["key", "counted_at"]
    search_fields = ["key"]
    actions = ["recount"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Đếm lại các kỳ đã chọn từ lịch sử"))
    def recount(self, request, queryset):
        from directives.accountability.scorecard import parse_period, store_period

        keys = list(queryset.values_list("key", flat=True))
        for key in keys:
            store_period(parse_period(key), recount=True)
        self.message_user(request, _("Đã đếm lại %(count)d kỳ.") % {"count": len(keys)})


@admin.register(Notification)
class NotificationAdmin(ExtensionRequestAdmin):
    list_display = ["recipient", "title", "created_at", "read_at", "emailed_at"]
    list_filter = []
    list_select_related = ["recipient"]
    search_fields = ["title", "body"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Who subscribed a calendar app; the secret tokens themselves are never shown here."""

    list_display = ["user", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Thu hồi các địa chỉ đã chọn"))
    def revoke(self, request, queryset):
        count = queryset.active().update(revoked_at=timezone.now())
        self.message_user(request, _("Đã thu hồi %(n)d địa chỉ.") % {"n": count})


# Periodic reports (issue 18) register their own admin pages.
# API tokens, the API write log and webhooks (issue 19) keep their admin beside their code.
from directives.api import admin as _api_admin  # noqa: E402, F401
from directives.periodic import admin as _periodic_admin  # noqa: E402,F401
from directives.webhooks import admin as _webhook_admin  # noqa: E402, F401
