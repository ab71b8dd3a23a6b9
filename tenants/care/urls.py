from django.urls import path

from tenants.care import views

app_name = "care"

urlpatterns = [
    path("", views.home, name="home"),
    path("students/", views.RecordTable.as_view(), name="records"),
    path("students/<uuid:id>/", views.record, name="record"),
    path("students/<uuid:id>/level/", views.record_level, name="record_level"),
    path("students/<uuid:id>/export/", views.record_export, name="record_export"),
    path("observations/", views.ObservationTable.as_view(), name="observations"),
    path("observations/new/", views.ObservationFormPage.as_view(), name="observation_new"),
    path("observations/students/", views.MyStudentsTable.as_view(), name="my_students"),
    path("observations/<uuid:id>/", views.observation, name="observation"),
    path("observations/<uuid:id>/seen/", views.observation_seen, name="observation_seen"),
    path("consent/", views.ConsentTable.as_view(), name="consent"),
    path("consent/new/", views.ConsentFormPage.as_view(), name="consent_new"),
    path("consent/answers/", views.ConsentAnswersTable.as_view(), name="consent_answers"),
    path("audit/", views.AuditTable.as_view(), name="audit"),
]
