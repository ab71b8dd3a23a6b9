"""The district's library pages, on the district host."""

app_name = "library"
urlpatterns: list = []
