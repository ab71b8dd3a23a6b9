"""The library pages on a school's host."""

from django.urls import path

from library import views

app_name = "library"
urlpatterns = [
    path("", views.school_list, name="index"),
    path("proposals/", views.proposals, name="proposals"),
    path("propose/", views.propose, name="propose"),
    path("propose/<str:model>/<str:id>/", views.propose_form, name="propose_form"),
    path("items/<str:id>/", views.school_detail, name="detail"),
    path("items/<str:id>/import/", views.school_import, name="import"),
    path("files/<str:id>/", views.school_file, name="file"),
]
