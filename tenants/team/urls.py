from django.urls import path

from tenants.team import views

app_name = "team"

urlpatterns = [
    path("", views.index, name="index"),
    path("staff/", views.StaffTable.as_view(), name="staff"),
    path("staff/new/", views.StaffFormPage.as_view(), name="staff_new"),
    path("staff/<uuid:id>/edit/", views.StaffFormPage.as_view(), name="staff_edit"),
    path("plans/", views.TrainingPlanTable.as_view(), name="plans"),
    path("plans/new/", views.TrainingPlanFormPage.as_view(), name="plan_new"),
    path("plans/<uuid:id>/edit/", views.TrainingPlanFormPage.as_view(), name="plan_edit"),
    path("records/", views.TrainingRecordTable.as_view(), name="records"),
    path("records/new/", views.TrainingRecordFormPage.as_view(), name="record_new"),
    path("records/<uuid:id>/edit/", views.TrainingRecordFormPage.as_view(), name="record_edit"),
    path("hours/", views.TrainingHoursTable.as_view(), name="hours"),
]
