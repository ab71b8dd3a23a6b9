from django.urls import path

from tenants.counseling import views

app_name = "counseling"

urlpatterns = [
    path("", views.SessionTable.as_view(), name="index"),
    path("new/", views.SessionFormPage.as_view(), name="session_new"),
    path("<uuid:id>/", views.session_detail, name="session"),
    path("<uuid:id>/edit/", views.SessionFormPage.as_view(), name="session_edit"),
    path("referrals/", views.ReferralTable.as_view(), name="referrals"),
    path("referrals/new/", views.ReferralFormPage.as_view(), name="referral_new"),
    path("referrals/<uuid:id>/", views.referral_detail, name="referral"),
    path("referrals/<uuid:id>/edit/", views.ReferralFormPage.as_view(), name="referral_edit"),
    path("referrals/<uuid:id>/feedback/", views.ReferralFeedbackPage.as_view(), name="referral_feedback"),
    path("referrals/<uuid:id>/return/", views.ReferralReturnPage.as_view(), name="referral_return"),
    path("plans/", views.PlanTable.as_view(), name="plans"),
    path("plans/new/", views.PlanFormPage.as_view(), name="plan_new"),
    path("plans/<uuid:id>/", views.plan_detail, name="plan"),
    path("plans/<uuid:id>/edit/", views.PlanFormPage.as_view(), name="plan_edit"),
    path("plans/<uuid:id>/review/", views.plan_review, name="plan_review"),
    path("plans/<uuid:id>/close/", views.plan_close, name="plan_close"),
]
