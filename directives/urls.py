from django.urls import include, path

from directives.api import exports as large_export
from directives.api import tokens as api_tokens
from directives.leaders import exports, overview_views
from directives.leaders import views as leader
from directives.operations import metrics
from directives.reports import views as reports
from directives.views import calendar, home, notifications, ops, staff
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
    # Sub-assignments (issue 17): hand parts of an assignment down.
    path("assignments/", include("directives.cascade.urls")),
    path(
        "assignments/<int:pk>/files/<int:attachment_pk>/",
        staff.attachment_download,
        name="attachment_download",
    ),
    path("search/", search_views.search_results, name="search_results"),
    # Leaders: dashboard, the lists behind its numbers, decisions, reports.
    path("dashboard/", leader.dashboard, name="dashboard"),
    path("dashboard/assignments/", leader.dashboard_assignments, name="dashboard_assignments"),
    path(
        "dashboard/assignments/<int:pk>/decide/",
        leader.assignment_decide,
        name="assignment_decide",
    ),
    path("dashboard/assignments/<int:pk>/urge/", leader.assignment_urge, name="assignment_urge"),
    path("dashboard/extensions/<int:pk>/decide/", leader.extension_decide, name="extension_decide"),
    path(
        "dashboard/overview/assignments/",
        overview_views.overview_assignments,
        name="overview_assignments",
    ),
    path("dashboard/overview.xlsx", overview_views.overview_xlsx, name="overview_xlsx"),
    path("dashboard/overview.csv", overview_views.overview_csv, name="overview_csv"),
    path("dashboard/overview/print/", overview_views.overview_print, name="overview_print"),
    path("start/", overview_views.landing, name="landing"),
    path("dashboard/report.xlsx", exports.report_xlsx, name="report_xlsx"),
    path("dashboard/report.csv", exports.report_csv, name="report_csv"),
    path("dashboard/report.docx", reports.report_docx, name="report_docx"),
    path("dashboard/urge-letter/", reports.urge_letter, name="urge_letter"),
    path("dashboard/print/", exports.report_print, name="report_print"),
    # Accountability (issue 17): requests for explanation, the unit scorecard.
    path("", include("directives.accountability.urls")),
    # Periodic reports (issue 18): obligations, who has not reported, submissions.
    path("periodic/", include("directives.periodic.urls")),
    # API tokens (issue 19): each user's own, made and revoked here.
    path("account/api-tokens/", api_tokens.api_tokens, name="api_tokens"),
    path(
        "account/api-tokens/<int:pk>/revoke/",
        api_tokens.api_token_revoke,
        name="api_token_revoke",
    ),
    path("account/exports/<uuid:pk>/", large_export.export_download, name="export_download"),
    path("healthz", ops.healthz, name="healthz"),
    # Prometheus metrics, for the monitoring host only (DJANGO_METRICS_ALLOWED).
    path("metrics", metrics.metrics, name="metrics"),
    path("bench/baseline/", ops.baseline, name="baseline"),
    path("bench/minimal/", ops.minimal, name="bench_minimal"),
]
