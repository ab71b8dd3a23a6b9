"""The district's library pages, on the district host."""

from django.urls import path

from library import views

app_name = "library"
urlpatterns = [
    path("", views.district_list, name="index"),
    path("new/", views.district_create, name="create"),
    path("review/", views.review_list, name="review_list"),
    path("review/<str:id>/", views.review, name="review"),
    path("items/<str:id>/", views.district_detail, name="detail"),
    path("files/<str:id>/", views.district_file, name="file"),
]
