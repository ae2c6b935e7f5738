from django.urls import path

from directives.views import calendar, home, notifications

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
]
