"""Writes that touch several models or leave a history record.

Every entry point (views, admin, importer, commands) goes through these functions, so each write
obeys the same rules, checks the same version and leaves the same trail.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directives import permissions
from directives.models import (
    TRANSITIONS,
    Action,
    Assignment,
    DeadlineChange,
    ProgressClosed,
    ProgressUpdate,
    Status,
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
    coordinating: bool | None = None,
    unit=None,
) -> ProgressUpdate:
    """Append a progress update; the lead unit's moves the assignment's current percent.

    Progress has an owner (domain.md §3): a member of the lead unit reports the assignment's
    percent; a member of a coordinating unit (and not of the lead, which wins when both)
    reports its own part, kept as a `coordinating` row that changes nothing on the assignment.
    Raises PermissionDenied when the user is of neither, ProgressClosed when the assignment
    takes no progress now (awaiting sign-off, done, suspended), and VersionConflict when a lead
    update finds the assignment changed since `expected_version`. `trusted` skips the
    permission check for callers without a web user (demo seeding, commands), which may name
    the reporting `unit` and say whether the report is `coordinating` (by default: whether that
    unit is not the lead).
    """
    if not trusted and not permissions.can_log_progress(user, assignment):
        raise PermissionDenied(_("Bạn không được cập nhật tiến độ nhiệm vụ này."))
    membership = permissions.membership_of(user)
    if not trusted:
        # The permission rule decides, never the caller; the lead wins over coordinating.
        unit = membership.unit if membership is not None else None
        coordinating = not permissions.is_lead_member(user, assignment)
    else:
        if unit is None and membership is not None:
            unit = membership.unit
        if coordinating is None:
            coordinating = unit is not None and unit.pk != assignment.lead_unit_id
    at = at or timezone.now()
    with transaction.atomic():
        # A coordinating report writes nothing on the assignment row (not its percent, "last
        # updated" or version), so it checks no version and can never conflict with the lead
        # unit's form; it still takes the row lock, so it reads the status a concurrent
        # completion report or sign-off leaves.
        current = _lock(assignment, None if coordinating else expected_version)
        if not current.takes_progress:
            raise ProgressClosed(current.status)
        update = ProgressUpdate.objects.create(
            assignment=current,
            author=user,
            unit=unit,
            created_at=at,
            note=note,
            percent=percent,
            difficulties=difficulties,
            proposals=proposals,
            is_sample=is_sample,
            coordinating=coordinating,
        )
        if not coordinating:
            current.percent = percent
            current.version += 1
            current.last_update_at = at
            if is_sample:  # the audit trail keeps the sample's own date, not the seeding time
                current._history_date = at
            current.save(update_fields=["percent", "version", "last_update_at"])
    if not coordinating:
        _refresh(assignment, current)
    return update


class ConfirmBelowFull(TransitionError):
    """Confirming a completion reported below 100 % needs an explicit second confirmation."""

    def __init__(self, percent: int):
        super().__init__(
            _("Tiến độ đơn vị báo cáo là %(percent)d %%. Vẫn xác nhận hoàn thành?")
            % {"percent": percent}
        )
        self.percent = percent


def undo_deadline(confirmation: ProgressUpdate) -> dt.datetime:
    """Until when the leader who made `confirmation` may undo it (TRACKER_SIGNOFF_UNDO_HOURS)."""
    return confirmation.created_at + dt.timedelta(hours=settings.TRACKER_SIGNOFF_UNDO_HOURS)


def latest_move(assignment: Assignment) -> ProgressUpdate | None:
    """The assignment's latest workflow move (its history row), or None."""
    return (
        assignment.updates.exclude(status_after="")
        .select_related("author")
        .order_by("-created_at", "-pk")
        .first()
    )


def can_undo_confirm(assignment: Assignment, user, *, at: dt.datetime, move=...) -> bool:
    """Whether `user` may undo the confirmation now: it is the latest move, theirs, and recent.

    `move`: the latest move when the caller has read it already (None: there is none)."""
    if move is ...:
        move = latest_move(assignment)
    return _undo_refusal(move, assignment, user, at=at) is None


