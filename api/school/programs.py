"""Programs API: curriculum units, class sessions, activities (with attachments), subject-integration
lessons, publicity campaigns and parent lectures/training."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import as_drf_validation_error as _drf
from api.school.attachments import AttachmentOutput
from api.school.base import resource_urls
from api.school.fields import PersonField, PersonSummary, ref
from tenants.programs import selectors, services
from tenants.programs.models import (
    Activity,
    ClassSession,
    CurriculumUnit,
    IntegrationLesson,
    ParentEvent,
    PublicityCampaign,
)
from tenants.programs.resources import (
    activities,
    class_sessions,
    curriculum_units,
    integration_lessons,
    parent_events,
    publicity_campaigns,
)

# Curriculum units


class CurriculumUnitOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    delivered_sessions = serializers.IntegerField(source="delivered", read_only=True)

    class Meta:
        model = CurriculumUnit
        fields = [
            "id",
            "school_year",
            "grade",
            "title",
            "objectives",
            "planned_sessions",
            "delivered_sessions",
            "created_at",
            "updated_at",
        ]


class CurriculumUnitInput(serializers.ModelSerializer):
    class Meta:
        model = CurriculumUnit
        fields = ["school_year", "grade", "title", "objectives", "planned_sessions"]
        validators = []  # the unique constraint is checked by the service, as a named error


# Class sessions


class ClassSessionOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    unit_title = serializers.CharField(source="unit.title", read_only=True)
    grade = serializers.IntegerField(source="unit.grade", read_only=True)
    teacher = PersonSummary(read_only=True)

    class Meta:
        model = ClassSession
        fields = [
            "id",
            "unit",
            "unit_title",
            "grade",
            "class_name",
            "held_on",
            "teacher",
            "topic",
            "notes",
            "created_at",
            "updated_at",
        ]


class ClassSessionInput(serializers.ModelSerializer):
    unit = ref(CurriculumUnit)
    teacher = PersonField()

    class Meta:
        model = ClassSession
        fields = ["unit", "class_name", "held_on", "teacher", "topic", "notes"]


# Activities


class ActivityOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    organiser = PersonSummary(read_only=True)
    audience_grades = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=12), read_only=True
    )
    audience = serializers.CharField(source="audience_display", read_only=True)
    can_change = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "title",
            "held_on",
            "organiser",
            "audience_grades",
            "audience_classes",
            "audience",
            "participant_count",
            "description",
            "can_change",
            "created_at",
            "updated_at",
        ]

    def get_can_change(self, activity) -> bool:
        request = self.context.get("request")
        return bool(request and activities.policy.can_change(request.user, activity))


class ActivityInput(serializers.ModelSerializer):
    organiser = PersonField(required=False, help_text="默认为当前用户；班主任只能填写自己")
    audience_grades = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=12), required=False
    )
    audience_classes = serializers.ListField(child=serializers.CharField(max_length=50), required=False)

    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "held_on",
            "organiser",
            "audience_grades",
            "audience_classes",
            "participant_count",
            "description",
        ]


class AttachmentUpload(serializers.Serializer):
    file = serializers.FileField()


@extend_schema(tags=["activities"])
class ActivityAttachmentsApi(APIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = AttachmentOutput

    def _activity(self, request, id):
        return activities.get_for(request.user, id)

    @extend_schema(responses=AttachmentOutput(many=True))
    def get(self, request, id):
        activity = self._activity(request, id)
        return Response(AttachmentOutput(selectors.attachments_of(activity), many=True).data)

    @extend_schema(request={"multipart/form-data": AttachmentUpload}, responses={201: AttachmentOutput})
    def post(self, request, id):
        activity = self._activity(request, id)
        if not activities.policy.can_change(request.user, activity):
            raise PermissionDenied()
        upload = AttachmentUpload(data=request.data, context={"request": request})
        upload.is_valid(raise_exception=True)
        try:
            attachment = services.activity_attachment_add(
                activity, actor=request.user, upload=upload.validated_data["file"]
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict") and "attachment" in exc.error_dict:
                raise ValidationError({"file": exc.message_dict["attachment"]})
            raise _drf(exc)
        return Response(AttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


# Subject-integration lessons


class IntegrationLessonOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    teacher = PersonSummary(read_only=True)

    class Meta:
        model = IntegrationLesson
        fields = [
            "id",
            "subject",
            "teacher",
            "class_name",
            "held_on",
            "topic",
            "reflection",
            "created_at",
            "updated_at",
        ]


class IntegrationLessonInput(serializers.ModelSerializer):
    teacher = PersonField()

    class Meta:
        model = IntegrationLesson
        fields = ["subject", "teacher", "class_name", "held_on", "topic", "reflection"]


# Publicity campaigns


class PublicityCampaignOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = PublicityCampaign
        fields = [
            "id",
            "channel",
            "title",
            "starts_on",
            "ends_on",
            "audience",
            "description",
            "reach",
            "created_at",
            "updated_at",
        ]


class PublicityCampaignInput(serializers.ModelSerializer):
    class Meta:
        model = PublicityCampaign
        fields = ["channel", "title", "starts_on", "ends_on", "audience", "description", "reach"]


# Parent lectures and training


class ParentEventOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = ParentEvent
        fields = [
            "id",
            "kind",
            "title",
            "held_on",
            "speaker",
            "invited_count",
            "attendance_count",
            "notes",
            "created_at",
            "updated_at",
        ]


class ParentEventInput(serializers.ModelSerializer):
    class Meta:
        model = ParentEvent
        fields = ["kind", "title", "held_on", "speaker", "invited_count", "attendance_count", "notes"]


urlpatterns = [
    *resource_urls(curriculum_units, output=CurriculumUnitOutput, input=CurriculumUnitInput, tag="programs"),
    *resource_urls(class_sessions, output=ClassSessionOutput, input=ClassSessionInput, tag="programs"),
    *resource_urls(activities, output=ActivityOutput, input=ActivityInput, tag="activities"),
    path("activities/<uuid:id>/attachments/", ActivityAttachmentsApi.as_view()),
    *resource_urls(
        integration_lessons, output=IntegrationLessonOutput, input=IntegrationLessonInput, tag="programs"
    ),
    *resource_urls(
        publicity_campaigns, output=PublicityCampaignOutput, input=PublicityCampaignInput, tag="programs"
    ),
    *resource_urls(parent_events, output=ParentEventOutput, input=ParentEventInput, tag="programs"),
]
