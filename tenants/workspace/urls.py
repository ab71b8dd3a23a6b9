from django.urls import path

from tenants.workspace import views

app_name = "workspace"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("files/<uuid:file_id>/", views.file_download, name="file"),
]
