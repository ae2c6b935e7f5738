"""Writes that touch several models or leave a history record.

Every entry point (views, admin, importer, commands) goes through these functions, so each write
obeys the same rules, checks the same version and leaves the same trail.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import permissions
from directives.models import (
    TRANSITIONS,
    Action,
    Assignment,
    DeadlineChange,
    ProgressUpdate,
    TransitionError,
)


class VersionConflict(Exception):
    """Someone else saved the assignment since the form was opened."""

    def __init__(self, current: Assignment):
        super().__init__(_("Nhiệm vụ đã được người khác cập nhật trong lúc bạn đang nhập."))
        self.current = current


class PermissionDenied(Exception):
    """The user may not perform this write; nothing was written."""


def _lock(assignment: Assignment, expected_version: int | None) -> Assignment:
    """Re-read the assignment under a row lock and check the version the user saw."""
    current = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if expected_version is not None and current.version != expected_version:
        raise VersionConflict(current)
    return current


def _local_date(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def record_progress(
    assignment: Assignment,
    *,
    user,
    note: str,
    percent: int,
    difficulties: str = "",
    proposals: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
    is_sample: bool = False,
    trusted: bool = False,
) -> ProgressUpdate:
    """Append a progress update and move the assignment's current percent to it.

    Raises PermissionDenied when the user is not of the lead or a coordinating unit, and
    VersionConflict when the assignment changed since `expected_version`. `trusted` skips the
    permission check for callers without a web user (demo seeding, commands).
    """
    if not trusted and not permissions.can_log_progress(user, assignment):
        raise PermissionDenied(_("Bạn không được cập nhật tiến độ nhiệm vụ này."))
    at = at or timezone.now()
    with transaction.atomic():
        current = _lock(assignment, expected_version)
        membership = permissions.membership_of(user)
        update = ProgressUpdate.objects.create(
            assignment=current,
            author=user,
            unit=membership.unit if membership else None,
            created_at=at,
            note=note,
            percent=percent,
            difficulties=difficulties,
            proposals=proposals,
            is_sample=is_sample,
        )
        current.percent = percent
        current.version += 1
        current.last_update_at = at
        current.save(update_fields=["percent", "version", "last_update_at"])
    _refresh(assignment, current)
    return update


def transition(
    assignment: Assignment,
    action: str,
    *,
    user,
    note: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
    is_sample: bool = False,
    acting_as: str | None = None,
) -> ProgressUpdate:
    """Apply a workflow action through the one rule (`Assignment.apply_transition`).

    The history row records the status before and after. Raises TransitionError when the rules
    forbid it (including a user who holds no role that may make it) and VersionConflict.
    `acting_as` is for trusted callers without a web user (demo seeding, commands).
    """
    at = at or timezone.now()
    actors = {acting_as} if acting_as else permissions.actors_for(user, assignment)
    with transaction.atomic():
        current = _lock(assignment, expected_version)
        required = _required_actor(action)
        actor = required if required in actors else next(iter(actors), None)
        before, after = current.apply_transition(action, actor=actor, on=_local_date(at))
        membership = permissions.membership_of(user)
        update = ProgressUpdate.objects.create(
            assignment=current,
            author=user,
            unit=membership.unit if membership else None,
            created_at=at,
            note=note or Action(action).label,
            percent=current.percent,
            status_before=before,
            status_after=after,
            is_sample=is_sample,
        )
        current.version += 1
        current.last_update_at = at
        current.save()
    _refresh(assignment, current)
    return update


def _required_actor(action: str) -> str:
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise TransitionError(_("Thao tác không hợp lệ."))
    return rule.actor


def set_deadline(
    assignment: Assignment,
    *,
    deadline: dt.date | None,
    basis: str,
    kind: str,
    user=None,
    reason: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> DeadlineChange:
    """Set, extend or correct the deadline; the original deadline and every change are kept."""
    at = at or timezone.now()
    with transaction.atomic():
        current = _lock(assignment, expected_version)
        change = DeadlineChange.objects.create(
            assignment=current,
            kind=kind,
            old_deadline=current.deadline,
            new_deadline=deadline,
            new_basis=basis,
            reason=reason,
            changed_by=user,
            changed_at=at,
        )
        if current.original_deadline is None and kind == DeadlineChange.Kind.INITIAL:
            current.original_deadline = deadline
        if kind == DeadlineChange.Kind.EXTENSION:
            current.extension_count += 1
        current.deadline = deadline
        current.deadline_basis = basis
        current.version += 1
        current.save()
    _refresh(assignment, current)
    return change


def _refresh(target: Assignment, source: Assignment) -> None:
    """Copy the saved values back onto the caller's instance."""
    for field in target._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def import_document(parsed, *, issuing_unit=None):
    """Create a Document and its directives from a parsed text, once.

    Returns (document, created). The same text imported again returns the existing document
    untouched, so re-running an import changes nothing.
    """
    from directives.models import Directive, Document

    existing = Document.objects.filter(source_sha256=parsed.sha256).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        document = Document.objects.create(
            number=parsed.number,
            subject=parsed.subject,
            issuer=parsed.issuer,
            issuing_unit=issuing_unit,
            signer=parsed.signer,
            issue_date=parsed.issue_date or timezone.localdate(),
            source_text=parsed.source_text,
            source_sha256=parsed.sha256,
        )
        for position, item in enumerate(parsed.directives, start=1):
            Directive.objects.create(
                document=document,
                number=item.number,
                position=position,
                title=item.title,
                text=item.text,
            )
    return document, True
