from django.urls import path

from tenants.programs import views

app_name = "programs"

urlpatterns = [
    path("", views.index, name="index"),
    path("curriculum/", views.UnitTable.as_view(), name="units"),
    path("curriculum/new/", views.UnitForm.as_view(), name="unit_new"),
    path("curriculum/<uuid:id>/edit/", views.UnitForm.as_view(), name="unit_edit"),
    path("sessions/", views.SessionTable.as_view(), name="sessions"),
    path("sessions/new/", views.SessionForm.as_view(), name="session_new"),
    path("sessions/<uuid:id>/edit/", views.SessionForm.as_view(), name="session_edit"),
    path("activities/", views.ActivityTable.as_view(), name="activities"),
    path("activities/new/", views.ActivityFormPage.as_view(), name="activity_new"),
    path("activities/<uuid:id>/", views.activity_detail, name="activity"),
    path("activities/<uuid:id>/edit/", views.ActivityFormPage.as_view(), name="activity_edit"),
    path("integration/", views.LessonTable.as_view(), name="lessons"),
    path("integration/new/", views.LessonForm.as_view(), name="lesson_new"),
    path("integration/<uuid:id>/edit/", views.LessonForm.as_view(), name="lesson_edit"),
    path("publicity/", views.CampaignTable.as_view(), name="campaigns"),
    path("publicity/new/", views.CampaignForm.as_view(), name="campaign_new"),
    path("publicity/<uuid:id>/edit/", views.CampaignForm.as_view(), name="campaign_edit"),
    path("parents/", views.ParentEventTable.as_view(), name="parents"),
    path("parents/new/", views.ParentEventFormPage.as_view(), name="parent_new"),
    path("parents/<uuid:id>/edit/", views.ParentEventFormPage.as_view(), name="parent_edit"),
]