def _undo_refusal(move, assignment: Assignment, user, *, at: dt.datetime) -> str | None:
    """Why the confirmation cannot be undone (for the user), or None when it can."""
    if assignment.status != Status.DONE or move is None or move.status_after != Status.DONE:
        return _("Chỉ hủy được xác nhận hoàn thành ngay sau khi xác nhận.")
    if user is None or move.author_id != user.pk:
        return _("Chỉ lãnh đạo đã xác nhận hoàn thành mới được hủy xác nhận.")
    if at > undo_deadline(move):
        return _(
            "Đã quá %(hours)d giờ kể từ khi xác nhận nên không thể hủy; hãy mở lại nhiệm vụ"
            " và nêu lý do."
        ) % {"hours": settings.TRACKER_SIGNOFF_UNDO_HOURS}
    return None


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
    confirm_below: bool = False,
    quality: int | None = None,
    quality_comment: str = "",
) -> ProgressUpdate:
    """Apply a workflow action through the one rule (`Assignment.apply_transition`).

    The history row records the status before and after, and for a completion (report, confirm,
    undone confirm) the day the unit reported it (`done_on`). Raises TransitionError when the
    rules forbid it (including a user who holds no role that may make it) and VersionConflict.
    Sign-off safeguards: confirming below 100 % raises ConfirmBelowFull unless `confirm_below`;
    an undo is only for the leader who confirmed, as the latest move, within
    TRACKER_SIGNOFF_UNDO_HOURS; reopening needs a reason (`note`). Nothing is written when
    refused. `acting_as` is for trusted callers without a web user (demo seeding, commands).

    A confirmation carries the leader's evaluation (issue 17): `quality` 1–5 and an optional
    `quality_comment`, kept on the confirmation's history row, written in the same transaction
    as the audit record. The forms require it; a value outside 1–5, or an evaluation on any
    other action, raises TransitionError.
    """
    at = at or timezone.now()
    quality_comment = (quality_comment or "").strip()
    if quality is not None or quality_comment:
        if action != Action.CONFIRM:
            raise TransitionError(_("Chỉ đánh giá chất lượng khi xác nhận hoàn thành."))
        if quality is None or not 1 <= quality <= 5:
            raise TransitionError(_("Đánh giá chất lượng phải từ 1 đến 5."))
    actors = {acting_as} if acting_as else permissions.actors_for(user, assignment)
    if action == Action.REOPEN and not (note or "").strip():
        raise TransitionError(_("Cần nêu lý do mở lại nhiệm vụ."))
    if action == Action.SUSPEND and assignment.parent_id and not (note or "").strip():
        # Closing a sub-assignment is how its parent can be done without it: say why.
        raise TransitionError(_("Cần nêu lý do tạm hoãn (đóng) nhiệm vụ con."))
    with transaction.atomic():
        current = _lock(assignment, expected_version)
        required = _required_actor(action)
        actor = required if required in actors else next(iter(actors), None)
        if action in (Action.REPORT_DONE, Action.CONFIRM):
            _refuse_with_open_children(current)
        below = current.status == Status.AWAITING_SIGNOFF and current.percent < 100
        if action == Action.CONFIRM and actor == required and below and not confirm_below:
            raise ConfirmBelowFull(current.percent)
        restored_percent = None
        if action == Action.UNDO_CONFIRM and actor == required:
            refusal = _undo_refusal(latest_move(current), current, user, at=at)
            if refusal:
                raise TransitionError(refusal)
        if action in (Action.UNDO_CONFIRM, Action.REOPEN) and actor == required:
            # The confirmation set 100 %; the lead unit's own latest figure comes back (never a
            # coordinating unit's report of its part, nor a confirmation's 100 %).
            restored_percent = (
                current.updates.filter(coordinating=False)
                .exclude(status_after=Status.DONE)
                .order_by("-created_at", "-pk")
                .values_list("percent", flat=True)
                .first()
            )
        before, after = current.apply_transition(action, actor=actor, on=_local_date(at))
        if restored_percent is not None:
            current.percent = restored_percent
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
            done_on=(current.completed_on or current.reported_done_on)
            if after in (Status.AWAITING_SIGNOFF, Status.DONE)
            else None,
            is_sample=is_sample,
            quality=quality,
            quality_comment=quality_comment[:500],
        )
        current.version += 1
        current.last_update_at = at
        # The audit trail's row for this save says which action it was and why.
        current._change_reason = f"{Action(action).label}: {note}" if note else Action(action).label
        if quality is not None:
            current._change_reason += " — " + _("đánh giá %(q)d/5") % {"q": quality}
            if quality_comment:
                current._change_reason += f" ({quality_comment})"
        if is_sample:  # the audit trail keeps the sample's own date, not the seeding time
            current._history_date = at
        current.save()
    _refresh(assignment, current)
    return update


