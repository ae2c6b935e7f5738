"""The admin of periodic reports: obligations are set up here; submissions are only read (they
are written by the units and the receiving unit in the application)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from directives import evidence
from directives.admin_history import AuditHistoryAdmin
from directives.models import ReportingObligation, ReportSubmission, ReportSubmissionEvent
from directives.periodic import periods as P


class ObligationForm(forms.ModelForm):
    class Meta:
        model = ReportingObligation
        exclude = ["template_name"]  # noqa: DJ006 - every other field is the admin's to set

    def clean_template_file(self):
        upload = self.cleaned_data.get("template_file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            try:
                evidence.check_upload(upload)
            except evidence.EvidenceError as error:
                raise forms.ValidationError(str(error)) from None
        return upload


@admin.register(ReportingObligation)
class ReportingObligationAdmin(AuditHistoryAdmin):
    form = ObligationForm
    list_display = ["title", "document", "frequency", "due_rule", "receiving_unit", "active"]
    list_filter = ["frequency", "active"]
    search_fields = ["title", "content", "document__number", "document__subject"]
    autocomplete_fields = ["document", "directive", "units", "units_under", "receiving_unit"]
    list_select_related = ["document", "receiving_unit"]
    readonly_fields = ["next_dates"]

    @admin.display(description=_("Các kỳ sắp tới (theo quy tắc)"))
    def next_dates(self, obj):
        if not obj or not obj.pk:
            return "—"
        try:
            periods = obj.periods(
                obj.starts_on, obj.ends_on or obj.starts_on.replace(year=obj.starts_on.year + 1)
            )
            lines = []
            for period in periods[:6]:
                cutoff, due = obj.dates_for(period)
                lines.append(
                    f"{period.label}: chốt số liệu {cutoff:%d/%m/%Y}, hạn gửi {due:%d/%m/%Y}"
                )
            return "; ".join(lines) or "—"
        except P.RuleError as error:
            return str(error)

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("template_file")
        if upload and hasattr(upload, "content_type"):
            obj.template_name = evidence.check_name(upload.name)
        super().save_model(request, obj, form, change)


class EventInline(admin.TabularInline):
    model = ReportSubmissionEvent
    fields = ["at", "action", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReportSubmission)
class ReportSubmissionAdmin(admin.ModelAdmin):
    """Read-only: units submit and the receiving unit decides in the application."""

    list_display = ["obligation", "period_key", "unit", "due_date", "state", "submitted_at"]
    list_filter = ["state", "period_key"]
    search_fields = ["unit__name", "obligation__title"]
    list_select_related = ["obligation", "unit"]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
