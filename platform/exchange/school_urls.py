"""The exchange pages on a school's host."""

app_name = "exchange"
urlpatterns: list = []
