from django.urls import include, path

from api.me import MeApi

urlpatterns = [
    path("v1/me/", MeApi.as_view(), name="district-me"),
    path("", include("api.docs_urls")),
]
