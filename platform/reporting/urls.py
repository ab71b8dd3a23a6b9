"""The district's reporting pages, at /reporting/ on the district host."""

from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("status/", views.status, name="status"),
    path("forms/", views.forms_list, name="forms"),
    path("forms/new/", views.form_edit, name="form_new"),
    path("forms/<slug:code>/edit/", views.form_edit, name="form_edit"),
    path("submissions/<slug:form>/<str:period>/<str:school>/", views.submission_detail, name="submission"),
    path(
        "submissions/<slug:form>/<str:period>/<str:school>/<str:action>/",
        views.submission_decide,
        name="submission_decide",
    ),
    path("info-reports/", views.info_reports, name="info_reports"),
    path("info-reports/<uuid:id>/", views.info_report_detail, name="info_report"),
    path("exports/", views.exports, name="exports"),
    path("exports/<uuid:id>/progress/", views.export_progress, name="export_progress"),
    path("exports/<uuid:id>/download/", views.export_download, name="export_download"),
]
