"""Aggregation runs and validation violations, at /figures/ on the district host."""

from django.urls import path

from figures import run_views

urlpatterns = [
    path("runs/", run_views.run_list, name="runs"),
    path("runs/<int:run_id>/progress/", run_views.run_progress, name="run_progress"),
    path("validation/", run_views.DistrictViolationsPage.as_view(), name="violations"),
]
