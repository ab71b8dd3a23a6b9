from django.urls import path

from tenants.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.CampaignTable.as_view(), name="index"),
    path("campaigns/new/", views.CampaignFormPage.as_view(), name="campaign_new"),
    path("campaigns/<uuid:id>/", views.CampaignDetail.as_view(), name="campaign"),
    path("campaigns/<uuid:id>/edit/", views.CampaignFormPage.as_view(), name="campaign_edit"),
    path("campaigns/<uuid:id>/enter/<uuid:student_id>/", views.enter, name="enter"),
    path("campaigns/<uuid:id>/link/<uuid:student_id>/", views.link_issue, name="link_issue"),
    path("take/<str:token>/", views.take, name="take"),
    path("responses/", views.ResponseTable.as_view(), name="responses"),
    path("responses/<uuid:id>/", views.response_detail, name="response"),
    path("instruments/", views.InstrumentTable.as_view(), name="instruments"),
    path("instruments/new/", views.InstrumentFormPage.as_view(), name="instrument_new"),
    path("instruments/<uuid:id>/edit/", views.InstrumentFormPage.as_view(), name="instrument_edit"),
]
