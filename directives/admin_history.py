"""The audit trail in the admin: read-only history pages, never a revert.

`AuditHistoryAdmin` is the base of every admin whose model is tracked (see
`directives.models.history`). Its history page lists each change with the values before and
after, who, when and from which address; the per-version page is view-only and refuses POST, so
the trail stays append-only. Users and groups get the same treatment, plus a "deactivate" action
that also ends the users' sessions (see `directives.sessions`).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from directives.admin_widgets import SafeAutocompleteMixin
from directives.audit import object_entries


def is_tracked(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


class AuditHistoryAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    """Admin base for tracked models; subclasses for untracked models keep Django's history.

    Also the base that hardens the admin against garbage ids (see admin_widgets).
    """

    object_history_list_template = "admin/audit_history_list.html"

    def history_view(self, request, object_id, extra_context=None):
        if not is_tracked(self.model):
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        entries = object_entries(self.model, self.model._meta.pk.to_python(object_id))
        return super().history_view(
            request, object_id, {**(extra_context or {}), "audit_entries": entries[::-1]}
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not is_tracked(self.model):
            raise Http404
        if request.method != "GET":
            # simple_history would save the old version back: the trail is append-only.
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def history_view_title(self, request, obj):
        return _("Lịch sử thay đổi: %(object)s") % {"object": obj}

    def history_form_view_title(self, request, obj):
        return _("Phiên bản cũ (chỉ xem): %(object)s") % {"object": obj}


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AuditedUserAdmin(AuditHistoryAdmin, UserAdmin):
    actions = ["deactivate"]

    @admin.action(description=_("Khóa các tài khoản đã chọn (kết thúc mọi phiên đăng nhập)"))
    def deactivate(self, request, queryset):
        count = 0
        for user in queryset.filter(is_active=True):
            user.is_active = False
            user._history_user = request.user
            user.save(update_fields=["is_active"])  # the signal ends their sessions
            count += 1
        self.message_user(
            request,
            ngettext("Đã khóa %(n)d tài khoản.", "Đã khóa %(n)d tài khoản.", count) % {"n": count},
            messages.SUCCESS,
        )


@admin.register(Group)
class AuditedGroupAdmin(AuditHistoryAdmin, GroupAdmin):
    pass