def _refuse_with_open_children(assignment: Assignment) -> None:
    """An assignment is done only when its sub-assignments are done or closed with a reason
    (suspended by their assigner, which needs one): raise TransitionError otherwise."""
    if assignment.status == Status.DONE:
        return
    open_children = assignment.children.exclude(status__in=[Status.DONE, Status.SUSPENDED]).count()
    if open_children:
        raise TransitionError(
            ngettext(
                "Còn %(n)d nhiệm vụ con chưa hoàn thành hoặc chưa đóng có lý do: "
                "chưa thể báo cáo hoàn thành.",
                "Còn %(n)d nhiệm vụ con chưa hoàn thành hoặc chưa đóng có lý do: "
                "chưa thể báo cáo hoàn thành.",
                open_children,
            )
            % {"n": open_children}
        )


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


def request_extension(
    assignment: Assignment,
    *,
    user,
    new_deadline: dt.date,
    reason: str,
    basis: str = "",
    expected_version: int | None = None,
    at: dt.datetime | None = None,
    trusted: bool = False,
):
    """The lead unit asks for a later deadline; it stays pending until the assigner decides.

    Raises PermissionDenied for anyone but the lead unit's members, TransitionError for a date
    not later than the current deadline or when a request is already pending.
    """
    from directives.models import ExtensionRequest

    if not trusted and not permissions.is_lead_member(user, assignment):
        raise PermissionDenied(_("Chỉ đơn vị chủ trì được đề nghị gia hạn."))
    at = at or timezone.now()
    with transaction.atomic():
        current = _lock(assignment, expected_version)
        if current.deadline is not None and new_deadline <= current.deadline:
            raise TransitionError(_("Thời hạn đề nghị phải sau thời hạn hiện tại."))
        if current.extension_requests.filter(state=ExtensionRequest.State.PENDING).exists():
            raise TransitionError(_("Đã có một đề nghị gia hạn đang chờ quyết định."))
        request = ExtensionRequest.objects.create(
            assignment=current,
            requested_by=user,
            requested_at=at,
            current_deadline=current.deadline,
            new_deadline=new_deadline,
            new_basis=basis,
            reason=reason,
        )
        current.version += 1
        current.last_update_at = at
        current.save(update_fields=["version", "last_update_at"])
    _refresh(assignment, current)
    return request


def decide_extension(
    request,
    *,
    user,
    approve: bool,
    note: str = "",
    at: dt.datetime | None = None,
    trusted: bool = False,
):
    """The assigner approves (the deadline moves, the original is kept, the count rises) or
    refuses a pending extension request. Refusal needs a note."""
    from directives.models import ExtensionRequest

    assignment = request.assignment
    if not trusted and not permissions.is_assigner(user, assignment):
        raise PermissionDenied(_("Chỉ lãnh đạo cơ quan giao nhiệm vụ được quyết định gia hạn."))
    if not approve and not note.strip():
        raise TransitionError(_("Cần nêu lý do không đồng ý gia hạn."))
    at = at or timezone.now()
    with transaction.atomic():
        locked = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state != ExtensionRequest.State.PENDING:
            raise TransitionError(_("Đề nghị gia hạn này đã được quyết định."))
        locked.state = (
            ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REFUSED
        )
        locked.decided_by = user
        locked.decided_at = at
        locked.decision_note = note
        locked.save()
        if approve:
            set_deadline(
                assignment,
                deadline=locked.new_deadline,
                basis=locked.new_basis or _("Gia hạn theo đề nghị"),
                kind=DeadlineChange.Kind.EXTENSION,
                user=user,
                reason=locked.reason,
                at=at,
            )
        else:
            current = _lock(assignment, None)
            current.version += 1
            current.save(update_fields=["version"])
            _refresh(assignment, current)
    _refresh(request, locked)
    return locked


