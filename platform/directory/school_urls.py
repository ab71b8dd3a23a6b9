"""The directory pages on a school's host."""

app_name = "directory"
urlpatterns: list = []
