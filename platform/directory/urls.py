"""The district's directory pages, on the district host."""

from django.urls import path

from directory import partnership_views, views

app_name = "directory"
urlpatterns = [
    path("", views.EntryList.as_view(), name="list"),
    path("new/", views.EntryFormPage.as_view(), name="new"),
    path("<uuid:id>/", views.entry_detail, name="detail"),
    path("<uuid:id>/edit/", views.EntryFormPage.as_view(), name="edit"),
    # Partnerships between schools (校际合作): the same pages on both hosts.
    path("partnerships/", partnership_views.PartnershipList.as_view(), name="partnerships"),
    path("partnerships/new/", partnership_views.PartnershipFormPage.as_view(), name="partnership-new"),
    path("partnerships/<uuid:id>/", partnership_views.partnership_detail, name="partnership"),
    path(
        "partnerships/<uuid:id>/edit/",
        partnership_views.PartnershipFormPage.as_view(),
        name="partnership-edit",
    ),
]
