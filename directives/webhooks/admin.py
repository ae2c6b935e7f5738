"""Admin of webhooks: endpoints (URL, secret, events), deliveries with each attempt, re-send."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from directives.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from directives.models.webhook import Event
from directives.webhooks import sending


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("Địa chỉ nhận"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Sự kiện"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "events", "owner", "is_active", "paused_at"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "is_active", "paused_at", "failures", "owner"]
    list_filter = ["is_active", ("paused_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "url"]
    actions = ["resume"]

    @admin.action(description=_("Bật lại các điểm nhận đã chọn (bỏ tạm dừng)"))
    def resume(self, request, queryset):
        count = queryset.update(paused_at=None, failures=0, is_active=True)
        self.message_user(request, _("Đã bật lại %(n)d điểm nhận.") % {"n": count})


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ["at", "status_code", "duration_ms", "response_excerpt", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "endpoint", "state", "attempts", "next_attempt_at"]
    list_filter = ["state", "event", "endpoint"]
    list_select_related = ["endpoint"]
    fields = [
        "id",
        "endpoint",
        "event",
        "state",
        "attempts",
        "created_at",
        "next_attempt_at",
        "delivered_at",
        "payload",
    ]
    readonly_fields = fields
    inlines = [AttemptInline]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Gửi lại các lần gửi đã chọn (cùng mã, bên nhận tự loại trùng)"))
    def resend(self, request, queryset):
        from directives.webhooks.tasks import deliver

        count = 0
        for delivery in queryset:
            sending.resend(delivery)
            deliver.enqueue(str(delivery.pk))
            count += 1
        self.message_user(request, _("Đã xếp lịch gửi lại %(n)d lần gửi.") % {"n": count})
