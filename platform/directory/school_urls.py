"""The directory pages on a school's host."""

from directory.urls import urlpatterns  # noqa: F401 - the same pages, narrowed by entry_policy

app_name = "directory"
