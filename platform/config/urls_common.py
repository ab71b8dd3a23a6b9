"""URLs both sites serve."""

from django.urls import include, path

from config.health import healthz, readyz

common_urlpatterns = [
    # config.health.OpsMiddleware answers these first, on any host; the patterns are here for reverse().
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("accounts/", include("shared.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
