"""Reminders (đôn đốc) that arrive once: what is due at a given moment, and the e-mail behind it.

`python manage.py send_reminders` runs :func:`run` every hour. Each occasion has a key, unique in
the database, so a run repeated in the same hour (or two runs at once) sends nothing twice:

* before the deadline: ``before:<assignment>:<deadline>:<N>`` for N in TRACKER_REMINDER_DAYS
  (default 7 and 1 days). Only the closest threshold not yet passed is sent, so an assignment
  created three days before its deadline gets one reminder ("còn 3 ngày"), not two;
* the day it becomes overdue (the day after the deadline): ``due:<assignment>:<deadline>``;
* every seven days while it stays overdue: ``overdue:<assignment>:<deadline>:<week>``;
* a request for explanation (issue 17) still unanswered the day before its reply-by day and on
  it: ``explain:<request>:<reply-by>:soon``; the day after and every seven days while it stays
  unanswered: ``explain:<request>:<reply-by>:late:<week>``;
* the weekly digest of each leader, one message listing everything in their scope that is
  overdue, due in the coming week or awaiting their sign-off: ``digest:<user>:<ISO week>``.

The deadline is part of the key, so an approved extension starts the reminders afresh. Only work
the lead unit can move is urged: done, suspended and "awaiting sign-off" assignments are not.
Reminders go to every member of the lead unit as in-app notifications (and so appear on the
assignment's timeline as Reminder rows); e-mail follows for those with an address, each message as
its own task (directives.tasks.send_email), so one failing address never stops the others and is
tried again on the next run. Each leader's digest is its own task too (tasks.send_digest): the run
decides and queues, a worker sends.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import actions, calendar
from directives.models import (
    Assignment,
    ExplanationRequest,
    Membership,
    Notification,
    Reminder,
    Role,
    Standing,
    Status,
)

logger = logging.getLogger(__name__)

# The lead unit cannot move these, so urging it would be noise.
NOT_URGED = (Status.DONE, Status.SUSPENDED, Status.AWAITING_SIGNOFF)
# The digest looks one week ahead: the span until the next digest.
DIGEST_HORIZON_DAYS = 7
# E-mail is retried on each hourly run, for a week at most and at most this many times.
EMAIL_MAX_ATTEMPTS = 10
EMAIL_RETRY_WINDOW = dt.timedelta(days=7)


@dataclass
class RunSummary:
    reminders: int = 0
    notifications: int = 0
    digests: int = 0
    digests_queued: int = 0
    emailed: int = 0
    emails_queued: int = 0
    email_failures: int = 0


@dataclass(frozen=True)
class Occasion:
    kind: str
    key: str
    days: int  # days left before the deadline (negative: days overdue)


def occasion_for(assignment: Assignment, today: dt.date, days_before=None) -> Occasion | None:
    """The reminder `assignment` is due for on `today`, or None (see the module docstring)."""
    if assignment.deadline is None or assignment.status in NOT_URGED:
        return None
    thresholds = settings.TRACKER_REMINDER_DAYS if days_before is None else days_before
    left = (assignment.deadline - today).days
    stem = f"{assignment.pk}:{assignment.deadline.isoformat()}"
    if left >= 0:
        reached = [n for n in thresholds if n >= left]
        if not reached:
            return None
        return Occasion(Reminder.Kind.BEFORE, f"before:{stem}:{min(reached)}", left)
    week = (-left - 1) // 7
    if week == 0:
        return Occasion(Reminder.Kind.DUE, f"due:{stem}", left)
    return Occasion(Reminder.Kind.OVERDUE_WEEKLY, f"overdue:{stem}:{week}", left)


def _task(assignment: Assignment) -> str:
    return f"{assignment.directive.number}. {assignment.directive.title}"


def _texts(assignment: Assignment, occasion: Occasion) -> tuple[str, str]:
    """The title and message of a reminder, in Vietnamese."""
    values = {
        "task": _task(assignment),
        "unit": assignment.lead_unit.name,
        "deadline": calendar.deadline_text(assignment.deadline, assignment.deadline_basis),
        "days": abs(occasion.days),
    }
    if occasion.kind == Reminder.Kind.BEFORE:
        title = _("Sắp đến hạn: %(task)s") % values
        if occasion.days == 0:
            message = _(
                "Nhiệm vụ “%(task)s” do %(unit)s chủ trì đến hạn hôm nay (thời hạn: %(deadline)s)."
            )
        else:
            message = _(
                "Nhiệm vụ “%(task)s” do %(unit)s chủ trì còn %(days)d ngày đến hạn"
                " (thời hạn: %(deadline)s)."
            )
    elif occasion.kind == Reminder.Kind.DUE:
        title = _("Quá hạn: %(task)s") % values
        message = _(
            "Nhiệm vụ “%(task)s” do %(unit)s chủ trì đã quá hạn (thời hạn: %(deadline)s)."
            " Đề nghị khẩn trương hoàn thành, hoặc đề nghị gia hạn nếu có lý do chính đáng."
        )
    else:
        title = _("Vẫn quá hạn: %(task)s") % values
        message = _(
            "Nhiệm vụ “%(task)s” do %(unit)s chủ trì đã quá hạn %(days)d ngày"
            " (thời hạn: %(deadline)s). Đề nghị báo cáo tiến độ và khẩn trương hoàn thành."
        )
    return title, message % values


def create_reminders(now: dt.datetime, summary: RunSummary) -> None:
    """Log and notify every reminder due at `now` that has not been sent."""
    today = timezone.localtime(now).date()
    horizon = today + dt.timedelta(days=max(settings.TRACKER_REMINDER_DAYS, default=0))
    candidates = (
        Assignment.objects.exclude(status__in=NOT_URGED)
        .filter(deadline__isnull=False, deadline__lte=horizon)
        .select_related("directive", "lead_unit")
        .order_by("deadline", "pk")
    )
    due = [(a, o) for a in candidates if (o := occasion_for(a, today)) is not None]
    sent = set(
        Reminder.objects.filter(key__in=[o.key for _a, o in due]).values_list("key", flat=True)
    )
    for assignment, occasion in due:
        if occasion.key in sent:
            continue
        title, message = _texts(assignment, occasion)
        reminder = actions.remind(
            assignment,
            kind=occasion.kind,
            key=occasion.key,
            title=title,
            message=message,
            at=now,
        )
        if reminder is not None:
            summary.reminders += 1
            summary.notifications += reminder.notifications.count()


def explanation_occasion(explanation: ExplanationRequest, today: dt.date) -> tuple[str, int] | None:
    """The key of the reminder an open request for explanation is due for on `today` and the
    days left before its reply-by day (negative: late), or None."""
    if explanation.answered_at is not None:
        return None
    left = (explanation.reply_by - today).days
    stem = f"explain:{explanation.pk}:{explanation.reply_by.isoformat()}"
    if left > 1:
        return None
    if left >= 0:
        return f"{stem}:soon", left
    return f"{stem}:late:{(-left - 1) // 7}", left


def create_explanation_reminders(now: dt.datetime, summary: RunSummary) -> None:
    """Remind the lead unit of requests for explanation due tomorrow or today, and weekly while
    late; each once (the key is unique), like deadline reminders."""
    today = timezone.localtime(now).date()
    candidates = (
        ExplanationRequest.objects.filter(
            answered_at__isnull=True, reply_by__lte=today + dt.timedelta(days=1)
        )
        .select_related("assignment__directive", "assignment__lead_unit")
        .order_by("reply_by", "pk")
    )
    due = [(e, o) for e in candidates if (o := explanation_occasion(e, today)) is not None]
    sent = set(
        Reminder.objects.filter(key__in=[key for _e, (key, _d) in due]).values_list(
            "key", flat=True
        )
    )
    for explanation, (key, left) in due:
        if key in sent:
            continue
        values = {
            "task": _task(explanation.assignment),
            "date": explanation.reply_by.strftime("%d/%m/%Y"),
            "days": abs(left),
        }
        if left >= 0:
            title = _("Sắp đến hạn giải trình: %(task)s") % values
            message = _("Yêu cầu giải trình về nhiệm vụ “%(task)s” có hạn trả lời %(date)s.")
        else:
            title = _("Quá hạn giải trình: %(task)s") % values
            message = _(
                "Yêu cầu giải trình về nhiệm vụ “%(task)s” đã quá hạn trả lời %(days)d ngày"
                " (hạn: %(date)s). Đề nghị giải trình ngay trên hệ thống."
            )
        reminder = actions.remind(
            explanation.assignment,
            kind=Reminder.Kind.EXPLANATION,
            key=key,
            title=title,
            message=message % values,
            at=now,
        )
        if reminder is not None:
            summary.reminders += 1
            summary.notifications += reminder.notifications.count()


def _digest_line(assignment: Assignment, today: dt.date) -> str:
    line = f"- {_task(assignment)} — {assignment.lead_unit.name} — "
    if assignment.deadline is None:
        return line + (assignment.deadline_basis or _("Không hạn"))
    line += calendar.deadline_text(assignment.deadline, assignment.deadline_basis)
    waiting = assignment.waiting_days(on=today)
    if waiting is not None and assignment.standing(on=today) != Standing.OVERDUE:
        # Reported on time: the wait is the leader's, not an overdue unit.
        return line + " — " + _("chờ xác nhận %(n)d ngày") % {"n": waiting}
    left = (assignment.deadline - today).days
    if left < 0:
        return line + " — " + _("quá hạn %(n)d ngày") % {"n": -left}
    if left == 0:
        return line + " — " + _("hạn hôm nay")
    return line + " — " + _("còn %(n)d ngày") % {"n": left}


def digest_for(user, today: dt.date) -> tuple[str, str] | None:
    """The weekly digest of a leader: (title, body), or None when nothing needs their eye."""
    scope = Assignment.objects.visible_to(user).select_related("directive", "lead_unit")
    urged = scope.exclude(status__in=NOT_URGED).filter(deadline__isnull=False)
    groups = [
        (_("Quá hạn"), list(urged.filter(deadline__lt=today).order_by("deadline", "pk"))),
        (
            _("Đến hạn trong %(n)d ngày tới") % {"n": DIGEST_HORIZON_DAYS},
            list(
                urged.filter(
                    deadline__gte=today,
                    deadline__lte=today + dt.timedelta(days=DIGEST_HORIZON_DAYS),
                ).order_by("deadline", "pk")
            ),
        ),
        (
            _("Chờ xác nhận hoàn thành"),
            list(scope.filter(status=Status.AWAITING_SIGNOFF).order_by("deadline", "pk")),
        ),
    ]
    if not any(items for _label, items in groups):
        return None
    year, week, _weekday = today.isocalendar()
    overdue, soon, awaiting = (len(items) for _label, items in groups)
    title = _(
        "Tổng hợp tuần %(week)02d/%(year)d: %(overdue)d quá hạn, %(soon)d đến hạn trong"
        " %(days)d ngày tới, %(awaiting)d chờ xác nhận"
    ) % {
        "week": week,
        "year": year,
        "overdue": overdue,
        "soon": soon,
        "days": DIGEST_HORIZON_DAYS,
        "awaiting": awaiting,
    }
    lines = [_("Tình hình nhiệm vụ tính đến %(date)s.") % {"date": calendar.format_date_vi(today)}]
    for label, items in groups:
        if items:
            lines += ["", f"{label} ({len(items)}):", *(_digest_line(a, today) for a in items)]
    return title, "\n".join(lines)


def send_digests(now: dt.datetime, summary: RunSummary) -> None:
    """One digest per leader per ISO week, in the first run of the week: each leader's digest is
    its own task (directives.tasks.send_digest), so one slow scope never holds up the run."""
    from directives.tasks import send_digest

    today = timezone.localtime(now).date()
    year, week, _weekday = today.isocalendar()
    leaders = (
        Membership.objects.filter(role=Role.LEADER, user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    keys = {user_id: f"digest:{user_id}:{year}-W{week:02d}" for user_id in leaders}
    sent = set(Notification.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    for user_id, key in keys.items():
        if key in sent:
            continue
        result = send_digest.enqueue(user_id, key, now.isoformat())
        if _finished(result):
            summary.digests += result.return_value == "sent"
        else:
            summary.digests_queued += 1


def digest_one(user_id: int, key: str, now: dt.datetime) -> str:
    """Build and store one leader's weekly digest, then queue its e-mail: "sent", or "nothing"
    when nothing needs their eye, or "exists" when this week's digest is there already."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from directives.tasks import send_email

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or Notification.objects.filter(key=key).exists():
        return "exists"
    digest = digest_for(user, timezone.localtime(now).date())
    if digest is None:
        return "nothing"
    title, body = digest
    notification = actions.send_digest(user, key=key, title=title, body=body, at=now)
    if notification is None:
        return "exists"
    if user.email:
        transaction.on_commit(lambda: send_email.enqueue(notification.pk, now.isoformat()))
    return "sent"


