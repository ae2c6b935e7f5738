"""The Django admin: where admins (quản trị) create and edit documents, units and assignments."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from directives import actions
from directives.admin_history import AuditHistoryAdmin
from directives.admin_widgets import SafeAutocompleteMixin
from directives.models import (
    Assignment,
    DeadlineChange,
    Directive,
    Document,
    Event,
    ExtensionRequest,
    Membership,
    Notification,
    ProgressUpdate,
    Reminder,
    Standing,
    Unit,
)
from directives.text import fold

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
                folded |= Q(**{f"{field}__contains": fold(search_term)})
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

    @admin.display(description=_("tên"), ordering="path")
    def indented_name(self, obj: Unit) -> str:
        return format_html("{}{}", "— " * obj.depth, obj.name)


class DirectiveInline(admin.StackedInline):
    model = Directive
    extra = 0
    fields = ["number", "position", "title", "text", "parent"]
    show_change_link = True


@admin.register(Document)
class DocumentAdmin(AuditHistoryAdmin):
    list_display = ["__str__", "number", "issue_date", "issuer", "signer"]
    date_hierarchy = "issue_date"
    search_fields = ["number", "subject", "issuer", "signer"]
    autocomplete_fields = ["issuing_unit"]
    inlines = [DirectiveInline]


class AssignmentInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["lead_unit", "deadline", "deadline_basis", "status", "percent"]
    readonly_fields = ["deadline", "deadline_basis", "status", "percent"]
    autocomplete_fields = ["lead_unit"]
    show_change_link = True


@admin.register(Directive)
class DirectiveAdmin(FoldedSearchMixin, AuditHistoryAdmin):
    list_display = ["number", "title", "document"]
    list_filter = ["document"]
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
    fields = ["created_at", "author", "unit", "percent", "status_before", "status_after", "note"]
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


@admin.register(Assignment)
class AssignmentAdmin(FoldedSearchMixin, AuditHistoryAdmin):
    list_display = [
        "directive_label",
        "lead_unit",
        "deadline_with_basis",
        "standing_badge",
        "status",
        "percent",
    ]
    list_filter = [
        "directive__document",
        "directive",
        ("lead_unit", admin.RelatedOnlyFieldListFilter),
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
        "deadline",
        "deadline_basis",
        *readonly_fields,
    ]
    inlines = [DeadlineChangeInline, ProgressUpdateInline]
    list_per_page = 50

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
        date = obj.deadline.strftime("%d/%m/%Y")
        return f"{obj.deadline_basis} — {date}" if obj.deadline_basis else date

    @admin.display(description=_("tình trạng"), ordering="standing_value")
    def standing_badge(self, obj: Assignment) -> str:
        standing = Standing(obj.standing_value)
        # A class, not a style attribute: the Content Security Policy forbids inline styles.
        return format_html(
            '<strong class="standing standing-{}">● {}</strong>', standing.value, standing.label
        )

    def save_model(self, request, obj, form, change):
        # Deadline edits go through the action so the history keeps every deadline.
        deadline, basis = obj.deadline, obj.deadline_basis
        if change:
            saved = Assignment.objects.get(pk=obj.pk)
            obj.deadline, obj.deadline_basis = saved.deadline, saved.deadline_basis
            obj.version = saved.version + 1
            super().save_model(request, obj, form, change)
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
        if deadline is not None or basis:
            actions.set_deadline(
                obj,
                deadline=deadline,
                basis=basis,
                kind=DeadlineChange.Kind.INITIAL,
                user=request.user,
            )


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    """Read-only: the history is written by the application's actions, never edited."""

    list_display = ["created_at", "assignment", "author", "percent", "status_after", "is_sample"]
    list_filter = ["is_sample", "status_after"]
    search_fields = ["note", "difficulties", "proposals"]
    list_select_related = ["assignment__directive", "assignment__lead_unit", "author"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(ProgressUpdateAdmin):
    list_display = ["changed_at", "assignment", "kind", "old_deadline", "new_deadline"]
    list_filter = ["kind"]
    search_fields = ["new_basis", "reason"]
    list_select_related = ["assignment__directive", "assignment__lead_unit"]
    date_hierarchy = "changed_at"


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


@admin.register(Notification)
class NotificationAdmin(ExtensionRequestAdmin):
    list_display = ["recipient", "title", "created_at", "read_at", "emailed_at"]
    list_filter = []
    list_select_related = ["recipient"]
    search_fields = ["title", "body"]
