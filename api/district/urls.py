from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from api.district.metrics import CatalogApi, MetricsApi
from api.me import MeApi

urlpatterns = [
    path("v1/me/", MeApi.as_view(), name="district-me"),
    path("v1/metrics/", MetricsApi.as_view(), name="district-metrics"),
    path("v1/metrics/catalog/", CatalogApi.as_view(), name="district-metrics-catalog"),
    # drf-spectacular reads ROOT_URLCONF (the school site's) unless told: the district host documents
    # its own URLconf. This route comes before the shared one of the same path.
    path("schema/", SpectacularAPIView.as_view(urlconf="config.urls_public"), name="api-schema"),
    path("", include("api.docs_urls")),
]
