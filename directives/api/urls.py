"""/api/v1/: the API, its OpenAPI schema and its browsable docs.

Each view is exempt from the sign-in redirect (LoginRequiredMiddleware): an API client without
a token gets a 401 JSON answer from DRF instead of the sign-in page.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from directives.api import docs, views

app_name = "api"


def _open(view):
    return login_not_required(view.as_view())


urlpatterns = [
    path("schema/", _open(SpectacularAPIView), name="schema"),
    path("docs/", _open(docs.ApiDocs), name="docs"),
    path("documents/", _open(views.DocumentList), name="document_list"),
    path("documents/<int:pk>/", _open(views.DocumentDetail), name="document_detail"),
    path("directives/", _open(views.DirectiveList), name="directive_list"),
    path("directives/<int:pk>/", _open(views.DirectiveDetail), name="directive_detail"),
    path("assignments/", _open(views.AssignmentList), name="assignment_list"),
    path("assignments/<int:pk>/", _open(views.AssignmentDetail), name="assignment_detail"),
    path(
        "assignments/<int:pk>/progress/",
        _open(views.AssignmentProgress),
        name="assignment_progress",
    ),
    path("assignments/<int:pk>/start/", _open(views.AssignmentStart), name="assignment_start"),
    path(
        "assignments/<int:pk>/report-done/",
        _open(views.AssignmentReportDone),
        name="assignment_report_done",
    ),
    path(
        "assignments/<int:pk>/extension/",
        _open(views.AssignmentExtension),
        name="assignment_extension",
    ),
    path(
        "assignments/<int:pk>/decision/",
        _open(views.AssignmentDecision),
        name="assignment_decision",
    ),
    path("assignments/<int:pk>/urge/", _open(views.AssignmentUrge), name="assignment_urge"),
    path(
        "extensions/<int:pk>/decision/",
        _open(views.ExtensionDecision),
        name="extension_decision",
    ),
    path("units/", _open(views.UnitList), name="unit_list"),
    path("calendar/resolve/", _open(views.CalendarResolve), name="calendar_resolve"),
    path("dashboard/", _open(views.DashboardCounts), name="dashboard"),
]
