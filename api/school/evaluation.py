"""API of this area."""

from django.urls import path  # noqa: F401

urlpatterns = []
