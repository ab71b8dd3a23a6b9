"""The district's directory pages, on the district host."""

app_name = "directory"
urlpatterns: list = []
