"""API of 监督评估: indicator sets and indicators, self-assessments with their scores, improvement
actions (each a ledger task), questionnaires and their questions, answer links, summaries, and
commendations. Answering a questionnaire is a page (/evaluation/q/<token>/), not an API call."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.school.base import ResourceDetailApi, ResourceListCreateApi
from shared.accounts.models import User
from tenants.evaluation import selectors, services
from tenants.evaluation.models import (
    AnswerLink,
    Audience,
    Commendation,
    CommendationLevel,
    ImprovementAction,
    Indicator,
    IndicatorSet,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireStatus,
    SelfAssessment,
)
from tenants.evaluation.policies import answers_policy, evaluation_policy, link_policy
from tenants.ledger.models import TaskStatus


def _people():
    return User.objects.filter(is_active=True)


class PersonRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)


# ---------------------------------------------------------------------------------------------
# Indicator sets and indicators


class IndicatorSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    indicator_set = serializers.SlugRelatedField(slug_field="public_id", queryset=IndicatorSet.objects.all())
    target = serializers.CharField(source="target_display", read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "indicator_set",
            "order",
            "name",
            "description",
            "target_value",
            "target_unit",
            "target_text",
            "target",
            "weight",
        ]
        extra_kwargs = {"order": {"required": False}, "weight": {"min_value": 0}}
        validators = []  # the service names the field of a clash


class IndicatorInSetSerializer(IndicatorSerializer):
    class Meta(IndicatorSerializer.Meta):
        fields = [f for f in IndicatorSerializer.Meta.fields if f != "indicator_set"]


class IndicatorSetSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    indicators = IndicatorInSetSerializer(many=True, read_only=True)

    class Meta:
        model = IndicatorSet
        fields = ["id", "name", "description", "indicators", "created_at", "updated_at"]
        extra_kwargs = {"name": {"validators": []}}


@extend_schema(tags=["evaluation"])
class IndicatorSetListApi(ResourceListCreateApi):
    policy = evaluation_policy
    output_serializer = IndicatorSetSerializer

    def selector(self):
        return selectors.indicator_set_list()

    def create_service(self, *, actor, data):
        return services.indicator_set_create(actor=actor, **data)


@extend_schema(tags=["evaluation"])
class IndicatorSetDetailApi(ResourceDetailApi):
    policy = evaluation_policy
    output_serializer = IndicatorSetSerializer

    def selector(self):
        return selectors.indicator_set_list()

    def update_service(self, obj, *, actor, data):
        return services.indicator_set_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        services.indicator_set_delete(obj, actor=actor)


@extend_schema(tags=["evaluation"])
class IndicatorListApi(ResourceListCreateApi):
    policy = evaluation_policy
    output_serializer = IndicatorSerializer

    def selector(self):
        return selectors.indicator_list()

    def create_service(self, *, actor, data):
        return services.indicator_create(actor=actor, **data)


@extend_schema(tags=["evaluation"])
class IndicatorDetailApi(ResourceDetailApi):
    policy = evaluation_policy
    output_serializer = IndicatorSerializer

    def selector(self):
        return selectors.indicator_list()

    def update_service(self, obj, *, actor, data):
        return services.indicator_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        services.indicator_delete(obj, actor=actor)


# ---------------------------------------------------------------------------------------------
# Self-assessments


class AttachmentRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)


class ScoreSerializer(serializers.Serializer):
    indicator = serializers.SlugRelatedField(slug_field="public_id", queryset=Indicator.objects.all())
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    score = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100)
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    attachments = AttachmentRefSerializer(many=True, read_only=True)


class AssessmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    indicator_set = serializers.SlugRelatedField(slug_field="public_id", queryset=IndicatorSet.objects.all())
    period = serializers.CharField(read_only=True)
    scores = ScoreSerializer(many=True, required=False)
    weighted_score = serializers.SerializerMethodField()
    points = serializers.SerializerMethodField()
    points_possible = serializers.SerializerMethodField()
    scored_count = serializers.SerializerMethodField()
    indicator_count = serializers.SerializerMethodField()

    class Meta:
        model = SelfAssessment
        fields = [
            "id",
            "indicator_set",
            "school_year",
            "term",
            "period",
            "assessed_on",
            "summary",
            "scores",
            "weighted_score",
            "points",
            "points_possible",
            "scored_count",
            "indicator_count",
            "created_at",
        ]
        validators = []

    def _totals(self, obj):
        cache = self.context.setdefault("_totals", {})
        if obj.pk not in cache:
            cache[obj.pk] = selectors.assessment_totals(obj)
        return cache[obj.pk]

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True))
    def get_weighted_score(self, obj):
        value = self._totals(obj).weighted_score
        return None if value is None else str(value)

    @extend_schema_field(serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True))
    def get_points(self, obj):
        value = self._totals(obj).points
        return None if value is None else str(value)

    @extend_schema_field(serializers.DecimalField(max_digits=8, decimal_places=1))
    def get_points_possible(self, obj):
        return str(self._totals(obj).points_possible)

    @extend_schema_field(serializers.IntegerField())
    def get_scored_count(self, obj):
        return self._totals(obj).scored

    @extend_schema_field(serializers.IntegerField())
    def get_indicator_count(self, obj):
        return self._totals(obj).indicators


@extend_schema(tags=["evaluation"])
class AssessmentListApi(ResourceListCreateApi):
    policy = evaluation_policy
    output_serializer = AssessmentSerializer

    def selector(self):
        return selectors.assessment_list()

    def create_service(self, *, actor, data):
        assessment = services.assessment_create(actor=actor, **data)
        return selectors.assessment_list().get(pk=assessment.pk)


@extend_schema(tags=["evaluation"])
class AssessmentDetailApi(ResourceDetailApi):
    policy = evaluation_policy
    output_serializer = AssessmentSerializer

    def selector(self):
        return selectors.assessment_list()

    def update_service(self, obj, *, actor, data):
        scores = data.pop("scores", None)
        services.assessment_update(obj, actor=actor, data=data, scores=scores)
        return selectors.assessment_list().get(pk=obj.pk)

    def delete_service(self, obj, *, actor):
        services.assessment_delete(obj, actor=actor)


# ---------------------------------------------------------------------------------------------
# Improvement actions


class TaskRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    status = serializers.ChoiceField(choices=TaskStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    due_on = serializers.DateField(read_only=True)


class ImprovementActionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    assessment = serializers.SlugRelatedField(slug_field="public_id", queryset=SelfAssessment.objects.all())
    indicator = serializers.SlugRelatedField(
        slug_field="public_id", queryset=Indicator.objects.all(), required=False, allow_null=True
    )
    owner = serializers.SlugRelatedField(slug_field="public_id", queryset=_people())
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    task = TaskRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ImprovementAction
        fields = [
            "id",
            "assessment",
            "indicator",
            "title",
            "description",
            "owner",
            "owner_name",
            "due_on",
            "task",
            "created_at",
        ]


@extend_schema(tags=["evaluation"])
class ImprovementActionListApi(ResourceListCreateApi):
    policy = evaluation_policy
    output_serializer = ImprovementActionSerializer

    def selector(self):
        return selectors.action_list()

    def create_service(self, *, actor, data):
        return services.improvement_action_create(actor=actor, **data)


@extend_schema(tags=["evaluation"])
class ImprovementActionDetailApi(ResourceDetailApi):
    policy = evaluation_policy
    output_serializer = ImprovementActionSerializer

    def selector(self):
        return selectors.action_list()

    def update_service(self, obj, *, actor, data):
        return services.improvement_action_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        services.improvement_action_delete(obj, actor=actor)


# ---------------------------------------------------------------------------------------------
# Questionnaires and questions


class OptionSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    order = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)


class QuestionSerializer(serializers.ModelSerializer):
    """Output: the options as objects. Input: the options as a list of texts (choice questions)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    questionnaire = serializers.SlugRelatedField(slug_field="public_id", queryset=Questionnaire.objects.all())
    options = OptionSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "questionnaire",
            "order",
            "kind",
            "text",
            "required",
            "options",
            "scale_min",
            "scale_max",
            "scale_min_label",
            "scale_max_label",
            "max_length",
        ]
        read_only_fields = ["order"]
        validators = []


