from django.urls import path

from directives.views import calendar, home, notifications, staff
from directives.views import search as search_views

urlpatterns = [
    path("", home.home, name="home"),
    path("calendar/", calendar.calendar_month, name="calendar_month"),
    path("calendar/subscription/", calendar.calendar_subscription, name="calendar_subscription"),
    path(
        "calendar/subscription/renew/",
        calendar.calendar_subscription_renew,
        name="calendar_subscription_renew",
    ),
    path(
        "calendar/subscription/revoke/",
        calendar.calendar_subscription_revoke,
        name="calendar_subscription_revoke",
    ),
    path("calendar/feed/<slug:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/bell/", notifications.notification_bell, name="notification_bell"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notification_read_all",
    ),
    # Staff: "Việc của đơn vị", the assignment page, progress, workflow, evidence files.
    path("assignments/", staff.assignment_list, name="assignment_list"),
    path("assignments/<int:pk>/", staff.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/progress/", staff.assignment_progress, name="assignment_progress"),
    path("assignments/<int:pk>/start/", staff.assignment_start, name="assignment_start"),
    path(
        "assignments/<int:pk>/report/", staff.assignment_report_done, name="assignment_report_done"
    ),
    path(
        "assignments/<int:pk>/extension/", staff.assignment_extension, name="assignment_extension"
    ),
    path(
        "assignments/<int:pk>/files/<int:attachment_pk>/",
        staff.attachment_download,
        name="attachment_download",
    ),
    path("search/", search_views.search_results, name="search_results"),
]
