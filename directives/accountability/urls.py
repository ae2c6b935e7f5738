from django.urls import path

from directives.accountability import views

urlpatterns = [
    path(
        "assignments/<int:pk>/explanations/new/",
        views.explanation_request,
        name="explanation_request",
    ),
    path("explanations/<int:pk>/answer/", views.explanation_answer, name="explanation_answer"),
    path(
        "explanations/<int:pk>/files/<int:file_pk>/",
        views.explanation_file,
        name="explanation_file",
    ),
    path("dashboard/scorecard/", views.scorecard, name="scorecard"),
    path("dashboard/scorecard.xlsx", views.scorecard_xlsx, name="scorecard_xlsx"),
    path("dashboard/scorecard.docx", views.scorecard_docx, name="scorecard_docx"),
]
