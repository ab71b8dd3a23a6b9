"""Student care API: records (attention level, history and timeline), homeroom observations and
referrals, guardian consent, and the audit trail.

Need to know as on the pages: the principal reads levels and the kinds and dates of entries, the
care team reads everything; homeroom teachers write observations and read their own; a forbidden
object answers 404. Each detail read of a record or an observation writes one audit event; each
list of them writes one "list" event.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import as_drf_validation_error
from api.school.audited import AuditedDetail, AuditedList
from api.school.base import ResourceDetailApi, ResourceListCreateApi, documented
from api.school.fields import ref, uuid_param
from tenants.care import record_services, selectors
from tenants.care.access import reads_clinical
from tenants.care.audit import audit
from tenants.care.models import AttentionLevel, AuditAction, Consent, ConsentStatus, ObservationKind
from tenants.care.selectors import audit_policy, consent_policy, observation_policy, record_policy
from tenants.care.services import attention_set
from tenants.students.models import Student

TAG = "care"
READ_ONLY = ["get", "head", "options"]


def _clinical(view) -> bool:
    return record_policy.reads_clinical(view.request.user)


# ---------------------------------------------------------------------------------------------
# Records


class CareRecordSummary(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True, help_text="学生 id")
    class_name = serializers.CharField(source="school_class.__str__", read_only=True)
    level = serializers.ChoiceField(source="care_level", choices=AttentionLevel.choices, read_only=True)

    class Meta:
        model = Student
        fields = ["id", "student_number", "name", "class_name", "status", "level"]
        read_only_fields = fields


class AttentionChangeOutput(serializers.Serializer):
    at = serializers.DateTimeField(source="changed_at")
    from_level = serializers.ChoiceField(choices=AttentionLevel.choices)
    to_level = serializers.ChoiceField(choices=AttentionLevel.choices)
    by = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True, help_text="仅心理教师/咨询师可见，其他人为空")


class TimelineEntryOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField(allow_blank=True, help_text="仅心理教师/咨询师可见，其他人为空")
    flag = serializers.BooleanField()
    by = serializers.CharField(allow_blank=True)


class CareRecordDetail(serializers.Serializer):
    id = serializers.UUIDField()
    student_number = serializers.CharField()
    name = serializers.CharField()
    class_name = serializers.CharField()
    status = serializers.CharField()
    level = serializers.ChoiceField(choices=AttentionLevel.choices)
    reason = serializers.CharField(allow_blank=True, help_text="仅心理教师/咨询师可见，其他人为空")
    set_by = serializers.CharField(allow_blank=True)
    set_at = serializers.DateTimeField(allow_null=True)
    history = AttentionChangeOutput(many=True)
    timeline = TimelineEntryOutput(many=True)


def record_detail(student, *, clinical: bool) -> dict:
    head = selectors.record_head(student)
    return {
        "id": student.public_id,
        "student_number": student.student_number,
        "name": student.name,
        "class_name": str(student.school_class),
        "status": student.status,
        "level": head.level if head else "none",
        "reason": (head.reason if head and clinical else ""),
        "set_by": head.set_by.display_name if head and head.set_by else "",
        "set_at": head.set_at if head else None,
        "history": [
            {
                "changed_at": c.changed_at,
                "from_level": c.from_level,
                "to_level": c.to_level,
                "by": c.changed_by.display_name if c.changed_by else "",
                "reason": c.reason if clinical else "",
            }
            for c in selectors.attention_history(student)
        ],
        "timeline": [e.as_dict() for e in selectors.timeline(student, clinical=clinical)],
    }


@documented(
    TAG,
    CareRecordSummary,
    CareRecordSummary,
    [
        OpenApiParameter(
            "level", str, description="none/attention/elevated/high/crisis，或 followed（任何关注等级）"
        ),
        OpenApiParameter("q", str, description="姓名或学号"),
    ],
)
class CareRecordListApi(AuditedList, ResourceListCreateApi):
    """Every student with their attention level (principal and care team). Records are not
    created here: every student has one; change its level at .../{id}/level/."""

    audit_subject = "care.record"
    policy = record_policy
    output_serializer = CareRecordSummary

    def selector(self):
        qs = selectors.students_with_level()
        params = self.request.query_params
        level = params.get("level")
        if level == "followed":
            qs = qs.exclude(care_level="none")
        elif level:
            qs = qs.filter(care_level=level)
        if params.get("q"):
            from django.db.models import Q

            qs = qs.filter(Q(name__icontains=params["q"]) | Q(student_number__icontains=params["q"]))
        return qs


@extend_schema_view(get=extend_schema(tags=[TAG], responses=CareRecordDetail))
class CareRecordDetailApi(ResourceDetailApi):
    """One student's record: level, history and timeline; texts only for the care team. One
    audit event per read."""

    policy = record_policy
    output_serializer = CareRecordDetail
    http_method_names = READ_ONLY

    def selector(self):
        return Student.objects.select_related("school_class")

    def retrieve(self, request, *args, **kwargs):
        student = self.get_object()
        data = record_detail(student, clinical=_clinical(self))
        audit(actor=request.user, action="view", subject="care.record", student=student)
        return Response(CareRecordDetail(data).data)


class LevelInput(serializers.Serializer):
    level = serializers.ChoiceField(choices=AttentionLevel.choices)
    reason = serializers.CharField()


class LevelOutput(serializers.Serializer):
    id = serializers.UUIDField(source="student.public_id")
    level = serializers.ChoiceField(choices=AttentionLevel.choices)
    reason = serializers.CharField(allow_blank=True)
    set_by = serializers.CharField(source="set_by.display_name", allow_null=True, default="")
    set_at = serializers.DateTimeField(allow_null=True)


@extend_schema(tags=[TAG], request=LevelInput, responses={200: LevelOutput})
class CareRecordLevelApi(APIView):
    """Set a student's attention level, with the reason (care team). Principals get 403; people
    who may not see records, 404."""

    def post(self, request, id):
        if not record_policy.can_read(request.user):
            raise Http404
        student = get_object_or_404(Student.objects.all(), public_id=id)
        if not record_policy.can_set_level(request.user):
            raise PermissionDenied()
        body = LevelInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            record = attention_set(student=student, actor=request.user, **body.validated_data)
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        return Response(LevelOutput(record).data, status=status.HTTP_200_OK)


# ---------------------------------------------------------------------------------------------
# Observations


class ObservationOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    student = serializers.UUIDField(source="student.public_id")
    student_number = serializers.CharField(source="student.student_number")
    student_name = serializers.CharField(source="student.name")
    kind = serializers.ChoiceField(choices=ObservationKind.choices)
    observed_on = serializers.DateField()
    text = serializers.CharField()
    by = serializers.CharField(source="created_by.display_name", allow_null=True, default="")
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class ObservationInput(serializers.Serializer):
    student = ref(Student, help_text="学生 id（本人担任班主任的班级）")
    kind = serializers.ChoiceField(choices=ObservationKind.choices, default="observation")
    observed_on = serializers.DateField()
    text = serializers.CharField()


class ObservationAcknowledge(serializers.Serializer):
    acknowledged = serializers.BooleanField(help_text="true：心理老师已阅")


@documented(
    TAG,
    ObservationInput,
    ObservationOutput,
    [OpenApiParameter("kind", str), OpenApiParameter("student", str)],
)
class ObservationListApi(AuditedList, ResourceListCreateApi):
    """Homeroom teachers create observations and referrals about their own students and list
    their own; the care team lists them all."""

    audit_subject = "care.observation"
    policy = observation_policy
    output_serializer = ObservationOutput
    input_serializer = ObservationInput

    def selector(self):
        qs = selectors.observations()
        params = self.request.query_params
        if params.get("kind"):
            qs = qs.filter(kind=params["kind"])
        if params.get("student"):
            qs = qs.filter(student__public_id=uuid_param(params["student"], "student"))
        return qs

    def create_service(self, *, actor, data):
        return record_services.observation_create(actor=actor, **data)


@extend_schema_view(
    get=extend_schema(tags=[TAG]),
    patch=extend_schema(tags=[TAG], request=ObservationAcknowledge, responses=ObservationOutput),
)
class ObservationDetailApi(AuditedDetail, ResourceDetailApi):
    audit_subject = "care.observation"
    policy = observation_policy
    output_serializer = ObservationOutput
    input_serializer = ObservationAcknowledge
    http_method_names = ["get", "patch", "head", "options"]

    def selector(self):
        return selectors.observations()

    def update_service(self, obj, *, actor, data):
        if data.get("acknowledged"):
            record_services.observation_acknowledge(obj, actor=actor)
        return selectors.observations().get(pk=obj.pk)


# ---------------------------------------------------------------------------------------------
# Consent


class ConsentOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    student = serializers.UUIDField(source="student.public_id")
    student_number = serializers.CharField(source="student.student_number")
    student_name = serializers.CharField(source="student.name")
    purpose = serializers.CharField()
    status = serializers.ChoiceField(choices=ConsentStatus.choices)
    guardian_name = serializers.CharField()
    recorded_on = serializers.DateField()
    note = serializers.CharField(
        allow_blank=True, required=False, help_text="备注；仅心理教师、辅导员可见（加密保存）"
    )
    in_force = serializers.SerializerMethodField(help_text="是否为该学生当前有效（最新）的答复")
    created_at = serializers.DateTimeField()

    def get_in_force(self, consent) -> bool:
        return getattr(consent, "latest_pk", None) == consent.pk

    def to_representation(self, consent):
        data = super().to_representation(consent)
        request = self.context.get("request")
        if not reads_clinical(getattr(request, "user", None)):
            data.pop("note", None)  # encrypted free text: the care team's only
        return data


class ConsentInput(serializers.Serializer):
    student = ref(Student, help_text="学生 id")
    status = serializers.ChoiceField(choices=ConsentStatus.choices)
    guardian_name = serializers.CharField(max_length=50)
    recorded_on = serializers.DateField()
    note = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="备注：加密保存，只有心理教师、辅导员能看到",
    )


def _consents():
    latest = (
        Consent.objects.filter(student=OuterRef("student"), purpose=OuterRef("purpose"))
        .order_by("-recorded_on", "-id")
        .values("pk")[:1]
    )
    return selectors.consents().annotate(latest_pk=Subquery(latest))


@documented(
    TAG,
    ConsentInput,
    ConsentOutput,
    [
        OpenApiParameter("student", str),
        OpenApiParameter("status", str),
        OpenApiParameter("in_force", bool, description="true：只列出每个学生当前有效的答复"),
    ],
)
class ConsentListApi(ResourceListCreateApi):
    """Guardians' screening consent answers; the latest per student is in force."""

    policy = consent_policy
    output_serializer = ConsentOutput
    input_serializer = ConsentInput

    def selector(self):
        qs = _consents()
        params = self.request.query_params
        if params.get("student"):
            qs = qs.filter(student__public_id=uuid_param(params["student"], "student"))
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("in_force") in ("true", "1"):
            from django.db.models import F

            qs = qs.filter(pk=F("latest_pk"))
        return qs

    def create_service(self, *, actor, data):
        consent = record_services.consent_record(actor=actor, **data)
        return _consents().get(pk=consent.pk)