def notify_lead_unit(
    assignment: Assignment, reminder, *, title: str, body: str, email_now: bool = False
) -> int:
    """Give every active member of the lead unit an in-app notification for `reminder`.

    E-mail goes out separately, each message as its own task (directives.tasks.send_email), so a
    failing address never blocks the log: queued after the commit when `email_now` (a leader's
    urging), else by the next run of send_reminders.
    """
    from directives.models import Membership, Notification

    users = [
        m.user
        for m in Membership.objects.filter(
            unit_id=assignment.lead_unit_id, user__is_active=True
        ).select_related("user")
    ]
    created = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            reminder=reminder,
            assignment=assignment,
            title=title,
            body=body,
            created_at=reminder.created_at,
        )
        for user in users
    )
    if email_now:
        from directives.tasks import send_email

        ids = [n.pk for n, user in zip(created, users, strict=True) if user.email]
        transaction.on_commit(lambda: [send_email.enqueue(pk) for pk in ids])
    return len(users)


def urge(assignment: Assignment, *, user, message: str, at: dt.datetime | None = None):
    """A leader of the assigning body urges (đôn đốc) the lead unit with a message."""
    from directives.models import Reminder

    if not permissions.is_assigner(user, assignment):
        raise PermissionDenied(_("Chỉ lãnh đạo cơ quan giao nhiệm vụ được đôn đốc."))
    if not message.strip():
        raise TransitionError(_("Cần nhập nội dung đôn đốc."))
    at = at or timezone.now()
    with transaction.atomic():
        reminder = Reminder.objects.create(
            assignment=assignment,
            kind=Reminder.Kind.MANUAL,
            key=f"manual:{assignment.pk}:{at.isoformat()}:{user.pk}",
            message=message,
            sent_by=user,
            created_at=at,
        )
        notify_lead_unit(
            assignment,
            reminder,
            title=_("Đôn đốc: %(title)s") % {"title": assignment.directive.title},
            body=message,
            email_now=True,
        )
    return reminder


def urge_by_letter(
    assignments, *, user, letter_date: dt.date, reply_by: dt.date, at: dt.datetime | None = None
) -> list:
    """A leader sends an urging letter (công văn đôn đốc) about these assignments: each gets an
    urge on its timeline naming the letter's date and the date a report is asked for, and its
    lead unit is notified. All or nothing: one refused assignment writes none."""
    message = _(
        "Công văn đôn đốc ngày %(date)s: đề nghị khẩn trương thực hiện và báo cáo kết quả "
        "trước ngày %(reply_by)s."
    ) % {"date": letter_date.strftime("%d/%m/%Y"), "reply_by": reply_by.strftime("%d/%m/%Y")}
    with transaction.atomic():
        return [urge(a, user=user, message=message, at=at) for a in assignments]


class DuplicateDocument(Exception):
    """The same text was imported before; nothing was written."""

    def __init__(self, document):
        super().__init__(_("Văn bản này đã được nhập trước đó: %(doc)s") % {"doc": document})
        self.document = document


