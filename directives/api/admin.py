"""Admin of API tokens (service accounts' tokens are issued here) and of the API write log."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives import actions
from directives.models import ApiToken, ApiWrite
from directives.models.api_token import Scope


class ApiTokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user", "name", "scopes"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """A service account is a user without a password whose membership (unit, role) says what
    it may see and do; an admin issues its tokens here. The key is shown once, on saving."""

    list_display = ["name", "user", "scopes", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scopes", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["user", "hint", "created_at", "last_used_at", "revoked_at"]
    fields = ["user", "name", "scopes", "hint", "created_at", "last_used_at", "revoked_at"]
    autocomplete_fields = []
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["user", "name", "scopes"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = actions.create_api_token(
            obj.user, name=obj.name, scopes=obj.scopes or Scope.READ
        )
        obj.pk = token.pk
        messages.warning(
            request,
            _("Mã truy cập mới (chỉ hiển thị lần này, hãy sao chép ngay): %(key)s") % {"key": key},
        )

    @admin.action(description=_("Thu hồi các mã đã chọn"))
    def revoke(self, request, queryset):
        count = queryset.active().update(revoked_at=timezone.now())
        self.message_user(request, _("Đã thu hồi %(n)d mã truy cập.") % {"n": count})


@admin.register(ApiWrite)
class ApiWriteAdmin(admin.ModelAdmin):
    """Every write made through the API, with the token's name: read only."""

    list_display = ["at", "username", "token_name", "method", "path", "status"]
    # A date filter rather than a date hierarchy, whose years are a DISTINCT over the whole log.
    list_filter = ["at", "method", "status"]
    search_fields = ["username", "token_name", "path"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
