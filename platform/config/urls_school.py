"""A school's site, at <code>.BASE_DOMAIN."""

from django.urls import include, path

from config.urls_common import common_urlpatterns
from tenants.workspace import views as workspace_views

# A lost database or Redis answers 503, not 500 (config/unavailable.py).
handler500 = "config.unavailable.server_error"

urlpatterns = common_urlpatterns + [
    path("", workspace_views.home, name="home"),
    path("", include("tenants.workspace.urls")),
    path("governance/", include("tenants.governance.urls")),
    path("ledger/", include("tenants.ledger.urls")),
    path("resources/", include("tenants.resources.urls")),
    path("team/", include("tenants.team.urls")),
    path("programs/", include("tenants.programs.urls")),
    path("finance/", include("tenants.finance.urls")),
    path("evaluation/", include("tenants.evaluation.urls")),
    path("students/", include("tenants.students.urls")),
    path("care/records/", include("tenants.care.records_urls")),
    path("care/", include("tenants.care.urls")),
    path("screening/", include("tenants.screening.urls")),
    path("crisis/", include("tenants.crisis.urls")),
    path("counseling/", include("tenants.counseling.urls")),
    path("reporting/", include("reporting.school_urls")),
    path("library/", include("library.school_urls")),
    path("exchange/", include("exchange.school_urls")),
    path("notices/", include("notices.school_urls")),
    path("directory/", include("directory.school_urls")),
    path("api/", include("api.school.urls")),
]
