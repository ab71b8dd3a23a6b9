"""The library pages on a school's host."""

app_name = "library"
urlpatterns: list = []
