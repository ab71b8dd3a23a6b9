"""Student care API: records (attention level, history and timeline), homeroom observations and
referrals, guardian consent, and the audit trail.

Need to know as on the pages: the principal reads levels and the kinds and dates of entries, the
care team reads everything; homeroom teachers write observations and read their own; a forbidden
object answers 404. Each detail read of a record or an observation writes one audit event; each
list of them writes one "list" event.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import as_drf_validation_error
from api.school.base import ResourceDetailApi, read_only_urls, resource_urls
from api.school.fields import ref
from tenants.care import selectors
from tenants.care.access import reads_clinical
from tenants.care.models import AttentionLevel, AuditAction, ConsentStatus, ObservationKind
from tenants.care.resources import audit_events, consents, observations, records
from tenants.care.selectors import record_policy
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


class CareRecordDetailApi(ResourceDetailApi):
    """One student's record: level, history and timeline; texts only for the care team. Its output
    is built from several selectors (not one object), so its read is written here; the object is
    found and the read audited through the declaration."""

    resource = records
    output_serializer = CareRecordDetail
    http_method_names = READ_ONLY

    def retrieve(self, request, *args, **kwargs):
        student = self.get_object()
        self.resource.audit_read(request.user, student)
        return Response(CareRecordDetail(record_detail(student, clinical=_clinical(self))).data)


CareRecordDetailApi = extend_schema_view(get=extend_schema(tags=[TAG], responses=CareRecordDetail))(
    CareRecordDetailApi
)


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
        student = records.get_for(request.user, id)
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


urlpatterns = [
    read_only_urls(records, output=CareRecordSummary, tag=TAG)[0],
    path("care-records/<uuid:id>/", CareRecordDetailApi.as_view()),
    path("care-records/<uuid:id>/level/", CareRecordLevelApi.as_view()),
    *resource_urls(
        observations,
        output=ObservationOutput,
        input=ObservationInput,
        patch_input=ObservationAcknowledge,
        tag=TAG,
    ),
    *resource_urls(consents, output=ConsentOutput, input=ConsentInput, tag=TAG),
    *read_only_urls(audit_events, output=AuditEventOutput, tag=TAG),
]
