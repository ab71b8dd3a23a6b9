"""The district's notices pages, on the district host."""

app_name = "notices"
urlpatterns: list = []