class QuestionInputSerializer(QuestionSerializer):
    options = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=20,
        help_text="The options of a choice question, in order; they replace the current ones.",
    )
    kind = serializers.ChoiceField(choices=QuestionKind.choices)


class QuestionInQuestionnaireSerializer(QuestionSerializer):
    class Meta(QuestionSerializer.Meta):
        fields = [f for f in QuestionSerializer.Meta.fields if f != "questionnaire"]


class QuestionnaireSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    audience = serializers.ChoiceField(choices=Audience.choices)
    status = serializers.ChoiceField(choices=QuestionnaireStatus.choices, required=False)
    questions = QuestionInQuestionnaireSerializer(many=True, read_only=True)
    question_count = serializers.IntegerField(read_only=True)
    link_count = serializers.IntegerField(read_only=True)
    response_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "title",
            "intro",
            "audience",
            "status",
            "questions",
            "question_count",
            "link_count",
            "response_count",
            "created_at",
        ]


@extend_schema(tags=["evaluation"])
class QuestionnaireListApi(ResourceListCreateApi):
    policy = evaluation_policy
    output_serializer = QuestionnaireSerializer

    def selector(self):
        return selectors.questionnaire_list()

    def create_service(self, *, actor, data):
        questionnaire = services.questionnaire_create(actor=actor, **data)
        return selectors.questionnaire_list().get(pk=questionnaire.pk)


