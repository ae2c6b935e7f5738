from django.urls import path

from directives.views import home, staff

urlpatterns = [
    path("", home.home, name="home"),
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
]
