from django.urls import path

from tenants.crisis import views

app_name = "crisis"

urlpatterns = [
    path("", views.CaseTable.as_view(), name="index"),
    path("cases/new/", views.CaseOpenPage.as_view(), name="case_new"),
    path("cases/<uuid:id>/", views.case_detail, name="case"),
    path("cases/<uuid:id>/steps/", views.case_step, name="case_step"),
    path("cases/<uuid:id>/break-glass/", views.case_break_glass, name="case_break_glass"),
    path("plans/", views.PlanTable.as_view(), name="plans"),
    path("plans/new/", views.PlanFormPage.as_view(), name="plan_new"),
    path("plans/<uuid:id>/", views.plan_detail, name="plan"),
    path("plans/<uuid:id>/edit/", views.PlanFormPage.as_view(), name="plan_edit"),
    path("limits/", views.LimitTable.as_view(), name="limits"),
    path("limits/new/", views.LimitFormPage.as_view(), name="limit_new"),
    path("limits/<uuid:id>/edit/", views.LimitFormPage.as_view(), name="limit_edit"),
    path("duty/", views.DutyTable.as_view(), name="duty"),
    path("duty/new/", views.DutyFormPage.as_view(), name="duty_new"),
    path("duty/<uuid:id>/remove/", views.duty_remove, name="duty_remove"),
]
