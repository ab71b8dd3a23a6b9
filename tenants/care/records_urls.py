from django.urls import path

from tenants.care import records_views as views

app_name = "care_records"

urlpatterns = [
    path("transfers/", views.ReceivedTable.as_view(), name="transfers"),
    path("transfers/sent/", views.SentTable.as_view(), name="sent"),
    path("transfers/send/<uuid:id>/", views.SendPage.as_view(), name="send"),
    path("transfers/<uuid:id>/", views.AcceptPage.as_view(), name="transfer"),
    path("retention/", views.RetentionTable.as_view(), name="retention"),
    path("retention/<int:pk>/", views.RetentionEditPage.as_view(), name="retention_edit"),
]
