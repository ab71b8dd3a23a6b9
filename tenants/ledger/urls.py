from django.urls import path

from tenants.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.TaskListPage.as_view(), name="index"),
    path("mine/", views.MyTasksPage.as_view(), name="mine"),
    path("by-owner/", views.ByOwnerPage.as_view(), name="by_owner"),
    path("by-plan/", views.ByPlanPage.as_view(), name="by_plan"),
    path("by-department/", views.ByDepartmentPage.as_view(), name="by_department"),
    path("tasks/new/", views.TaskCreatePage.as_view(), name="task_new"),
    path("tasks/<uuid:task_id>/", views.task_detail, name="task"),
    path("tasks/<uuid:task_id>/edit/", views.TaskEditPage.as_view(), name="task_edit"),
    path("meetings/", views.MeetingListPage.as_view(), name="meetings"),
    path("meetings/new/", views.MeetingCreatePage.as_view(), name="meeting_new"),
    path("meetings/<uuid:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<uuid:meeting_id>/edit/", views.MeetingEditPage.as_view(), name="meeting_edit"),
]
