"""A school's site, at <code>.BASE_DOMAIN."""

from django.urls import include, path

from config.urls_common import common_urlpatterns
from tenants.workspace import views as workspace_views

urlpatterns = common_urlpatterns + [
    path("", workspace_views.home, name="home"),
    path("api/", include("api.school.urls")),
]
