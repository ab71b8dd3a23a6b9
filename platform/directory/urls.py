"""The district's directory pages, on the district host."""

from django.urls import path

from directory import views

app_name = "directory"
urlpatterns = [
    path("", views.EntryList.as_view(), name="list"),
    path("new/", views.EntryFormPage.as_view(), name="new"),
    path("<uuid:id>/", views.entry_detail, name="detail"),
    path("<uuid:id>/edit/", views.EntryFormPage.as_view(), name="edit"),
]
