from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

# Served at /api/schema/ and /api/docs/ on whichever site includes them; each site's URLconf
# yields its own schema.
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
