"""The calendar: a month of deadlines and events, and the secret iCalendar feed of them.

- ``calendar_month``: deadlines in the user's scope and the events admins keep, with Tết and the
  public holidays marked; months are navigated with htmx (the month fragment, URL pushed);
- ``calendar_subscription`` (+ renew, revoke): the user's secret feed address;
- ``calendar_feed``: the feed itself, reached without a session but only with a valid token.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from directives import actions, calendar, feeds, permissions
from directives.models import Assignment, CalendarFeed, Event
from directives.templatetags.tracker import deadline_label, vndate_weekday

# Deadlines shown on one day; the rest are counted ("và 40 phân công khác"). A central leader's
# month holds some fourteen thousand deadlines at a million assignments: all of them made a page
# of tens of megabytes and tens of seconds.
PER_DAY = 10

# lunar_vn covers 1900–2100; a month grid may reach into the neighbouring years.
FIRST_YEAR, LAST_YEAR = 1901, 2099
# ASCII digits only: `\d` would let '٢٠٢١-٠٢' through (see directives.params).
_MONTH_ISO = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})")
_MONTH_VI = re.compile(r"(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})")

WEEKDAYS = (
    gettext_lazy("Thứ Hai"),
    gettext_lazy("Thứ Ba"),
    gettext_lazy("Thứ Tư"),
    gettext_lazy("Thứ Năm"),
    gettext_lazy("Thứ Sáu"),
    gettext_lazy("Thứ Bảy"),
    gettext_lazy("Chủ nhật"),
)


def parse_month(text: str) -> dt.date | None:
    """'2021-02' or '02/2021' → 1 February 2021; None when it is not a month we can show."""
    text = text.strip()
    match = _MONTH_ISO.fullmatch(text) or _MONTH_VI.fullmatch(text)
    if not match:
        return None
    year, month = int(match["year"]), int(match["month"])
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def _shift(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class DeadlineGroup:
    """The assignments of one directive due on one day: a directive given to twenty units shows
    once, with the units beneath it, not twenty times."""

    directive: object
    label: str
    assignments: list[Assignment] = field(default_factory=list)


@dataclass
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    lunar_short: str
    lunar: str
    holiday: str = ""
    is_tet: bool = False
    deadlines: list[Assignment] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    reports: list = field(default_factory=list)  # periodic report due dates (issue 18)
    total: int = 0  # deadlines that day in the user's scope; `deadlines` holds at most PER_DAY

    @property
    def more(self) -> int:
        return self.total - len(self.deadlines)

    @cached_property  # read again by each of the day's rows in the month's table
    def label(self) -> str:
        return vndate_weekday(self.date)

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def deadline_groups(self) -> list[DeadlineGroup]:
        groups: dict[int, DeadlineGroup] = {}
        for assignment in self.deadlines:
            label = assignment.deadline_text
            group = groups.setdefault(
                assignment.directive_id, DeadlineGroup(assignment.directive, label)
            )
            # A unit whose basis differs from the group's shows its own.
            assignment.own_label = "" if label == group.label else label
            group.assignments.append(assignment)
        return list(groups.values())

    @property
    def has_items(self) -> bool:
        return bool(self.deadlines or self.events or self.reports or self.holiday or self.is_tet)


def _tet_days(start: dt.date, end: dt.date) -> set[dt.date]:
    days: set[dt.date] = set()
    for year in range(start.year, end.year + 1):
        first, last = calendar.tet_break(year)
        day = first
        while day <= last:
            days.add(day)
            day += dt.timedelta(days=1)
    return days


def month_days(user, first: dt.date, today: dt.date) -> list[Day]:
    """The month grid of `first`'s month for `user`: every day with what falls on it."""
    dates = calendar.month_days(first.year, first.month)
    start, end = dates[0], dates[-1]
    english = not (get_language() or "vi").startswith("vi")
    holidays = calendar.public_holidays(start, end, language="en" if english else "vi")
    tet = _tet_days(start, end)
    days = {
        d: Day(
            date=d,
            in_month=d.month == first.month,
            is_today=d == today,
            lunar_short=calendar.format_lunar_short(d, with_month=d == dates[0]),
            lunar=calendar.format_lunar_en(d) if english else calendar.format_lunar(d),
            holiday=holidays.get(d, ""),
            is_tet=d in tet,
        )
        for d in dates
    }
    in_grid = Q(deadline__range=(start, end))
    due = Assignment.objects.filter(in_grid).visible_to(user, within=in_grid)
    # One pass over the narrowest rows gives each day's total and its first PER_DAY, by directive
    # (in the order directives were entered) then id: the index (deadline, directive, id) holds
    # all three, so a central leader's month (some 44,000 deadlines at a million) is read from it
    # alone, in order, with no join and no sort, and a leader's visible ids are collected once.
    by_directive = [F("directive_id").asc(), F("pk").asc()]
    ranked = (
        due.annotate(
            day_rank=Window(RowNumber(), partition_by=F("deadline"), order_by=by_directive),
            day_total=Window(Count("pk"), partition_by=F("deadline")),
        )
        .filter(day_rank__lte=PER_DAY)
        .order_by()  # the model's ordering would join and sort by document too
        .values_list("pk", "deadline", "day_total")
    )
    first_of_day = []
    for pk, day, total in ranked:
        days[day].total = total
        first_of_day.append(pk)
    deadlines = (
        Assignment.objects.filter(pk__in=first_of_day)
        .select_related("directive", "lead_unit")
        .with_standing(on=today)
        .order_by("deadline", "directive_id", "pk")
    )
    for assignment in deadlines:
        day = days[assignment.deadline]
        # Worked out once for the grid and the month's table (a national month shows 350).
        assignment.deadline_text = deadline_label(assignment)
        assignment.day = day
        day.deadlines.append(assignment)
    events = Event.objects.filter(date__lte=end).filter(
        Q(end_date__gte=start) | Q(end_date__isnull=True, date__gte=start)
    )
    for event in events.order_by("date", "pk"):
        day, last = max(event.date, start), min(event.end_date or event.date, end)
        while day <= last:
            days[day].events.append(event)
            day += dt.timedelta(days=1)
    from directives.periodic.calendar import due_items

    for item in due_items(user, start, end):
        days[item.due].reports.append(item)
    return list(days.values())


