from django.urls import path

from directives.views import home, ops

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", ops.healthz, name="healthz"),
    path("bench/baseline/", ops.baseline, name="baseline"),
]
