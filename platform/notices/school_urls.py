"""The notices pages on a school's host."""

from django.urls import path

from notices import views

app_name = "notices"
urlpatterns = [
    path("", views.SchoolNoticeList.as_view(), name="list"),
    path("robot/", views.robot, name="robot"),
    path("robot/test/", views.robot_test, name="robot_test"),
    path("robot/remove/", views.robot_remove, name="robot_remove"),
    path("files/<uuid:id>/", views.attachment_download, name="file"),
    path("<uuid:id>/", views.school_notice_detail, name="detail"),
]
