"""Record transfers between schools (care team): records received and their acceptance, receipts
of records sent, and sending a student's record."""

import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import as_drf_validation_error
from api.school.base import read_only_urls
from api.school.fields import ref
from tenants.care import transfer
from tenants.care.models import AttentionLevel, IncomingTransfer, OutgoingTransfer
from tenants.care.resources import received, sent
from tenants.care.transfer import transfer_policy
from tenants.students.models import SchoolClass
from tenants.students.resources import students

TAG = "care"


class MatchOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    student_number = serializers.CharField()
    name = serializers.CharField()
    grade = serializers.IntegerField(source="school_class.grade")
    class_name = serializers.CharField(source="school_class.name")
    archived = serializers.SerializerMethodField(help_text="已归档（离校）：接收时恢复在读并编入所选班级")

    def get_archived(self, student) -> bool:
        return student.status != "active"


class AttentionOutcome(serializers.Serializer):
    received = serializers.ChoiceField(choices=AttentionLevel.choices)
    current = serializers.ChoiceField(choices=AttentionLevel.choices)
    after = serializers.ChoiceField(choices=AttentionLevel.choices)
    kept = serializers.BooleanField(help_text="true：转来的等级较低，保留本校当前等级")


class IncomingOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    student = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, allow_null=True, help_text="接收后对应的本校学生 id"
    )
    accepted_by = serializers.CharField(source="accepted_by.display_name", read_only=True, allow_null=True)
    sections = serializers.SerializerMethodField(help_text="档案各部分的条目数")
    match = serializers.SerializerMethodField(
        help_text="接收前：将并入的本校学生（学号相同，含已归档学生）；null 表示将新建学生。已接收后为 null"
    )
    attention = serializers.SerializerMethodField(
        help_text="接收前：转来的关注等级、本校当前等级和接收后的等级。转档从不降低等级：较高者保留，"
        "较低的转来等级记入等级历史。已接收后为 null"
    )

    class Meta:
        model = IncomingTransfer
        fields = [
            "id",
            "from_school_name",
            "student_number",
            "student_name",
            "status",
            "digest",
            "created_at",
            "accepted_at",
            "accepted_by",
            "student",
            "sections",
            "match",
            "attention",
        ]

    def to_representation(self, obj):
        # The package and the student it would attach to, read once per row for the fields below.
        self._package = json.loads(obj.package)
        self._match = transfer.transfer_match(obj) if obj.status == "sent" else None
        return super().to_representation(obj)

    @extend_schema_field(MatchOutput(allow_null=True))
    def get_match(self, obj):
        return MatchOutput(self._match).data if self._match else None

    @extend_schema_field(AttentionOutcome(allow_null=True))
    def get_attention(self, obj):
        if obj.status != "sent":
            return None
        outcome = transfer.level_outcome(obj, self._match, self._package)
        return {
            "received": outcome.received,
            "current": outcome.current,
            "after": outcome.after,
            "kept": outcome.kept,
        }

    def get_sections(self, obj) -> dict[str, int]:
        return transfer.package_sections(self._package)


class AcceptInput(serializers.Serializer):
    school_class = ref(
        SchoolClass, help_text="学生加入的班级 id（已在名册上的学生转入该班；已归档的学生恢复在读）"
    )


@extend_schema(tags=[TAG], request=AcceptInput, responses={200: IncomingOutput})
class IncomingAcceptApi(APIView):
    def post(self, request, id):
        incoming = received.get_for(request.user, id)
        body = AcceptInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            transfer.transfer_accept(
                incoming, actor=request.user, school_class=body.validated_data["school_class"]
            )
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        return Response(IncomingOutput(received.reload(incoming), context={"request": request}).data)


class SentOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    student = serializers.UUIDField(source="student_ref", read_only=True)

    class Meta:
        model = OutgoingTransfer
        fields = [
            "id",
            "student",
            "student_number",
            "to_school_code",
            "to_school_name",
            "status",
            "digest",
            "created_at",
            "accepted_at",
            "accepted_by_name",
        ]


class SendInput(serializers.Serializer):
    to_school = serializers.CharField(help_text="接收学校的代码")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


@extend_schema(tags=[TAG], request=SendInput, responses={201: SentOutput})
class StudentTransferApi(APIView):
    """Send the student's whole record to another school on the platform; the student is archived
    here and this school keeps the receipt."""

    def post(self, request, id):
        # Someone who may not know the student exists gets 404; a homeroom teacher gets 403.
        student = students.get_for(request.user, id)
        if not transfer_policy.can_read(request.user):
            raise PermissionDenied()
        body = SendInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            sent = transfer.transfer_send(
                student=student,
                to_school_code=body.validated_data["to_school"],
                actor=request.user,
                reason=body.validated_data["reason"],
            )
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        except DjangoPermissionDenied:
            raise PermissionDenied()
        return Response(SentOutput(sent).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    *read_only_urls(received, output=IncomingOutput, tag=TAG, prefix="record-transfers/received"),
    path("record-transfers/received/<uuid:id>/accept/", IncomingAcceptApi.as_view()),
    *read_only_urls(sent, output=SentOutput, tag=TAG, prefix="record-transfers/sent"),
    path("students/<uuid:id>/transfer/", StudentTransferApi.as_view()),
]
