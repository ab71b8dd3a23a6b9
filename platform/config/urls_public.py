"""The district site, at BASE_DOMAIN."""

from django.contrib import admin
from django.urls import include, path

from config.urls_common import common_urlpatterns
from district import views as district_views

urlpatterns = common_urlpatterns + [
    path("", district_views.home, name="home"),
    path("console/", admin.site.urls),
    path("api/", include("api.district.urls")),
]
