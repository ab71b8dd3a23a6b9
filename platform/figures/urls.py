"""The district's figures pages, at /figures/ on the district host."""

from django.urls import path  # noqa: F401

app_name = "figures"
urlpatterns: list = []
