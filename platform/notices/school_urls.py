"""The notices pages on a school's host."""

app_name = "notices"
urlpatterns: list = []