def create_assignment(
    directive,
    *,
    lead_unit,
    coordinating_units=(),
    deadline: dt.date | None = None,
    basis: str = "",
    user=None,
    at: dt.datetime | None = None,
) -> Assignment:
    """Give a directive to a lead unit; the first deadline goes through set_deadline so the
    history holds it from the start."""
    with transaction.atomic():
        assignment = Assignment.objects.create(directive=directive, lead_unit=lead_unit)
        assignment.coordinating_units.set(coordinating_units)
        if deadline is not None or basis:
            set_deadline(
                assignment,
                deadline=deadline,
                basis=basis,
                kind=DeadlineChange.Kind.INITIAL,
                user=user,
                at=at,
            )
    return assignment


def import_reviewed(parsed, *, assignments, issuing_unit=None, user=None):
    """Create a reviewed document, its directives and their assignments in one transaction.

    `assignments` holds dicts with the directive `number`, `lead_unit`, `coordinating_units`,
    `deadline` and `basis`. Raises DuplicateDocument when the same text exists already.
    """
    with transaction.atomic():
        document, created = import_document(parsed, issuing_unit=issuing_unit)
        if not created:
            raise DuplicateDocument(document)
        directives = {d.number: d for d in document.directives.all()}
        for item in assignments:
            create_assignment(
                directives[item["number"]],
                lead_unit=item["lead_unit"],
                coordinating_units=item.get("coordinating_units", ()),
                deadline=item.get("deadline"),
                basis=item.get("basis", ""),
                user=user,
            )
    return document


# --- Reminders, notifications and calendar feeds (issue 5) ------------------------------------


def remind(assignment: Assignment, *, kind: str, key: str, title: str, message: str, at):
    """Log an automatic reminder (đôn đốc) once per `key` and notify the lead unit.

    Returns the new Reminder, or None when one with this key exists already: the unique key makes
    a second run in the same hour (or a concurrent one) send nothing twice.
    """
    from directives.models import Reminder

    with transaction.atomic():
        reminder, created = Reminder.objects.get_or_create(
            key=key,
            defaults={"assignment": assignment, "kind": kind, "message": message, "created_at": at},
        )
        if not created:
            return None
        notify_lead_unit(assignment, reminder, title=title, body=message)
    return reminder


def send_digest(user, *, key: str, title: str, body: str, at):
    """Give `user` one digest notification per `key` (one a week); None when it exists."""
    from directives.models import Notification

    notification, created = Notification.objects.get_or_create(
        key=key, defaults={"recipient": user, "title": title, "body": body, "created_at": at}
    )
    return notification if created else None


def mark_notifications(user, *, ids=None, read: bool, at: dt.datetime | None = None) -> int:
    """Mark the user's own notifications (all, or those in `ids`) read or unread; the count."""
    notifications = permissions.own_notifications(user)
    if ids is not None:
        notifications = notifications.filter(pk__in=ids)
    if read:
        return notifications.filter(read_at__isnull=True).update(read_at=at or timezone.now())
    return notifications.filter(read_at__isnull=False).update(read_at=None)


def renew_calendar_feed(user, *, at: dt.datetime | None = None):
    """Give `user` a new secret calendar address; the previous one stops working at once."""
    from directives.models import CalendarFeed

    at = at or timezone.now()
    with transaction.atomic():
        _lock_user(user)
        CalendarFeed.objects.active().filter(user=user).update(revoked_at=at)
        return CalendarFeed.objects.create(user=user, created_at=at)


def revoke_calendar_feed(user, *, at: dt.datetime | None = None) -> bool:
    """Stop `user`'s secret calendar address; False when there was none."""
    from directives.models import CalendarFeed

    with transaction.atomic():
        _lock_user(user)
        return bool(
            CalendarFeed.objects.active().filter(user=user).update(revoked_at=at or timezone.now())
        )


def _lock_user(user) -> None:
    """Serialise a user's calendar-address changes: without it two quick "renew" clicks both
    revoke nothing yet and both insert, and the second breaks the one-active-address rule
    (IntegrityError, a 500). The second now waits, then revokes the first one's address."""
    from django.contrib.auth import get_user_model

    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))


