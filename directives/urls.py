from django.urls import path

from directives.views import home

urlpatterns = [
    path("", home.home, name="home"),
]
