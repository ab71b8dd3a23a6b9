"""The district site, at BASE_DOMAIN."""

from django.urls import include, path

from config.urls_common import common_urlpatterns
from district import views as district_views
from district.admin import console

# A lost database or Redis answers 503, not 500 (config/unavailable.py).
handler500 = "config.unavailable.server_error"

urlpatterns = common_urlpatterns + [
    path("", district_views.home, name="home"),
    # The district console: schools, district accounts, the review queue, the audit log.
    path("", include("district.console_urls")),
    path("figures/", include("figures.urls")),
    path("reporting/", include("reporting.urls")),
    path("library/", include("library.urls")),
    path("exchange/", include("exchange.urls")),
    path("notices/", include("notices.urls")),
    path("directory/", include("directory.urls")),
    path("console/", console.adopt_registrations().urls),
    path("api/", include("api.district.urls")),
]