def record_progress_with_files(
    assignment: Assignment,
    *,
    user,
    files=(),
    **fields,
) -> ProgressUpdate:
    """`record_progress` plus up to five evidence files, all or nothing.

    Every file is checked (name, size, content) before anything is written; a refused file raises
    `evidence.EvidenceError` and leaves no trace. The files are stored only after the update row
    exists, and removed again if the transaction fails, so no orphan file stays in MEDIA_ROOT.
    """
    return _with_evidence(record_progress, assignment, user=user, files=files, **fields)


def transition_with_files(
    assignment: Assignment,
    action: str,
    *,
    user,
    files=(),
    **fields,
) -> ProgressUpdate:
    """`transition` plus up to five evidence files on its history row (the lead unit's
    completion report), all or nothing, like `record_progress_with_files`."""
    return _with_evidence(transition, assignment, action, user=user, files=files, **fields)


def _with_evidence(write, *args, user, files, **fields) -> ProgressUpdate:
    """Run `write` (which returns a history row) and attach the checked files to that row, in one
    transaction; files already stored are removed again if anything fails."""
    from django.core.files.storage import default_storage

    from directives import evidence

    if len(files) > evidence.MAX_FILES:
        raise evidence.EvidenceError(
            _("Chỉ được đính kèm tối đa %(n)d tệp.") % {"n": evidence.MAX_FILES}
        )
    checked = [(upload, evidence.check_upload(upload)) for upload in files]
    stored: list[str] = []
    try:
        with transaction.atomic():
            update = write(*args, user=user, **fields)
            _store_evidence(update, checked, user=user, stored=stored)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return update


def _store_evidence(update: ProgressUpdate, checked, *, user, stored: list[str]) -> None:
    """Save checked uploads as the update's attachments; each stored file's name is added to
    `stored` at once, so the caller can remove them if the transaction fails."""
    from directives import evidence
    from directives.models import Attachment

    for upload, kind in checked:
        attachment = Attachment(
            assignment_id=update.assignment_id,
            update=update,
            name=evidence.check_name(upload.name),
            extension=kind.extension,
            content_type=kind.content_type,
            size=upload.size,
            sha256=evidence.sha256_of(upload),
            uploaded_by=user,
            uploaded_at=update.created_at,
        )
        attachment.file.save(upload.name, upload, save=False)
        stored.append(attachment.file.name)
        attachment.save()


# --- API tokens (issue 19) ---------------------------------------------------------------------


def create_api_token(user, *, name: str, scopes: str, at: dt.datetime | None = None):
    """Make a named API token for `user`; returns (token, key). The key is shown once and
    never stored: only its digest is kept."""
    from directives.models import ApiToken

    token = ApiToken(user=user, name=name.strip(), scopes=scopes, created_at=at or timezone.now())
    key = token.issue()
    token.full_clean()
    token.save()
    return token, key


def revoke_api_token(user, token_id: int, *, at: dt.datetime | None = None) -> bool:
    """Stop one of `user`'s own tokens at once; False when there is no such active token."""
    from directives.models import ApiToken

    return bool(
        ApiToken.objects.active()
        .filter(user=user, pk=token_id)
        .update(revoked_at=at or timezone.now())
    )


# --- Requests for explanation (issue 17) -------------------------------------------------------


def request_explanation(
    assignment: Assignment,
    *,
    user,
    question: str,
    reply_by: dt.date,
    basis: str = "",
    at: dt.datetime | None = None,
    trusted: bool = False,
):
    """A leader of the assigning body asks the lead unit to explain (yêu cầu giải trình) by
    `reply_by`; the lead unit's members are notified. Only on work not done; the reply-by day
    may not be before today. Raises PermissionDenied or TransitionError; nothing is written then.
    """
    from directives.models import ExplanationRequest

    if not trusted and not permissions.can_request_explanation(user, assignment):
        raise PermissionDenied(_("Chỉ lãnh đạo cơ quan giao nhiệm vụ được yêu cầu giải trình."))
    question = (question or "").strip()
    if not question:
        raise TransitionError(_("Cần nêu nội dung yêu cầu giải trình."))
    at = at or timezone.now()
    if reply_by < _local_date(at):
        raise TransitionError(_("Hạn giải trình không được trước ngày hôm nay."))
    with transaction.atomic():
        current = _lock(assignment, None)
        if current.status == Status.DONE:
            raise TransitionError(_("Nhiệm vụ đã hoàn thành: không yêu cầu giải trình."))
        explanation = ExplanationRequest(
            assignment=current,
            asked_by=user,
            asked_at=at,
            question=question,
            reply_by=reply_by,
            reply_by_basis=basis[:300],
        )
        explanation._change_reason = _("Yêu cầu giải trình")
        explanation.save()
        _notify_members(
            current,
            title=_("Yêu cầu giải trình: %(title)s") % {"title": current.directive.title},
            body=_("%(question)s (hạn giải trình: %(date)s)")
            % {"question": question, "date": reply_by.strftime("%d/%m/%Y")},
            at=at,
        )
    return explanation


