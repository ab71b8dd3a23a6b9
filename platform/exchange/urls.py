"""The district's exchange pages, on the district host."""

app_name = "exchange"
urlpatterns: list = []
