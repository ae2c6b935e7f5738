from django.urls import path

from directives.cascade import views

urlpatterns = [
    path("<int:pk>/split/", views.assignment_split, name="assignment_split"),
]