def _finished(result) -> bool:
    """Whether the task ran already (a backend that runs tasks on enqueue, as in a quick trial)."""
    from django_tasks import TaskResultStatus

    return result.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)


def _email_for(notification: Notification) -> EmailMessage:
    link = f"{settings.TRACKER_BASE_URL}/notifications/"
    lines = [notification.body or notification.title, ""]
    if notification.assignment_id:
        # The message is about one assignment: its page is one click away.
        target = settings.TRACKER_BASE_URL + reverse(
            "assignment_detail", args=[notification.assignment_id]
        )
        lines += [_("Mở nhiệm vụ: %(link)s") % {"link": target}, ""]
    body = "\n".join(
        [
            *lines,
            "-- ",
            _("Theo dõi nhiệm vụ — xem và đánh dấu đã đọc: %(link)s") % {"link": link},
        ]
    )
    # A header cannot hold a line break; titles are one line, but be sure.
    subject = " ".join(f"[{_('Theo dõi nhiệm vụ')}] {notification.title}".split())
    return EmailMessage(subject=subject, body=body, to=[notification.recipient.email])


def pending_emails(now: dt.datetime):
    """Notifications whose e-mail is still to go: to an active user with an address, tried fewer
    than EMAIL_MAX_ATTEMPTS times, created within EMAIL_RETRY_WINDOW."""
    return (
        Notification.objects.filter(
            emailed_at__isnull=True,
            email_attempts__lt=EMAIL_MAX_ATTEMPTS,
            created_at__gte=now - EMAIL_RETRY_WINDOW,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .order_by("pk")
    )


def send_emails(now: dt.datetime, summary: RunSummary) -> None:
    """Queue one task per notification whose e-mail has not gone yet (directives.tasks.send_email):
    the run itself sends nothing, so a slow mail server never holds it up, and each message
    succeeds or fails on its own. A message still pending at the next run is queued again; the
    claim in :func:`email_one` makes a second copy of the task send nothing twice."""
    from directives.tasks import send_email

    for notification_id in pending_emails(now).values_list("pk", flat=True):
        result = send_email.enqueue(notification_id, now.isoformat())
        if not _finished(result):
            summary.emails_queued += 1
        elif result.return_value == "sent":
            summary.emailed += 1
        elif result.return_value in ("failed", "unreachable"):
            summary.email_failures += 1


def email_one(notification_id: int, now: dt.datetime | None = None) -> str:
    """Send one notification's e-mail: "sent", "failed" (the attempt counted, tried again by the
    next run), "unreachable" (the server could not be reached: no attempt counted) or "skipped"
    (sent already, claimed by another worker, or no longer to be sent).

    The message is claimed by raising its attempt count before it is sent, so two tasks for the
    same notification do not both send it; `emailed_at` is set once the server has accepted it.
    """
    notification = (
        pending_emails(now or timezone.now())
        .filter(pk=notification_id)
        .select_related("recipient")
        .first()
    )
    if notification is None:
        return "skipped"
    connection = get_connection()
    try:
        connection.open()
    except Exception:
        logger.exception("E-mail server unreachable; notification %d waits", notification_id)
        return "unreachable"
    try:
        claimed = Notification.objects.filter(
            pk=notification.pk,
            emailed_at__isnull=True,
            email_attempts=notification.email_attempts,
        ).update(email_attempts=F("email_attempts") + 1)
        if not claimed:
            return "skipped"
        message = _email_for(notification)
        message.connection = connection
        try:
            message.send()
        except Exception:
            logger.warning(
                "E-mail to %s (notification %d) failed; retried on the next run",
                notification.recipient.email,
                notification.pk,
                exc_info=True,
            )
            return "failed"
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        return "sent"
    finally:
        with contextlib.suppress(Exception):
            connection.close()


def run(now: dt.datetime | None = None) -> RunSummary:
    """Everything `send_reminders` does at `now` (default: the current time)."""
    now = now or timezone.now()
    summary = RunSummary()
    create_reminders(now, summary)
    create_explanation_reminders(now, summary)
    # Periodic reports (issue 18): reminders before the due date and when late.
    from directives.periodic import reminders as periodic_reminders

    periodic_reminders.create(now, summary)
    send_digests(now, summary)
    send_emails(now, summary)
    return summary
