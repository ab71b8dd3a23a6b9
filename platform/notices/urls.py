"""The district's notices pages, on the district host."""

from django.urls import path

from notices import views

app_name = "notices"
urlpatterns = [
    path("", views.DistrictNoticeList.as_view(), name="list"),
    path("new/", views.district_notice_new, name="new"),
    path("robot/", views.robot, name="robot"),
    path("robot/test/", views.robot_test, name="robot_test"),
    path("robot/remove/", views.robot_remove, name="robot_remove"),
    path("files/<uuid:id>/", views.attachment_download, name="file"),
    path("<uuid:id>/", views.DistrictReceipts.as_view(), name="detail"),
]
