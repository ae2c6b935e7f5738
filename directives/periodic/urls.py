"""URLs of periodic reports, included under /periodic/ by directives.urls."""

from django.urls import path

from directives.periodic import exports, views

urlpatterns = [
    path("", views.periodic_list, name="periodic_list"),
    path("<int:pk>/", views.periodic_obligation, name="periodic_obligation"),
    path("<int:pk>/matrix/", views.periodic_matrix, name="periodic_matrix"),
    path("<int:pk>/matrix.xlsx", exports.periodic_matrix_xlsx, name="periodic_matrix_xlsx"),
    path("<int:pk>/compiled.docx", exports.periodic_compiled_docx, name="periodic_compiled_docx"),
    path("<int:pk>/template/", views.periodic_template, name="periodic_template"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/submit/", views.submission_submit, name="submission_submit"),
    path("submissions/<int:pk>/review/", views.submission_review, name="submission_review"),
    path(
        "submissions/<int:pk>/files/<int:file_pk>/",
        views.submission_file,
        name="submission_file",
    ),
]
