"""Screening API (心理测评).

- `POST /api/v1/screenings/` scores one response: `{"student", "instrument", "answers", "campaign"?}`
  -> 201 `{"id", "total", "band", "safety_flag", "crisis_case"}`; a safety flag (PHQ-9 item 9 >= 1)
  opens a crisis case. Errors name the field, or the item (`answers[8]`).
- `GET /api/v1/screenings/` and `/<id>/`: the care team only (403 on the list, 404 on a detail for
  everyone else); every detail read is audited, one event per read.
- `/api/v1/screening-campaigns/`: coverage = screened / (eligible - excluded), with excluded apart.
- `/api/v1/screening-instruments/`: built-in instruments (id = their code) and the school's own.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response as ApiResponse

from api.errors import as_drf_validation_error
from api.school.base import ResourceDetailApi, ResourceListCreateApi, documented, resource_urls
from api.school.fields import ref
from shared.pages import is_uuid
from tenants.care.instruments import BUILTIN_INSTRUMENTS
from tenants.screening import selectors, services
from tenants.screening.items_zh import ITEMS
from tenants.screening.models import Campaign, InstrumentDefinition
from tenants.screening.resources import campaigns, instruments, responses
from tenants.students.models import SchoolClass
from tenants.students.resources import students


def _rename(exc: DjangoValidationError, names: dict) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})
    return as_drf_validation_error(exc)


# --------------------------------------------------------------------------------------------
# Responses


@extend_schema_field({"type": "array", "items": {"type": "integer", "nullable": True}})
class AnswersField(serializers.JSONField):
    """A list of integers, one per item; null for an unanswered item (the response is then
    incomplete and not scored). Counts and ranges are checked by the scoring, naming the item."""


class ScreeningInput(serializers.Serializer):
    student = serializers.UUIDField(help_text="学生 id（GET /api/v1/students/ 中的 id）")
    instrument = serializers.CharField(max_length=30, help_text="phq9、gad7、k6 或学校自定义量表的代码")
    answers = AnswersField()
    campaign = serializers.UUIDField(required=False, allow_null=True)


class ScreeningCreated(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    total = serializers.IntegerField(allow_null=True)
    band = serializers.CharField(allow_null=True)
    safety_flag = serializers.BooleanField()
    crisis_case = serializers.SerializerMethodField()
    complete = serializers.BooleanField()

    def get_crisis_case(self, response) -> str | None:
        case = services.crisis_case_of(response)
        return str(case.public_id) if case else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["band"] = data["band"] or None
        return data


class ScreeningOutput(ScreeningCreated):
    student = serializers.UUIDField(source="student.public_id")
    student_name = serializers.CharField(source="student.name")
    instrument = serializers.CharField(source="instrument_code")
    taken_at = serializers.DateTimeField()
    campaign = serializers.SerializerMethodField()
    via_link = serializers.BooleanField()

    def get_campaign(self, response) -> str | None:
        return str(response.campaign.public_id) if response.campaign_id else None


class ScreeningDetailOutput(ScreeningOutput):
    answers = serializers.SerializerMethodField()

    @extend_schema_field({"type": "array", "items": {"type": "integer", "nullable": True}})
    def get_answers(self, response):
        return services.answers_of(response)


@extend_schema_view(
    get=extend_schema(tags=["screening"]),
    post=extend_schema(tags=["screening"], request=ScreeningInput, responses={201: ScreeningCreated}),
)
class ScreeningListApi(ResourceListCreateApi):
    """Lists through the declaration (filters, audit). Recording a response is not plain: the
    student and the campaign are looked up among what the caller may see, and the scoring answers."""

    resource = responses
    output_serializer = ScreeningOutput
    input_serializer = ScreeningInput

    def create(self, request, *args, **kwargs):
        if not self.get_policy().can_create(request.user):
            raise PermissionDenied()
        serializer = ScreeningInput(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        student = students.queryset(request.user).filter(public_id=data["student"]).first()
        if student is None:
            raise ValidationError({"student": ["没有这个学生，或您无权查看。"]})
        campaign = None
        if data.get("campaign"):
            campaign = campaigns.queryset(request.user).filter(public_id=data["campaign"]).first()
            if campaign is None:
                raise ValidationError({"campaign": ["没有这个测评计划。"]})
        try:
            response = services.screening_record(
                student=student,
                instrument=data["instrument"],
                answers=data["answers"],
                actor=request.user,
                campaign=campaign,
            )
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        return ApiResponse(ScreeningCreated(response).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(tags=["screening"]))
class ScreeningDetailApi(ResourceDetailApi):
    resource = responses
    output_serializer = ScreeningDetailOutput
    http_method_names = ["get", "head", "options"]


# --------------------------------------------------------------------------------------------
# Campaigns


class CampaignOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    instrument = serializers.CharField(source="instrument_code")
    school_class = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
    school_class_name = serializers.SerializerMethodField()
    eligible = serializers.SerializerMethodField(help_text="该年级或班级的在读学生数")
    excluded = serializers.SerializerMethodField(help_text="无监护人同意（拒绝、撤回或未记录）而排除的学生数")
    screened = serializers.SerializerMethodField(help_text="有同意且在本计划中已测评的学生数")
    coverage_percent = serializers.SerializerMethodField(
        help_text="覆盖率 = 已测评 ÷ (应测 − 排除) × 100；分母为 0 时为空"
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "instrument",
            "grade",
            "school_class",
            "school_class_name",
            "opens_on",
            "closes_on",
            "eligible",
            "excluded",
            "screened",
            "coverage_percent",
            "created_at",
            "updated_at",
        ]

    def get_school_class_name(self, campaign) -> str | None:
        return str(campaign.school_class) if campaign.school_class_id else None

    def get_eligible(self, campaign) -> int:
        return selectors.campaign_coverage(campaign).eligible

    def get_excluded(self, campaign) -> int:
        return selectors.campaign_coverage(campaign).excluded

    def get_screened(self, campaign) -> int:
        return selectors.campaign_coverage(campaign).screened

    @extend_schema_field({"type": "number", "format": "float", "nullable": True})
    def get_coverage_percent(self, campaign):
        return selectors.campaign_coverage(campaign).percent


class CampaignInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    instrument = serializers.CharField(max_length=30)
    grade = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=12)
    school_class = ref(SchoolClass, required=False, allow_null=True)
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()


_CAMPAIGN_NAMES = {"instrument_code": "instrument"}


def _campaign_data(data: dict) -> dict:
    data = dict(data)
    if "instrument" in data:
        data["instrument_code"] = data.pop("instrument")
    return data


class CampaignListBase(ResourceListCreateApi):
    """The API names the instrument `instrument`; the service `instrument_code`."""

    def create_service(self, *, actor, data):
        try:
            return super().create_service(actor=actor, data=_campaign_data(data))
        except DjangoValidationError as exc:
            raise _rename(exc, _CAMPAIGN_NAMES)


class CampaignDetailBase(ResourceDetailApi):
    def update_service(self, obj, *, actor, data):
        try:
            return super().update_service(obj, actor=actor, data=_campaign_data(data))
        except DjangoValidationError as exc:
            raise _rename(exc, _CAMPAIGN_NAMES)


# --------------------------------------------------------------------------------------------
# Instruments


class BandSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=30)
    lower = serializers.IntegerField()
    upper = serializers.IntegerField()
    label_zh = serializers.CharField(max_length=60, required=False, allow_blank=True)


class InstrumentOutput(serializers.Serializer):
    id = serializers.CharField(help_text="内置量表为其代码，学校自定义量表为 uuid")
    code = serializers.CharField()
    name = serializers.CharField()
    items = serializers.IntegerField()
    item_min = serializers.IntegerField()
    item_max = serializers.IntegerField()
    bands = BandSerializer(many=True)
    item_texts = serializers.ListField(
        child=serializers.CharField(), help_text="每题的题目文字（自定义量表）"
    )
    licence = serializers.CharField()
    notice = serializers.CharField()
    builtin = serializers.BooleanField()
    active = serializers.BooleanField()

    def to_representation(self, obj):
        if isinstance(obj, InstrumentDefinition):
            row = {
                "id": str(obj.public_id),
                "code": obj.code,
                "name": obj.name,
                "items": obj.items,
                "item_min": obj.item_min,
                "item_max": obj.item_max,
                "bands": obj.bands,
                "licence": obj.licence,
                "notice": "",
                "builtin": False,
                "active": obj.active,
                "item_texts": obj.item_texts or [],
            }
        else:
            row = {
                "id": obj.code,
                "code": obj.code,
                "name": obj.name_zh,
                "items": obj.item_count,
                "item_min": obj.item_min,
                "item_max": obj.item_max,
                "bands": [
                    {"code": b.code, "lower": b.lower, "upper": b.upper, "label_zh": b.label_zh}
                    for b in obj.bands
                ],
                "licence": obj.licence,
                "notice": obj.notice,
                "builtin": True,
                "active": True,
                "item_texts": list(ITEMS.get(obj.code, [])),
            }
        return super().to_representation(row)


class InstrumentInput(serializers.Serializer):
    code = serializers.SlugField(max_length=30)
    name = serializers.CharField(max_length=100)
    items = serializers.IntegerField(min_value=1, max_value=200)
    item_min = serializers.IntegerField(default=0)
    item_max = serializers.IntegerField()
    bands = BandSerializer(many=True)
    item_texts = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="每题一条，按顺序；不填则显示“第 N 题”",
    )
    licence = serializers.CharField()
    active = serializers.BooleanField(default=True)


@documented("screening", InstrumentInput, InstrumentOutput)
class InstrumentListApi(ResourceListCreateApi):
    """The list holds the built-in instruments too (not one queryset): hand-written."""

    resource = instruments
    output_serializer = InstrumentOutput
    input_serializer = InstrumentInput

    def list(self, request, *args, **kwargs):
        if not self.get_policy().can_read(request.user):
            raise PermissionDenied()
        rows = list(BUILTIN_INSTRUMENTS.values()) + list(self.get_queryset())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(InstrumentOutput(page, many=True).data)

    def create_service(self, *, actor, data):
        data["bands"] = [dict(b) for b in data["bands"]]
        return super().create_service(actor=actor, data=data)


_INSTRUMENT_ID = "内置量表为其代码（phq9、gad7、k6），学校自定义量表为 uuid"


class InstrumentPatch(InstrumentInput):
    code = None


@documented("screening", InstrumentPatch, InstrumentOutput)
@extend_schema_view(
    get=extend_schema(
        parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH, description=_INSTRUMENT_ID)]
    ),
    patch=extend_schema(
        parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH, description=_INSTRUMENT_ID)]
    ),
    delete=extend_schema(
        parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH, description=_INSTRUMENT_ID)]
    ),
)
class InstrumentDetailApi(ResourceDetailApi):
    """One instrument, addressed by the id the list gives it: a built-in's code (read-only, 403 on a
    change) or a school-defined one's uuid."""

    resource = instruments
    output_serializer = InstrumentOutput
    input_serializer = InstrumentPatch

    def get_object(self):
        key = self.kwargs[self.lookup_url_kwarg]
        builtin = BUILTIN_INSTRUMENTS.get(key)
        if builtin is not None:
            if not self.get_policy().can_read(self.request.user):
                raise NotFound()
            if self.request.method not in ("GET", "HEAD", "OPTIONS"):
                raise PermissionDenied("内置量表不能修改或删除。")
            return builtin
        if not is_uuid(key):
            raise NotFound()
        return super().get_object()

    def update_service(self, obj, *, actor, data):
        if "bands" in data:
            data["bands"] = [dict(b) for b in data["bands"]]
        return super().update_service(obj, actor=actor, data=data)


urlpatterns = [
    path("screenings/", ScreeningListApi.as_view()),
    path("screenings/<uuid:id>/", ScreeningDetailApi.as_view()),
    *resource_urls(
        campaigns,
        output=CampaignOutput,
        input=CampaignInput,
        tag="screening",
        list_base=CampaignListBase,
        detail_base=CampaignDetailBase,
    ),
    path("screening-instruments/", InstrumentListApi.as_view()),
    path("screening-instruments/<str:id>/", InstrumentDetailApi.as_view()),
]
