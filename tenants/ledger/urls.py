from django.urls import path

from tenants.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.TaskListPage.as_view(), name="index"),
    path("mine/", views.MyTasksPage.as_view(), name="mine"),
    path("by-owner/", views.ByOwnerPage.as_view(), name="by_owner"),
    path("by-plan/", views.ByPlanPage.as_view(), name="by_plan"),
    path("by-department/", views.ByDepartmentPage.as_view(), name="by_department"),
    path("tasks/new/", views.TaskFormPage.as_view(), name="task_new"),
    path("tasks/<uuid:id>/", views.task_detail, name="task"),
    path("tasks/<uuid:id>/edit/", views.TaskFormPage.as_view(), name="task_edit"),
    path("meetings/", views.MeetingListPage.as_view(), name="meetings"),
    path("meetings/new/", views.MeetingFormPage.as_view(), name="meeting_new"),
    path("meetings/<uuid:id>/", views.meeting_detail, name="meeting"),
    path("meetings/<uuid:id>/edit/", views.MeetingFormPage.as_view(), name="meeting_edit"),
]
