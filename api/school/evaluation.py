"""API of 监督评估: indicator sets and indicators, self-assessments with their scores, improvement
actions (each a ledger task), questionnaires and their questions, answer links, summaries, and
commendations. Answering a questionnaire is a page (/evaluation/q/<token>/), not an API call."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.school.base import ResourceListCreateApi, resource_urls
from api.school.fields import PersonField, ref
from tenants.evaluation import selectors
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
from tenants.evaluation.policies import answers_policy
from tenants.evaluation.resources import (
    commendations,
    improvement_actions,
    indicator_sets,
    indicators,
    questionnaire_links,
    questionnaire_questions,
    questionnaires,
    self_assessments,
)
from tenants.ledger.models import TaskStatus

# ---------------------------------------------------------------------------------------------
# Indicator sets and indicators


class IndicatorSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    indicator_set = ref(IndicatorSet)
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


# ---------------------------------------------------------------------------------------------
# Self-assessments


class AttachmentRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)


class ScoreSerializer(serializers.Serializer):
    indicator = ref(Indicator)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    score = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100)
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    attachments = AttachmentRefSerializer(many=True, read_only=True)


class AssessmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    indicator_set = ref(IndicatorSet)
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


# ---------------------------------------------------------------------------------------------
# Improvement actions


class TaskRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    status = serializers.ChoiceField(choices=TaskStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    due_on = serializers.DateField(read_only=True)


class ImprovementActionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    assessment = ref(SelfAssessment)
    indicator = ref(Indicator, required=False, allow_null=True)
    owner = PersonField()
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


# ---------------------------------------------------------------------------------------------
# Questionnaires and questions


class OptionSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    order = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)


class QuestionSerializer(serializers.ModelSerializer):
    """Output: the options as objects. Input: the options as a list of texts (choice questions)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    questionnaire = ref(Questionnaire)
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


# ---------------------------------------------------------------------------------------------
# Answer links (managers only: a link lets anyone answer)


class AnswerLinkSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    questionnaire = ref(Questionnaire)
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
        questionnaire = questionnaires.get_for(request.user, id)
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
    recipient_user = PersonField(required=False, allow_null=True)
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


class _NewLinkShowsItsUrl(ResourceListCreateApi):
    """A link just made answers its `url` this once: the reload keeps the token the service gave
    it (only its SHA-256 is stored). The questionnaire's links page makes links in bulk."""

    def reload(self, obj):
        created = super().reload(obj)
        created.token = obj.token
        return created


urlpatterns = [
    *resource_urls(indicator_sets, output=IndicatorSetSerializer, tag="evaluation"),
    *resource_urls(indicators, output=IndicatorSerializer, tag="evaluation"),
    *resource_urls(self_assessments, output=AssessmentSerializer, tag="evaluation"),
    *resource_urls(improvement_actions, output=ImprovementActionSerializer, tag="evaluation"),
    *resource_urls(questionnaires, output=QuestionnaireSerializer, tag="evaluation"),
    path("questionnaires/<uuid:id>/summary/", QuestionnaireSummaryApi.as_view(), name="evaluation-summary"),
    *resource_urls(
        questionnaire_questions, output=QuestionSerializer, input=QuestionInputSerializer, tag="evaluation"
    ),
    *resource_urls(
        questionnaire_links, output=AnswerLinkSerializer, tag="evaluation", list_base=_NewLinkShowsItsUrl
    ),
    *resource_urls(commendations, output=CommendationSerializer, tag="evaluation"),
]