def _lunar_months(first: dt.date) -> str:
    """'tháng Chạp năm Canh Tý – tháng Giêng năm Tân Sửu': the lunar months of the grid's month."""
    last = _shift(first, 1) - dt.timedelta(days=1)
    english = not (get_language() or "vi").startswith("vi")
    month_name = calendar.format_lunar_month_en if english else calendar.format_lunar_month
    names = dict.fromkeys(month_name(day) for day in (first, last))
    return " – ".join(names)


@require_GET
@vary_on_headers("HX-Request")
def calendar_month(request: HttpRequest) -> TemplateResponse:
    today = timezone.localdate()
    requested = request.GET.get("month", "")
    first = parse_month(requested) if requested else None
    error = ""
    if requested and first is None:
        error = _(
            "Không hiểu tháng “%(month)s”. Hãy chọn tháng dạng MM/YYYY (năm %(first)d–%(last)d)."
        ) % {"month": requested[:20], "first": FIRST_YEAR, "last": LAST_YEAR}
    first = first or today.replace(day=1)
    previous, following = _shift(first, -1), _shift(first, 1)
    days = month_days(request.user, first, today)
    context = {
        "first": first,
        "days": days,
        "agenda": [d for d in days if d.in_month and d.has_items],
        "month_deadlines": [a for d in days if d.in_month for a in d.deadlines],
        "deadline_count": sum(d.total for d in days if d.in_month),
        "sees_lists": permissions.can_view_dashboard(request.user),
        "capped": any(d.more for d in days if d.in_month),
        "per_day": PER_DAY,
        "event_count": len({e.pk for d in days if d.in_month for e in d.events}),
        "weekdays": WEEKDAYS,
        "lunar_months": _lunar_months(first),
        "previous": previous if previous.year >= FIRST_YEAR else None,
        "following": following if following.year <= LAST_YEAR else None,
        "this_month": today.replace(day=1),
        "error": error,
        "today": today,
    }
    template = "directives/calendar/month.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#calendar-month"
    return TemplateResponse(request, template, context)


@require_GET
@never_cache
def calendar_subscription(request: HttpRequest) -> TemplateResponse:
    feed = CalendarFeed.objects.active().filter(user=request.user).first()
    url = None
    if feed is not None:
        url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token]))
    return TemplateResponse(
        request,
        "directives/calendar/subscription.html",
        {"feed": feed, "feed_url": url, "webcal_url": url and re.sub(r"^https?", "webcal", url)},
    )


@require_POST
def calendar_subscription_renew(request: HttpRequest) -> HttpResponse:
    had_one = CalendarFeed.objects.active().filter(user=request.user).exists()
    actions.renew_calendar_feed(request.user)
    if had_one:
        messages.success(
            request,
            _("Đã tạo địa chỉ mới. Địa chỉ cũ đã ngừng hoạt động: hãy cập nhật ứng dụng lịch."),
        )
    else:
        messages.success(request, _("Đã tạo địa chỉ đăng ký lịch."))
    return redirect("calendar_subscription")


@require_POST
def calendar_subscription_revoke(request: HttpRequest) -> HttpResponse:
    if actions.revoke_calendar_feed(request.user):
        messages.success(
            request, _("Đã thu hồi địa chỉ đăng ký lịch; ứng dụng lịch không đọc được nữa.")
        )
    else:
        messages.error(request, _("Bạn không có địa chỉ đăng ký lịch nào đang dùng."))
    return redirect("calendar_subscription")


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed: the token is the credential, so an unknown or revoked one is a 404."""
    feed = (
        CalendarFeed.objects.active()
        .filter(token=token, user__is_active=True)
        .select_related("user")
        .first()
    )
    if feed is None:
        raise Http404
    now = timezone.now()
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    response = HttpResponse(
        feeds.build_feed(feed.user, now=now), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="theo-doi-nhiem-vu.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
