"""URLs both sites serve."""

from django.http import HttpResponse
from django.urls import include, path


def healthz(request):
    # Touches no database: routing alone must answer it.
    return HttpResponse("ok", content_type="text/plain")


common_urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("shared.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