@extend_schema(tags=["evaluation"])
class QuestionnaireDetailApi(ResourceDetailApi):
    policy = evaluation_policy
    output_serializer = QuestionnaireSerializer

    def selector(self):
        return selectors.questionnaire_list()

    def update_service(self, obj, *, actor, data):
        services.questionnaire_update(obj, actor=actor, data=data)
        return selectors.questionnaire_list().get(pk=obj.pk)

    def delete_service(self, obj, *, actor):
        services.questionnaire_delete(obj, actor=actor)


@extend_schema(tags=["evaluation"])
class QuestionListApi(ResourceListCreateApi):
    policy = evaluation_policy
    output_serializer = QuestionSerializer
    input_serializer = QuestionInputSerializer

    def selector(self):
        return selectors.question_list()

    def create_service(self, *, actor, data):
        return services.question_create(actor=actor, **data)


@extend_schema(tags=["evaluation"])
class QuestionDetailApi(ResourceDetailApi):
    policy = evaluation_policy
    output_serializer = QuestionSerializer
    input_serializer = QuestionInputSerializer

    def selector(self):
        return selectors.question_list()

    def update_service(self, obj, *, actor, data):
        options = data.pop("options", None)
        return services.question_update(obj, actor=actor, data=data, options=options)

    def delete_service(self, obj, *, actor):
        services.question_delete(obj, actor=actor)


# ---------------------------------------------------------------------------------------------
# Answer links (managers only: a link lets anyone answer)


class AnswerLinkSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    questionnaire = serializers.SlugRelatedField(slug_field="public_id", queryset=Questionnaire.objects.all())
    url = serializers.SerializerMethodField(
        help_text="答题链接。只在创建链接的响应中给出这一次（只保存其 SHA-256），其余时候为 null"
    )
    used = serializers.SerializerMethodField()

    class Meta:
        model = AnswerLink
        fields = ["id", "questionnaire", "label", "url", "expires_at", "used", "created_at"]
        read_only_fields = ["expires_at"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, obj):
        token = getattr(obj, "token", None)  # set only on a link just made
        if not token:
            return None
        relative = f"/evaluation/q/{token}/"
        request = self.context.get("request")
        return request.build_absolute_uri(relative) if request else relative

    @extend_schema_field(serializers.BooleanField())
    def get_used(self, obj):
        used = getattr(obj, "used", None)
        return bool(used) if used is not None else hasattr(obj, "response")


@extend_schema(tags=["evaluation"])
class AnswerLinkListApi(ResourceListCreateApi):
    """One POST makes one link and answers its `url` this once; the questionnaire's links page
    makes them in bulk."""

    policy = link_policy
    output_serializer = AnswerLinkSerializer

    def selector(self):
        return selectors.link_list()

    def create_service(self, *, actor, data):
        (link,) = services.links_generate(
            actor=actor, questionnaire=data["questionnaire"], count=1, label=data.get("label", "")
        )
        created = selectors.link_list().get(pk=link.pk)
        created.token = link.token  # the one time the token is known
        return created


@extend_schema(tags=["evaluation"])
class AnswerLinkDetailApi(ResourceDetailApi):
    policy = link_policy
    output_serializer = AnswerLinkSerializer

    def selector(self):
        return selectors.link_list()

    def update_service(self, obj, *, actor, data):
        services.link_update(obj, actor=actor, data=data)
        return selectors.link_list().get(pk=obj.pk)

    def delete_service(self, obj, *, actor):
        services.link_delete(obj, actor=actor)


# ---------------------------------------------------------------------------------------------
# Summary of a questionnaire's answers


class CountSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    text = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=4, decimal_places=1)


class ScaleCountSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    count = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=4, decimal_places=1)


class QuestionSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    order = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    answered = serializers.IntegerField()
    options = CountSerializer(many=True)
    scale = ScaleCountSerializer(many=True)
    mean = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    texts = serializers.ListField(child=serializers.CharField(), help_text="Text answers: managers only.")


