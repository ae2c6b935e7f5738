"""The audit trail: who changed what, when, from where, with the values before and after.

django-simple-history keeps one row per create, change and delete of each tracked model in a
`Historical…` table; those tables carry plain copies of the values (no foreign-key constraints),
so the trail survives the deletion of the object itself. Each row here also keeps the client
address and the username as they were, so "who" survives the deletion of the user too.

Tracked: units, documents, directives, assignments (with their coordinating units), extension
requests (decisions), memberships (roles in units), and users and groups (sign-in rights,
admin rights, group membership). Progress updates and deadline changes are their own
append-only history and need no second copy.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from .assignment import Assignment
from .directive import Directive
from .document import Document
from .explanation import ExplanationRequest
from .extension import ExtensionRequest
from .membership import Membership
from .reporting import ReportingObligation
from .unit import Unit


class AuditBase(models.Model):
    """Extra columns on every history row: the client address and the username at the time."""

    history_ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    history_username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)

    class Meta:
        abstract = True


class AuditedRecords(HistoricalRecords):
    """HistoricalRecords that ignores saves touching only excluded bookkeeping fields.

    Signing in saves `last_login` alone; that is recorded by the sign-in log (axes), not as a
    change of the user.
    """

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, using=using, **kwargs)


@receiver(pre_create_historical_record)
def _stamp_who_and_where(sender, history_instance, **kwargs):
    """Fill "from where" from the request the middleware exposes (None outside requests)."""
    if not isinstance(history_instance, AuditBase):
        return
    from directives.operations.proxies import client_ip

    request = getattr(HistoricalRecords.context, "request", None)
    history_instance.history_ip = client_ip(request)
    user = history_instance.history_user
    username = user.get_username() if user is not None else ""
    # A write through the API names the token it came with (issue 19).
    token = getattr(request, "api_token", None)
    if token is not None:
        username = f"{username} · API: {token.name}"[:150]
    history_instance.history_username = username


def _track(model, **options) -> None:
    register(
        model,
        app="directives",
        records_class=AuditedRecords,
        bases=[AuditBase],
        **options,
    )


# Derived columns (search copies, the tree path rewritten by queries) are left out: they are
# recomputed from the tracked ones.
_track(Unit, excluded_fields=["search_text", "path"])
_track(Document)
_track(Directive, excluded_fields=["search_text"])
_track(Assignment, m2m_fields=["coordinating_units"])
_track(ExtensionRequest)
# Requests for explanation and their answers (issue 17).
_track(ExplanationRequest)
_track(Membership)
# Periodic reports (issue 18): the obligation as the admin sets it (submissions keep their
# own trail).
_track(ReportingObligation, m2m_fields=["units"])
# Never a copy of the password hash; `last_login` changes at every sign-in.
_track(User, excluded_fields=["password", "last_login"], m2m_fields=["groups", "user_permissions"])
_track(Group, m2m_fields=["permissions"])