@extend_schema_view(get=extend_schema(tags=[TAG]))
class ConsentDetailApi(ResourceDetailApi):
    policy = consent_policy
    output_serializer = ConsentOutput
    http_method_names = READ_ONLY

    def selector(self):
        return _consents()


# ---------------------------------------------------------------------------------------------
# Audit trail


class AuditEventOutput(serializers.Serializer):
    id = serializers.SerializerMethodField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_name")
    action = serializers.ChoiceField(choices=AuditAction.choices)
    subject = serializers.CharField()
    object_ref = serializers.UUIDField(allow_null=True)
    student = serializers.UUIDField(source="student_ref", allow_null=True)
    student_number = serializers.CharField(allow_null=True)
    student_name = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)

    def get_id(self, event) -> str:
        return str(event.public_id)


@documented(
    TAG,
    AuditEventOutput,
    AuditEventOutput,
    [
        OpenApiParameter("action", str),
        OpenApiParameter("student", str, description="学生 id"),
        OpenApiParameter("student_number", str),
        OpenApiParameter("from", str, description="YYYY-MM-DD"),
        OpenApiParameter("to", str, description="YYYY-MM-DD"),
    ],
)
class AuditEventListApi(ResourceListCreateApi):
    """The audit trail, newest first (principal only). Read-only: POST answers 403."""

    policy = audit_policy
    output_serializer = AuditEventOutput

    def selector(self):
        from datetime import date

        from rest_framework.exceptions import ValidationError

        qs = selectors.audit_events()
        params = self.request.query_params
        if params.get("action"):
            qs = qs.filter(action=params["action"])
        if params.get("student"):
            qs = qs.filter(student_ref=uuid_param(params["student"], "student"))
        if params.get("student_number"):
            qs = qs.filter(student_number=params["student_number"])
        for name, lookup in (("from", "at__date__gte"), ("to", "at__date__lte")):
            if params.get(name):
                try:
                    qs = qs.filter(**{lookup: date.fromisoformat(params[name])})
                except ValueError:
                    raise ValidationError({name: ["YYYY-MM-DD"]})
        return qs


@extend_schema_view(get=extend_schema(tags=[TAG]))
class AuditEventDetailApi(ResourceDetailApi):
    policy = audit_policy
    output_serializer = AuditEventOutput
    http_method_names = READ_ONLY

    def selector(self):
        return selectors.audit_events()

    def get_object(self):
        return get_object_or_404(self.get_queryset(), public_id=self.kwargs["id"])


urlpatterns = [
    path("care-records/", CareRecordListApi.as_view()),
    path("care-records/<uuid:id>/", CareRecordDetailApi.as_view()),
    path("care-records/<uuid:id>/level/", CareRecordLevelApi.as_view()),
    path("observations/", ObservationListApi.as_view()),
    path("observations/<uuid:id>/", ObservationDetailApi.as_view()),
    path("consents/", ConsentListApi.as_view()),
    path("consents/<uuid:id>/", ConsentDetailApi.as_view()),
    path("audit-events/", AuditEventListApi.as_view()),
    path("audit-events/<uuid:id>/", AuditEventDetailApi.as_view()),
]