class SummarySerializer(serializers.Serializer):
    responses = serializers.IntegerField()
    links = serializers.IntegerField()
    texts_included = serializers.BooleanField()
    questions = QuestionSummarySerializer(many=True)


@extend_schema(tags=["evaluation"])
class QuestionnaireSummaryApi(APIView):
    """Counts and percents per option, mean and distribution per scale; text answers for managers."""

    @extend_schema(responses={200: SummarySerializer}, operation_id="questionnaire_summary")
    def get(self, request, id):
        questionnaire = selectors.get_for(
            actor=request.user, policy=evaluation_policy, queryset=Questionnaire.objects.all(), public_id=id
        )
        include = answers_policy.can_read(request.user)
        summary = selectors.questionnaire_summary(questionnaire, include_texts=include)
        data = {
            "responses": summary.responses,
            "links": summary.links,
            "texts_included": include,
            "questions": [
                {
                    "id": item.question.public_id,
                    "order": item.question.order,
                    "kind": item.question.kind,
                    "text": item.question.text,
                    "answered": item.answered,
                    "options": [
                        {
                            "id": o["option"].public_id,
                            "text": o["option"].text,
                            "count": o["count"],
                            "percent": o["percent"],
                        }
                        for o in item.options
                    ],
                    "scale": item.scale,
                    "mean": item.mean,
                    "texts": item.texts,
                }
                for item in summary.questions
            ],
        }
        return Response(SummarySerializer(data).data)


# ---------------------------------------------------------------------------------------------
# Commendations


class CommendationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    recipient_user = serializers.SlugRelatedField(
        slug_field="public_id", queryset=_people(), required=False, allow_null=True
    )
    recipient = serializers.CharField(source="recipient_display", read_only=True)
    level = serializers.ChoiceField(choices=CommendationLevel.choices, required=False)

    class Meta:
        model = Commendation
        fields = [
            "id",
            "title",
            "recipient_user",
            "recipient_name",
            "recipient",
            "awarded_on",
            "reason",
            "level",
            "created_at",
        ]


@extend_schema(tags=["evaluation"])
class CommendationListApi(ResourceListCreateApi):
    policy = evaluation_policy
    output_serializer = CommendationSerializer

    def selector(self):
        return selectors.commendation_list()

    def create_service(self, *, actor, data):
        return services.commendation_create(actor=actor, **data)


@extend_schema(tags=["evaluation"])
class CommendationDetailApi(ResourceDetailApi):
    policy = evaluation_policy
    output_serializer = CommendationSerializer

    def selector(self):
        return selectors.commendation_list()

    def update_service(self, obj, *, actor, data):
        return services.commendation_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        services.commendation_delete(obj, actor=actor)


urlpatterns = [
    path("indicator-sets/", IndicatorSetListApi.as_view(), name="evaluation-indicator-sets"),
    path("indicator-sets/<uuid:id>/", IndicatorSetDetailApi.as_view(), name="evaluation-indicator-set"),
    path("indicators/", IndicatorListApi.as_view(), name="evaluation-indicators"),
    path("indicators/<uuid:id>/", IndicatorDetailApi.as_view(), name="evaluation-indicator"),
    path("self-assessments/", AssessmentListApi.as_view(), name="evaluation-assessments"),
    path("self-assessments/<uuid:id>/", AssessmentDetailApi.as_view(), name="evaluation-assessment"),
    path("improvement-actions/", ImprovementActionListApi.as_view(), name="evaluation-actions"),
    path("improvement-actions/<uuid:id>/", ImprovementActionDetailApi.as_view(), name="evaluation-action"),
    path("questionnaires/", QuestionnaireListApi.as_view(), name="evaluation-questionnaires"),
    path("questionnaires/<uuid:id>/", QuestionnaireDetailApi.as_view(), name="evaluation-questionnaire"),
    path("questionnaires/<uuid:id>/summary/", QuestionnaireSummaryApi.as_view(), name="evaluation-summary"),
    path("questionnaire-questions/", QuestionListApi.as_view(), name="evaluation-questions"),
    path("questionnaire-questions/<uuid:id>/", QuestionDetailApi.as_view(), name="evaluation-question"),
    path("questionnaire-links/", AnswerLinkListApi.as_view(), name="evaluation-links"),
    path("questionnaire-links/<uuid:id>/", AnswerLinkDetailApi.as_view(), name="evaluation-link"),
    path("commendations/", CommendationListApi.as_view(), name="evaluation-commendations"),
    path("commendations/<uuid:id>/", CommendationDetailApi.as_view(), name="evaluation-commendation"),
]
