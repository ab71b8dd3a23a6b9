"""The district dashboard and one school's drill-down (figures.dashboard_views)."""

from django.urls import path

from figures import dashboard_views

urlpatterns = [
    path("", dashboard_views.index, name="dashboard"),
    path("schools/<str:code>/", dashboard_views.school, name="school"),
]
