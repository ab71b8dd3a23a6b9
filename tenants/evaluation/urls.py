from django.urls import path

from tenants.evaluation import views
from tenants.evaluation.figures_checks_views import FiguresChecksPage

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    path("figures-checks/", FiguresChecksPage.as_view(), name="figures_checks"),
    path("indicator-sets/", views.IndicatorSetListPage.as_view(), name="sets"),
    path("indicator-sets/new/", views.IndicatorSetCreatePage.as_view(), name="set_new"),
    path("indicator-sets/<uuid:id>/", views.indicator_set_detail, name="set"),
    path("indicator-sets/<uuid:id>/edit/", views.IndicatorSetEditPage.as_view(), name="set_edit"),
    path(
        "indicator-sets/<uuid:set_id>/indicators/new/",
        views.IndicatorCreatePage.as_view(),
        name="indicator_new",
    ),
    path("indicators/<uuid:id>/edit/", views.IndicatorEditPage.as_view(), name="indicator_edit"),
    path("assessments/", views.AssessmentListPage.as_view(), name="assessments"),
    path("assessments/new/", views.AssessmentCreatePage.as_view(), name="assessment_new"),
    path("assessments/<uuid:id>/", views.assessment_detail, name="assessment"),
    path("assessments/<uuid:id>/edit/", views.AssessmentEditPage.as_view(), name="assessment_edit"),
    path("assessments/<uuid:id>/scores/", views.assessment_scores, name="assessment_scores"),
    path(
        "assessments/<uuid:assessment_id>/actions/new/", views.ActionCreatePage.as_view(), name="action_new"
    ),
    path("actions/", views.ActionListPage.as_view(), name="actions"),
    path("actions/<uuid:id>/", views.action_detail, name="action"),
    path("actions/<uuid:id>/edit/", views.ActionEditPage.as_view(), name="action_edit"),
    path("questionnaires/", views.QuestionnaireListPage.as_view(), name="questionnaires"),
    path("questionnaires/new/", views.QuestionnaireCreatePage.as_view(), name="questionnaire_new"),
    path("questionnaires/<uuid:id>/", views.questionnaire_detail, name="questionnaire"),
    path(
        "questionnaires/<uuid:id>/edit/",
        views.QuestionnaireEditPage.as_view(),
        name="questionnaire_edit",
    ),
    path(
        "questionnaires/<uuid:questionnaire_id>/questions/new/",
        views.QuestionCreatePage.as_view(),
        name="question_new",
    ),
    path("questions/<uuid:id>/edit/", views.QuestionEditPage.as_view(), name="question_edit"),
    path("questionnaires/<uuid:questionnaire_id>/links/", views.LinksPage.as_view(), name="links"),
    path("questionnaires/<uuid:id>/results/", views.results, name="results"),
    path("commendations/", views.CommendationListPage.as_view(), name="commendations"),
    path("commendations/new/", views.CommendationCreatePage.as_view(), name="commendation_new"),
    path(
        "commendations/<uuid:id>/edit/",
        views.CommendationEditPage.as_view(),
        name="commendation_edit",
    ),
    path("delete/<slug:kind>/<uuid:id>/", views.delete, name="delete"),
    # The public answer page: no sign-in, one answer per link.
    path("q/<str:token>/", views.answer, name="answer"),
]