def answer_explanation(
    explanation,
    *,
    user,
    answer: str,
    files=(),
    expected_version: int | None = None,
    at: dt.datetime | None = None,
    trusted: bool = False,
):
    """The lead unit answers a request for explanation, with up to five files, once, all or
    nothing. Raises PermissionDenied, TransitionError (empty answer, already answered),
    VersionConflict-like TransitionError when someone answered since the form was opened, or
    `evidence.EvidenceError` for a refused file."""
    from django.core.files.storage import default_storage

    from directives import evidence
    from directives.models import ExplanationFile, ExplanationRequest

    if not trusted and not permissions.can_answer_explanation(user, explanation.assignment):
        raise PermissionDenied(_("Chỉ đơn vị chủ trì được giải trình."))
    answer = (answer or "").strip()
    if not answer:
        raise TransitionError(_("Cần nhập nội dung giải trình."))
    if len(files) > evidence.MAX_FILES:
        raise evidence.EvidenceError(
            _("Chỉ được đính kèm tối đa %(n)d tệp.") % {"n": evidence.MAX_FILES}
        )
    checked = [(upload, evidence.check_upload(upload)) for upload in files]
    at = at or timezone.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = ExplanationRequest.objects.select_for_update().get(pk=explanation.pk)
            if locked.answered_at is not None:
                raise TransitionError(_("Yêu cầu giải trình này đã được trả lời."))
            if expected_version is not None and locked.version != expected_version:
                raise TransitionError(
                    _("Yêu cầu giải trình đã được người khác cập nhật trong lúc bạn đang nhập.")
                )
            locked.answer = answer
            locked.answered_by = user
            locked.answered_at = at
            locked.version += 1
            locked._change_reason = _("Giải trình")
            locked.save()
            for upload, kind in checked:
                stored_file = ExplanationFile(
                    explanation=locked,
                    name=evidence.check_name(upload.name),
                    extension=kind.extension,
                    content_type=kind.content_type,
                    size=upload.size,
                    sha256=evidence.sha256_of(upload),
                    uploaded_by=user,
                    uploaded_at=at,
                )
                stored_file.file.save(upload.name, upload, save=False)
                stored.append(stored_file.file.name)
                stored_file.save()
            _notify_asker(locked, at=at)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    for field in ("answer", "answered_by_id", "answered_at", "version"):
        setattr(explanation, field, getattr(locked, field))
    return locked


def _notify_members(assignment: Assignment, *, title: str, body: str, at) -> None:
    from directives.models import Membership, Notification

    Notification.objects.bulk_create(
        Notification(
            recipient_id=user_id,
            assignment=assignment,
            title=title[:300],
            body=body,
            created_at=at,
        )
        for user_id in Membership.objects.filter(
            unit_id=assignment.lead_unit_id, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def _notify_asker(explanation, *, at) -> None:
    from directives.models import Notification

    if explanation.asked_by_id is None:
        return
    Notification.objects.create(
        recipient_id=explanation.asked_by_id,
        assignment_id=explanation.assignment_id,
        title=(_("Đã giải trình: %(question)s") % {"question": explanation.question[:200]})[:300],
        body=explanation.answer,
        created_at=at,
    )
