"""Programs API: curriculum units, class sessions, activities (with attachments), subject-integration
lessons, publicity campaigns and parent lectures/training."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import as_drf_validation_error as _drf
from api.school.base import ResourceDetailApi, ResourceListCreateApi, documented
from api.school.fields import PersonField, PersonSummary, ref, uuid_param
from tenants.programs import selectors, services
from tenants.programs.models import (
    Activity,
    ActivityKind,
    ClassSession,
    CurriculumUnit,
    IntegrationLesson,
    ParentEvent,
    PublicityCampaign,
)
from tenants.programs.policies import activity_policy, managed_policy


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValidationError({name: ["请输入整数。"]})


def _date(value: str, name: str):
    from django.utils.dateparse import parse_date

    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({name: ["日期格式应为 YYYY-MM-DD。"]})
    return parsed


def _date_range(qs, params, field: str):
    if params.get("from"):
        qs = qs.filter(**{f"{field}__gte": _date(params["from"], "from")})
    if params.get("to"):
        qs = qs.filter(**{f"{field}__lte": _date(params["to"], "to")})
    return qs


DATE_RANGE = [
    OpenApiParameter("from", str, description="on or after this date (YYYY-MM-DD)"),
    OpenApiParameter("to", str, description="on or before this date (YYYY-MM-DD)"),
]


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


@documented(
    "programs",
    CurriculumUnitInput,
    CurriculumUnitOutput,
    [
        OpenApiParameter("school_year", str),
        OpenApiParameter("grade", int),
    ],
)
class CurriculumUnitListApi(ResourceListCreateApi):
    policy = managed_policy
    output_serializer = CurriculumUnitOutput
    input_serializer = CurriculumUnitInput

    def selector(self):
        params = self.request.query_params
        return selectors.curriculum_units(
            school_year=params.get("school_year") or None,
            grade=_int(params["grade"], "grade") if params.get("grade") else None,
        )

    def create_service(self, *, actor, data):
        unit = services.curriculum_unit_create(actor=actor, **data)
        return selectors.curriculum_units().get(pk=unit.pk)


@documented("programs", CurriculumUnitInput, CurriculumUnitOutput)
class CurriculumUnitDetailApi(ResourceDetailApi):
    policy = managed_policy
    output_serializer = CurriculumUnitOutput
    input_serializer = CurriculumUnitInput

    def selector(self):
        return selectors.curriculum_units()

    def update_service(self, obj, *, actor, data):
        services.curriculum_unit_update(obj, actor=actor, data=data)
        return selectors.curriculum_units().get(pk=obj.pk)

    def delete_service(self, obj, *, actor):
        services.curriculum_unit_delete(obj, actor=actor)


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


@documented(
    "programs",
    ClassSessionInput,
    ClassSessionOutput,
    [
        OpenApiParameter("unit", str),
        OpenApiParameter("class_name", str),
        *DATE_RANGE,
    ],
)
class ClassSessionListApi(ResourceListCreateApi):
    policy = managed_policy
    output_serializer = ClassSessionOutput
    input_serializer = ClassSessionInput

    def selector(self):
        params = self.request.query_params
        qs = selectors.class_sessions()
        if params.get("unit"):
            qs = qs.filter(unit__public_id=uuid_param(params["unit"], "unit"))
        if params.get("class_name"):
            qs = qs.filter(class_name=params["class_name"])
        return _date_range(qs, params, "held_on")

    def create_service(self, *, actor, data):
        return services.class_session_create(actor=actor, **data)


@documented("programs", ClassSessionInput, ClassSessionOutput)
class ClassSessionDetailApi(ResourceDetailApi):
    policy = managed_policy
    output_serializer = ClassSessionOutput
    input_serializer = ClassSessionInput

    def selector(self):
        return selectors.class_sessions()

    def update_service(self, obj, *, actor, data):
        return services.class_session_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        services.class_session_delete(obj, actor=actor)


# Activities


class AttachmentOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    def get_url(self, attachment) -> str:
        activity = self.context["activity"]
        return reverse("programs:activity_attachment", args=[activity.public_id, attachment.public_id])


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
        return bool(request and activity_policy.can_change(request.user, activity))


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


@documented(
    "activities",
    ActivityInput,
    ActivityOutput,
    [
        OpenApiParameter("kind", str, enum=ActivityKind.values),
        OpenApiParameter("organiser", str, description="a person's id, or `me`"),
        OpenApiParameter("grade", int),
        *DATE_RANGE,
    ],
)
class ActivityListApi(ResourceListCreateApi):
    policy = activity_policy
    output_serializer = ActivityOutput
    input_serializer = ActivityInput

    def selector(self):
        params = self.request.query_params
        qs = selectors.activities()
        if params.get("kind"):
            qs = qs.filter(kind=params["kind"])
        if params.get("organiser") == "me":
            qs = qs.filter(organiser=self.request.user)
        elif params.get("organiser"):
            qs = qs.filter(organiser__public_id=uuid_param(params["organiser"], "organiser"))
        if params.get("grade"):
            qs = qs.filter(audience_grades__contains=[_int(params["grade"], "grade")])
        return _date_range(qs, params, "held_on")

    def create_service(self, *, actor, data):
        return services.activity_create(actor=actor, **data)


@documented("activities", ActivityInput, ActivityOutput)
class ActivityDetailApi(ResourceDetailApi):
    policy = activity_policy
    output_serializer = ActivityOutput
    input_serializer = ActivityInput

    def selector(self):
        return selectors.activities()

    def update_service(self, obj, *, actor, data):
        return services.activity_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        services.activity_delete(obj, actor=actor)


class AttachmentUpload(serializers.Serializer):
    file = serializers.FileField()


@extend_schema(tags=["activities"])
class ActivityAttachmentsApi(APIView):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = AttachmentOutput

    def _activity(self, request, id):
        return get_object_or_404(activity_policy.visible(request.user, selectors.activities()), public_id=id)

    @extend_schema(responses=AttachmentOutput(many=True))
    def get(self, request, id):
        activity = self._activity(request, id)
        return Response(
            AttachmentOutput(
                selectors.attachments_of(activity), many=True, context={"activity": activity}
            ).data
        )

    @extend_schema(request={"multipart/form-data": AttachmentUpload}, responses={201: AttachmentOutput})
    def post(self, request, id):
        activity = self._activity(request, id)
        if not activity_policy.can_change(request.user, activity):
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
        return Response(
            AttachmentOutput(attachment, context={"activity": activity}).data, status=status.HTTP_201_CREATED
        )


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


@documented(
    "programs",
    IntegrationLessonInput,
    IntegrationLessonOutput,
    [
        OpenApiParameter("subject", str),
        *DATE_RANGE,
    ],
)
class IntegrationLessonListApi(ResourceListCreateApi):
    policy = managed_policy
    output_serializer = IntegrationLessonOutput
    input_serializer = IntegrationLessonInput

    def selector(self):
        params = self.request.query_params
        qs = selectors.integration_lessons()
        if params.get("subject"):
            qs = qs.filter(subject=params["subject"])
        return _date_range(qs, params, "held_on")

    def create_service(self, *, actor, data):
        return services.integration_lesson_create(actor=actor, **data)


@documented("programs", IntegrationLessonInput, IntegrationLessonOutput)
class IntegrationLessonDetailApi(ResourceDetailApi):
    policy = managed_policy
    output_serializer = IntegrationLessonOutput
    input_serializer = IntegrationLessonInput

    def selector(self):
        return selectors.integration_lessons()

    def update_service(self, obj, *, actor, data):
        return services.integration_lesson_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        services.integration_lesson_delete(obj, actor=actor)


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


@documented("programs", PublicityCampaignInput, PublicityCampaignOutput, [OpenApiParameter("channel", str)])
class PublicityCampaignListApi(ResourceListCreateApi):
    policy = managed_policy
    output_serializer = PublicityCampaignOutput
    input_serializer = PublicityCampaignInput

    def selector(self):
        qs = selectors.publicity_campaigns()
        if self.request.query_params.get("channel"):
            qs = qs.filter(channel=self.request.query_params["channel"])
        return qs

    def create_service(self, *, actor, data):
        return services.publicity_campaign_create(actor=actor, **data)


@documented("programs", PublicityCampaignInput, PublicityCampaignOutput)
class PublicityCampaignDetailApi(ResourceDetailApi):
    policy = managed_policy
    output_serializer = PublicityCampaignOutput
    input_serializer = PublicityCampaignInput

    def selector(self):
        return selectors.publicity_campaigns()

    def update_service(self, obj, *, actor, data):
        return services.publicity_campaign_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        services.publicity_campaign_delete(obj, actor=actor)


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


@documented("programs", ParentEventInput, ParentEventOutput, [OpenApiParameter("kind", str), *DATE_RANGE])
class ParentEventListApi(ResourceListCreateApi):
    policy = managed_policy
    output_serializer = ParentEventOutput
    input_serializer = ParentEventInput

    def selector(self):
        params = self.request.query_params
        qs = selectors.parent_events()
        if params.get("kind"):
            qs = qs.filter(kind=params["kind"])
        return _date_range(qs, params, "held_on")

    def create_service(self, *, actor, data):
        return services.parent_event_create(actor=actor, **data)


@documented("programs", ParentEventInput, ParentEventOutput)
class ParentEventDetailApi(ResourceDetailApi):
    policy = managed_policy
    output_serializer = ParentEventOutput
    input_serializer = ParentEventInput

    def selector(self):
        return selectors.parent_events()

    def update_service(self, obj, *, actor, data):
        return services.parent_event_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        services.parent_event_delete(obj, actor=actor)


urlpatterns = [
    path("curriculum-units/", CurriculumUnitListApi.as_view()),
    path("curriculum-units/<uuid:id>/", CurriculumUnitDetailApi.as_view()),
    path("class-sessions/", ClassSessionListApi.as_view()),
    path("class-sessions/<uuid:id>/", ClassSessionDetailApi.as_view()),
    path("activities/", ActivityListApi.as_view()),
    path("activities/<uuid:id>/", ActivityDetailApi.as_view()),
    path("activities/<uuid:id>/attachments/", ActivityAttachmentsApi.as_view()),
    path("integration-lessons/", IntegrationLessonListApi.as_view()),
    path("integration-lessons/<uuid:id>/", IntegrationLessonDetailApi.as_view()),
    path("publicity-campaigns/", PublicityCampaignListApi.as_view()),
    path("publicity-campaigns/<uuid:id>/", PublicityCampaignDetailApi.as_view()),
    path("parent-events/", ParentEventListApi.as_view()),
    path("parent-events/<uuid:id>/", ParentEventDetailApi.as_view()),
]
