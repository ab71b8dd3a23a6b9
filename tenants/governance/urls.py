from django.urls import path

from tenants.governance import views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    # Leadership group (领导小组)
    path("group/", views.RosterPage.as_view(), name="roster"),
    path("group/history/", views.RosterHistoryPage.as_view(), name="history"),
    path("group/members/new/", views.MemberFormPage.as_view(), name="member_new"),
    path("group/members/<uuid:id>/edit/", views.MemberFormPage.as_view(), name="member_edit"),
    path("group/members/<uuid:id>/end/", views.MemberEndPage.as_view(), name="member_end"),
    path("group/attendees/", views.AttendeeListPage.as_view(), name="attendees"),
    path("group/attendees/new/", views.AttendeeFormPage.as_view(), name="attendee_new"),
    path("group/attendees/<uuid:id>/edit/", views.AttendeeFormPage.as_view(), name="attendee_edit"),
    # Work plans (工作计划)
    path("plans/", views.PlanListPage.as_view(), name="plans"),
    path("plans/new/", views.PlanFormPage.as_view(), name="plan_new"),
    path("plans/<uuid:id>/", views.plan_detail, name="plan"),
    path("plans/<uuid:id>/edit/", views.PlanFormPage.as_view(), name="plan_edit"),
    path("plans/<uuid:id>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<uuid:id>/start/", views.plan_start, name="plan_start"),
    path("plans/<uuid:id>/close/", views.PlanClosePage.as_view(), name="plan_close"),
    path("plans/<uuid:id>/tasks/new/", views.KeyTaskCreatePage.as_view(), name="plan_task_new"),
    # Rules and regulations (规章制度)
    path("rules/", views.RuleListPage.as_view(), name="rules"),
    path("rules/new/", views.RuleCreatePage.as_view(), name="rule_new"),
    path("rules/<uuid:id>/", views.rule_detail, name="rule"),
    path("rules/<uuid:id>/edit/", views.RuleEditPage.as_view(), name="rule_edit"),
    path("rules/<uuid:id>/versions/new/", views.RuleVersionCreatePage.as_view(), name="rule_version_new"),
    # Information reports (信息报告)
    path("reports/", views.ReportListPage.as_view(), name="reports"),
    path("reports/new/", views.ReportFormPage.as_view(), name="report_new"),
    path("reports/schedule/", views.ReportSchedulePage.as_view(), name="report_schedule"),
    path("reports/<uuid:id>/", views.report_detail, name="report"),
    path("reports/<uuid:id>/edit/", views.ReportFormPage.as_view(), name="report_edit"),
    path("reports/<uuid:id>/submit/", views.report_submit, name="report_submit"),
]
