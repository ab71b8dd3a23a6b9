from django.urls import include, path

from api.me import MeApi

urlpatterns = [
    path("v1/me/", MeApi.as_view(), name="school-me"),
    path("v1/", include("api.school.workspace")),
    path("v1/", include("api.school.attachments")),
    path("v1/", include("api.school.governance")),
    path("v1/", include("api.school.ledger")),
    path("v1/", include("api.school.resources")),
    path("v1/", include("api.school.team")),
    path("v1/", include("api.school.programs")),
    path("v1/", include("api.school.finance")),
    path("v1/", include("api.school.evaluation")),
    path("v1/", include("api.school.students")),
    path("v1/", include("api.school.care")),
    path("v1/", include("api.school.transfers")),
    path("v1/", include("api.school.screening")),
    path("v1/", include("api.school.crisis")),
    path("v1/", include("api.school.counseling")),
    path("", include("api.docs_urls")),
]
