from django.urls import path

from tenants.crisis import views

app_name = "crisis"

urlpatterns = [
    path("cases/<uuid:id>/", views.case_detail, name="case"),
]
