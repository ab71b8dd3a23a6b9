"""The evaluation area (监督评估) and its resources, declared once: pages and API are built from these.

Staff read indicator sets, self-assessments, improvement actions, questionnaires and
commendations; the principal and the secretary manage them (evaluation_policy). Answer links are
credentials to answer, so only managers see them (link_policy). Scores have no list of their own:
they are declared so that their evidence files download through workspace:file for exactly who may
read the assessment.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from shared.accounts.roles import SchoolRole
from shared.resources import Area, Filter, Resource, Tab
from tenants.common.choices import Term
from tenants.evaluation import selectors, services
from tenants.evaluation.models import (
    AnswerLink,
    Audience,
    Commendation,
    CommendationLevel,
    ImprovementAction,
    Indicator,
    IndicatorScore,
    IndicatorSet,
    Question,
    Questionnaire,
    QuestionnaireStatus,
    SelfAssessment,
)
from tenants.evaluation.policies import evaluation_policy, link_policy
from tenants.ledger.models import TaskStatus

area = Area(
    namespace="evaluation",
    label=gettext_lazy("Evaluation"),
    tabs=[
        Tab("index", "evaluation:index", gettext_lazy("Overview")),
        Tab("sets", "evaluation:sets", gettext_lazy("Indicator sets")),
        Tab("assessments", "evaluation:assessments", gettext_lazy("Self-assessments")),
        Tab("actions", "evaluation:actions", gettext_lazy("Improvement actions")),
        Tab("questionnaires", "evaluation:questionnaires", gettext_lazy("Questionnaires")),
        Tab("commendations", "evaluation:commendations", gettext_lazy("Commendations")),
        # The district's checks of the school's figures: the leadership group only.
        Tab(
            "figures_checks",
            "evaluation:figures_checks",
            gettext_lazy("Checks of our figures"),
            shown=lambda user: user.has_role(
                SchoolRole.PRINCIPAL, SchoolRole.DEPUTY, SchoolRole.MEMBER, SchoolRole.SECRETARY
            ),
        ),
    ],
)


def set_choices(request):
    return [(str(s.public_id), s.name) for s in indicator_sets.queryset(request.user).order_by("name")]


def year_choices(request):
    years = (
        self_assessments.queryset(request.user).order_by().values_list("school_year", flat=True).distinct()
    )
    return [(y, y) for y in sorted(set(years), reverse=True)]


indicator_sets = Resource(
    name="indicator-sets",
    model=IndicatorSet,
    label=gettext_lazy("Indicator sets"),
    policy=evaluation_policy,
    selector=selectors.indicator_set_list,
    create=services.indicator_set_create,
    update=services.indicator_set_update,
    delete=services.indicator_set_delete,
    filters=[Filter("q", gettext_lazy("Search"), apply=lambda qs, v: qs.filter(name__icontains=v))],
)

indicators = Resource(
    name="indicators",
    model=Indicator,
    label=gettext_lazy("Indicators"),
    policy=evaluation_policy,
    selector=selectors.indicator_list,
    create=services.indicator_create,
    update=services.indicator_update,
    delete=services.indicator_delete,
)

self_assessments = Resource(
    name="self-assessments",
    model=SelfAssessment,
    label=gettext_lazy("Self-assessments"),
    policy=evaluation_policy,
    selector=selectors.assessment_list,
    create=services.assessment_create,
    update=services.assessment_update,
    delete=services.assessment_delete,
    filters=[
        Filter("set", gettext_lazy("Indicator set"), choices=set_choices, lookup="indicator_set__public_id"),
        Filter("year", gettext_lazy("School year"), choices=year_choices, lookup="school_year"),
        Filter("term", gettext_lazy("Term"), choices=list(Term.choices)),
    ],
)

# Evidence files hang on scores: whoever may read the assessments may download them.
indicator_scores = Resource(
    name="indicator-scores",
    model=IndicatorScore,
    label=gettext_lazy("Score"),
    policy=evaluation_policy,
    selector=lambda: IndicatorScore.objects.select_related("assessment", "indicator"),
)

improvement_actions = Resource(
    name="improvement-actions",
    model=ImprovementAction,
    label=gettext_lazy("Improvement actions"),
    policy=evaluation_policy,
    selector=selectors.action_list,
    create=services.improvement_action_create,
    update=services.improvement_action_update,
    delete=services.improvement_action_delete,
    filters=[
        Filter(
            "status", gettext_lazy("Task status"), choices=list(TaskStatus.choices), lookup="task__status"
        ),
        Filter("q", gettext_lazy("Search"), apply=lambda qs, v: qs.filter(title__icontains=v)),
    ],
)

questionnaires = Resource(
    name="questionnaires",
    model=Questionnaire,
    label=gettext_lazy("Questionnaires"),
    policy=evaluation_policy,
    selector=selectors.questionnaire_list,
    create=services.questionnaire_create,
    update=services.questionnaire_update,
    delete=services.questionnaire_delete,
    filters=[
        Filter("status", gettext_lazy("Status"), choices=list(QuestionnaireStatus.choices)),
        Filter("audience", gettext_lazy("Audience"), choices=list(Audience.choices)),
        Filter("q", gettext_lazy("Search"), apply=lambda qs, v: qs.filter(title__icontains=v)),
    ],
)

questionnaire_questions = Resource(
    name="questionnaire-questions",
    model=Question,
    label=gettext_lazy("Questions"),
    policy=evaluation_policy,
    selector=selectors.question_list,
    create=services.question_create,
    update=services.question_update,
    delete=services.question_delete,
)

# Links are credentials to answer: managers only. Creating one answers its token this once.
questionnaire_links = Resource(
    name="questionnaire-links",
    model=AnswerLink,
    label=gettext_lazy("Answer links"),
    policy=link_policy,
    selector=selectors.link_list,
    create=services.link_create,
    update=services.link_update,
    delete=services.link_delete,
    filters=[
        Filter(
            "used",
            gettext_lazy("Answered"),
            choices=[("yes", gettext_lazy("Answered")), ("no", gettext_lazy("Not yet"))],
            apply=lambda qs, v: qs.filter(used=(v == "yes")),
        ),
    ],
)

commendations = Resource(
    name="commendations",
    model=Commendation,
    label=gettext_lazy("Commendations"),
    policy=evaluation_policy,
    selector=selectors.commendation_list,
    create=services.commendation_create,
    update=services.commendation_update,
    delete=services.commendation_delete,
    filters=[
        Filter("level", gettext_lazy("Level"), choices=list(CommendationLevel.choices)),
        Filter(
            "q",
            gettext_lazy("Search"),
            apply=lambda qs, v: qs.filter(
                Q(title__icontains=v)
                | Q(recipient_name__icontains=v)
                | Q(recipient_user__full_name__icontains=v)
            ),
        ),
    ],
)
