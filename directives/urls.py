from django.urls import path

from directives.views import home
from directives.views import search as search_views

urlpatterns = [
    path("", home.home, name="home"),
    path("search/", search_views.search_results, name="search_results"),
]
