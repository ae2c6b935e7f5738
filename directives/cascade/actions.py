"""Writes of the chain of assignment: handing a part of an assignment down."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import permissions
from directives.actions import PermissionDenied, set_deadline
from directives.models import Assignment, DeadlineChange, Membership, Notification, Role, Unit


class SplitRefused(Exception):
    """The part cannot be created as asked; the message is for the user. Nothing was written."""


def targets_below(parent: Assignment):
    """Units a part of `parent` may go to: active units strictly below its lead unit."""
    lead = parent.lead_unit
    return Unit.objects.active().filter(path__startswith=lead.path).exclude(pk=lead.pk)


def members_of(parent: Assignment):
    """Named members (staff and leaders) of `parent`'s lead unit a part may go to."""
    return Membership.objects.filter(
        unit_id=parent.lead_unit_id, role__in=[Role.STAFF, Role.LEADER], user__is_active=True
    ).select_related("user")


def split_assignment(
    parent: Assignment,
    *,
    user,
    expected_result: str,
    deadline: dt.date | None,
    basis: str = "",
    lead_unit: Unit | None = None,
    responsible_user=None,
    coordinating_units=(),
    at: dt.datetime | None = None,
    acting: bool = False,
) -> Assignment:
    """Hand a part of `parent` to a unit below its lead unit or to a named member of it.

    The part (sub-assignment) has the parent's directive, the lead unit as its assigner (who
    signs it off), its own expected result and coordinating units, and a deadline not later than
    the parent's — required when the parent has one. Its first deadline goes through
    `set_deadline`, so its history holds it from the start; the audit trail records its creation
    and its lead unit's members are notified. Raises PermissionDenied (not allowed to split) or
    SplitRefused (bad part); nothing is written then. `acting`: a trusted caller without a web
    user (demo seeding).
    """
    at = at or timezone.now()
    if not acting and not permissions.can_split(user, parent):
        raise PermissionDenied(_("Bạn không được giao tiếp nhiệm vụ này cho cấp dưới."))
    if (lead_unit is None) == (responsible_user is None):
        raise SplitRefused(_("Chọn một đơn vị cấp dưới hoặc một cán bộ của đơn vị."))
    if not expected_result.strip():
        raise SplitRefused(_("Hãy nêu phần việc, kết quả cần đạt."))
    if lead_unit is not None and not targets_below(parent).filter(pk=lead_unit.pk).exists():
        raise SplitRefused(_("Chỉ giao được cho đơn vị trực thuộc đơn vị chủ trì."))
    if (
        responsible_user is not None
        and not members_of(parent).filter(user=responsible_user).exists()
    ):
        raise SplitRefused(_("Chỉ giao được cho cán bộ của đơn vị chủ trì."))
    if parent.deadline is not None:
        if deadline is None:
            raise SplitRefused(
                _("Nhiệm vụ cấp trên có thời hạn %(date)s: hãy nêu thời hạn cho phần việc.")
                % {"date": parent.deadline.strftime("%d/%m/%Y")}
            )
        if deadline > parent.deadline:
            raise SplitRefused(
                _(
                    "Thời hạn phần việc (%(new)s) không được sau thời hạn của nhiệm vụ cấp trên "
                    "(%(parent)s)."
                )
                % {
                    "new": deadline.strftime("%d/%m/%Y"),
                    "parent": parent.deadline.strftime("%d/%m/%Y"),
                }
            )
    with transaction.atomic():
        # Lock the parent: a part is not handed down from work reported done meanwhile.
        parent = Assignment.objects.select_for_update().get(pk=parent.pk)
        if not acting and not permissions.can_split(user, parent):
            raise PermissionDenied(_("Bạn không được giao tiếp nhiệm vụ này cho cấp dưới."))
        child = Assignment(
            directive_id=parent.directive_id,
            parent=parent,
            assigned_by_unit_id=parent.lead_unit_id,
            lead_unit=lead_unit or parent.lead_unit,
            responsible_user=responsible_user,
            depth=parent.depth + 1,
            expected_result=expected_result.strip(),
            contact_person=(responsible_user.get_full_name() or responsible_user.username)
            if responsible_user is not None
            else "",
        )
        child._change_reason = _("Giao tiếp từ nhiệm vụ #%(id)d") % {"id": parent.pk}
        child.save()
        child.coordinating_units.set(coordinating_units)
        if deadline is not None or basis:
            set_deadline(
                child,
                deadline=deadline,
                basis=basis,
                kind=DeadlineChange.Kind.INITIAL,
                user=user,
                at=at,
            )
        _notify(child, parent, at=at)
    return child


def _notify(child: Assignment, parent: Assignment, *, at: dt.datetime) -> None:
    """The part's lead unit (or the named member alone) hears of it under the bell."""
    if child.responsible_user_id is not None:
        users = [child.responsible_user]
    else:
        users = [
            m.user
            for m in Membership.objects.filter(
                unit_id=child.lead_unit_id, user__is_active=True
            ).select_related("user")
        ]
    title = _("Được giao phần việc: %(title)s") % {"title": child.directive.title}
    body = _("%(unit)s giao: %(result)s") % {
        "unit": parent.lead_unit.name,
        "result": child.expected_result,
    }
    Notification.objects.bulk_create(
        Notification(recipient=u, assignment=child, title=title[:300], body=body, created_at=at)
        for u in users
    )
