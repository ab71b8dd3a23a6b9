"""The district's figures pages, at /figures/ on the district host."""

from django.urls import include, path

app_name = "figures"
urlpatterns: list = [
    path("", include("figures.urls_dashboard")),
    path("", include("figures.urls_runs")),
    path("periods/", include("figures.period_views")),
]
