"""The district's reporting pages, at /reporting/ on the district host."""

app_name = "reporting"
urlpatterns: list = []
