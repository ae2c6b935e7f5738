from django.urls import path

from directives.views import exports, home, leader

urlpatterns = [
    path("", home.home, name="home"),
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
    path("dashboard/report.xlsx", exports.report_xlsx, name="report_xlsx"),
    path("dashboard/report.csv", exports.report_csv, name="report_csv"),
    path("dashboard/print/", exports.report_print, name="report_print"),
]
