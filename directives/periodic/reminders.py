"""Reminders of periodic reports, through the reminder machinery of directives.reminders.

Run by `send_reminders` every hour (directives.reminders.run calls :func:`create`). Each occasion
has a key and each recipient's notification carries ``<key>:u<user>`` in the notifications'
unique key column, so a run repeated in the same hour (or two at once) sends nothing twice; the
e-mail behind each notification goes out with the others (reminders.send_emails).

* before the due date: ``periodic:before:<slot>:<due>:<N>`` for N in TRACKER_REMINDER_DAYS —
  only the closest threshold not yet passed, as for assignments;
* the day after the due date when nothing is submitted (or a returned report is not sent again):
  ``periodic:late:<slot>:<due>``, then every seven days ``periodic:late:<slot>:<due>:<week>``.

The due date is in the key, so a slot whose date the admin changes is reminded afresh. Only
slots that are open or returned are reminded, and only after their period has started. The
members (staff and leaders) of the reporting unit receive them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives.models import Membership, Notification, ReportSubmission, Role, SubmissionState

CHUNK = 1000


def occasion_for(
    slot: ReportSubmission, today: dt.date, days_before=None
) -> tuple[str, int] | None:
    """(key, days left) of the reminder `slot` is due for on `today`, or None."""
    if slot.state not in (SubmissionState.OPEN, SubmissionState.RETURNED):
        return None
    if today < slot.period_start:
        return None
    thresholds = settings.TRACKER_REMINDER_DAYS if days_before is None else days_before
    left = (slot.due_date - today).days
    stem = f"{slot.pk}:{slot.due_date.isoformat()}"
    if left >= 0:
        reached = [n for n in thresholds if n >= left]
        if not reached:
            return None
        return f"periodic:before:{stem}:{min(reached)}", left
    week = (-left - 1) // 7
    return (f"periodic:late:{stem}" if week == 0 else f"periodic:late:{stem}:{week}"), left


def _texts(slot: ReportSubmission, left: int) -> tuple[str, str]:
    values = {
        "title": slot.obligation.title,
        "period": slot.period.label,
        "unit": slot.unit.name,
        "due": slot.due_date.strftime("%d/%m/%Y"),
        "receiver": slot.obligation.receiving_unit.name,
        "days": abs(left),
    }
    if left >= 0:
        title = _("Sắp đến hạn báo cáo: %(title)s — %(period)s") % values
        if left == 0:
            body = _(
                "Hôm nay (%(due)s) là hạn %(unit)s gửi báo cáo “%(title)s” %(period)s về"
                " %(receiver)s."
            )
        else:
            body = _(
                "Còn %(days)d ngày đến hạn %(unit)s gửi báo cáo “%(title)s” %(period)s về"
                " %(receiver)s (hạn: %(due)s)."
            )
    else:
        title = _("Chưa nộp báo cáo: %(title)s — %(period)s") % values
        body = _(
            "%(unit)s chưa gửi báo cáo “%(title)s” %(period)s về %(receiver)s; đã quá hạn"
            " %(days)d ngày (hạn: %(due)s). Đề nghị khẩn trương gửi báo cáo."
        )
    if slot.state == SubmissionState.RETURNED:
        body += " " + _("Báo cáo đã bị trả lại: %(reason)s") % {"reason": slot.return_reason}
    return title, body % values


def create(now: dt.datetime, summary=None) -> int:
    """Notify every periodic-report reminder due at `now` not yet sent; returns how many
    notifications were created (and adds them to `summary`, a reminders.RunSummary)."""
    today = timezone.localtime(now).date()
    horizon = today + dt.timedelta(days=max(settings.TRACKER_REMINDER_DAYS, default=0))
    candidates = (
        ReportSubmission.objects.filter(
            state__in=[SubmissionState.OPEN, SubmissionState.RETURNED],
            due_date__lte=horizon,
            period_start__lte=today,
        )
        .select_related("obligation__receiving_unit", "unit")
        .order_by("due_date", "pk")
    )
    due = [
        (slot, o)
        for slot in candidates.iterator(chunk_size=CHUNK)
        if (o := occasion_for(slot, today))
    ]
    if not due:
        return 0
    members: dict[int, list[int]] = defaultdict(list)
    for unit_id, user_id in Membership.objects.filter(
        unit_id__in={slot.unit_id for slot, _o in due},
        role__in=[Role.STAFF, Role.LEADER],
        user__is_active=True,
    ).values_list("unit_id", "user_id"):
        members[unit_id].append(user_id)
    wanted = [
        (slot, occasion, user_id)
        for slot, occasion in due
        for user_id in members.get(slot.unit_id, [])
    ]
    sent: set[str] = set()
    keys = [f"{o[0]}:u{u}" for _s, o, u in wanted]
    for start in range(0, len(keys), CHUNK):
        sent |= set(
            Notification.objects.filter(key__in=keys[start : start + CHUNK]).values_list(
                "key", flat=True
            )
        )
    created = 0
    occasions: set[str] = set()
    for slot, (key, left), user_id in wanted:
        full_key = f"{key}:u{user_id}"
        if full_key in sent:
            continue
        title, body = _texts(slot, left)
        try:
            with transaction.atomic():
                Notification.objects.create(
                    recipient_id=user_id, key=full_key, title=title, body=body, created_at=now
                )
        except IntegrityError:
            continue  # a concurrent run got there first
        created += 1
        occasions.add(key)
    if summary is not None:
        summary.notifications += created
        summary.reminders += len(occasions)
    return created
