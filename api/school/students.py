"""Roster API: students (list/create/detail/patch, archive, restore, move, import) and classes.

Need to know: roster managers (principal, secretary, psychology teachers, counselors) read and
write every student; homeroom teachers read the students of their own classes (with guardian
contact, which they need) and whether each is being followed; everyone else gets 403 on lists and
404 on objects. Students are never deleted: DELETE answers 400, archive instead.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import as_drf_validation_error as _drf
from api.school.base import resource_urls
from api.school.fields import PersonField, ref
from tenants.care.access import manages_roster, reads_clinical, sees_followed
from tenants.students import services
from tenants.students.models import Gender, SchoolClass, Student
from tenants.students.resources import classes, students


class StudentOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    grade = serializers.IntegerField(source="school_class.grade", read_only=True)
    # "class" is a Python keyword: declared in get_fields below.
    class_name = serializers.CharField(source="school_class.name", read_only=True)
    archived_reason = serializers.CharField(
        required=False, help_text="离校原因；仅心理教师、辅导员可见（加密保存）"
    )
    being_followed = serializers.SerializerMethodField(
        help_text="关注中：档案关注等级不为“无”。只有班主任、校长和心理老师能看到；其他人（如教务秘书）为 null"
    )

    class Meta:
        model = Student
        fields = [
            "id",
            "student_number",
            "name",
            "gender",
            "date_of_birth",
            "grade",
            "class_name",
            "status",
            "archived_at",
            "archived_reason",
            "being_followed",
            "guardian_name",
            "guardian_phone",
            "created_at",
            "updated_at",
        ]

    def get_fields(self):
        fields = super().get_fields()
        fields["class"] = serializers.SlugRelatedField(
            source="school_class", slug_field="public_id", read_only=True
        )
        return fields

    def to_representation(self, student):
        data = super().to_representation(student)
        request = self.context.get("request")
        if not reads_clinical(getattr(request, "user", None)):
            data.pop("archived_reason", None)  # encrypted clinical text: the care team's only
        return data

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_being_followed(self, student):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # Only for students the user may know it of: all for the principal and the care team,
        # the students of their own current classes for a homeroom teacher (even one who is also
        # the secretary, who otherwise sees the whole roster).
        if user is None or not sees_followed(user, student):
            return None
        return bool(getattr(student, "being_followed", False))


class StudentInput(serializers.Serializer):
    student_number = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=50)
    gender = serializers.ChoiceField(choices=Gender.choices)
    date_of_birth = serializers.DateField()
    guardian_name = serializers.CharField(max_length=50)
    guardian_phone = serializers.CharField(max_length=20)

    def get_fields(self):
        fields = super().get_fields()
        fields["class"] = ref(SchoolClass, source="school_class")
        return fields


def _student_for(request, id) -> Student:
    """A roster operation's student: 404 for who may not know the student, 403 for readers who do
    not keep the roster."""
    student = students.get_for(request.user, id)
    if not manages_roster(request.user):
        raise PermissionDenied()
    return student


def _output(request, student):
    return Response(StudentOutput(students.reload(student), context={"request": request}).data)


class ArchiveInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="离校原因，例如：转学")


@extend_schema(tags=["students"], request=ArchiveInput, responses=StudentOutput)
class StudentArchiveApi(APIView):
    """The student leaves the school: archived with a reason, never deleted."""

    def post(self, request, id):
        student = _student_for(request, id)
        body = ArchiveInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            student = services.student_archive(
                student, actor=request.user, reason=body.validated_data["reason"]
            )
        except DjangoValidationError as exc:
            raise _drf(exc)
        return _output(request, student)


@extend_schema(tags=["students"], request=None, responses=StudentOutput)
class StudentRestoreApi(APIView):
    """An archived student comes back to school."""

    def post(self, request, id):
        student = _student_for(request, id)
        try:
            student = services.student_restore(student, actor=request.user)
        except DjangoValidationError as exc:
            raise _drf(exc)
        return _output(request, student)


class MoveInput(serializers.Serializer):
    def get_fields(self):
        return {"class": ref(SchoolClass, help_text="目标班级 id")}


@extend_schema(tags=["students"], request=MoveInput, responses=StudentOutput)
class StudentMoveApi(APIView):
    """Move to another class; the move is kept in the class history."""

    def post(self, request, id):
        student = _student_for(request, id)
        body = MoveInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            student = services.student_move(
                student, actor=request.user, to_class=body.validated_data["class"]
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict") and "school_class" in exc.error_dict:
                raise ValidationError({"class": exc.message_dict["school_class"]})
            raise _drf(exc)
        return _output(request, student)


class ImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="CSV（UTF-8 或 GBK）或 XLSX，首行为表头")
    only_good_rows = serializers.BooleanField(
        default=False, help_text="只导入无误的行；否则文件有任何错误都不导入"
    )


class ImportError_(serializers.Serializer):
    line = serializers.IntegerField(help_text="表格中的行号，表头为第 1 行；0 表示整个文件")
    column = serializers.CharField()
    message = serializers.CharField()


class ImportOutput(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    created_lines = serializers.ListField(child=serializers.IntegerField())
    updated_lines = serializers.ListField(
        child=serializers.IntegerField(), help_text="学号已存在、更新了该学生的行"
    )
    classes_created = serializers.ListField(child=serializers.CharField())
    errors = ImportError_(many=True, help_text="only_good_rows 时未导入的行")


def _errors(result):
    return [{"line": line, "column": column, "message": message} for line, column, message in result.errors]


class ImportRefused(serializers.Serializer):
    error = serializers.DictField(help_text="统一错误格式")
    errors = ImportError_(many=True, required=False, help_text="文件读过时：每个错误的行号、列名和说明")


@extend_schema(
    tags=["students"],
    request={"multipart/form-data": ImportInput},
    responses={201: ImportOutput, 400: ImportRefused},
)
class StudentImportApi(APIView):
    """Import a roster file. 201 with counts; or 400 with {"errors": [{"line", "column", "message"}]}
    and nothing saved (unless only_good_rows)."""

    parser_classes = [MultiPartParser, FormParser]

    def post(self, request):
        if not students.policy.can_read(request.user) or not manages_roster(request.user):
            raise PermissionDenied()
        body = ImportInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        result = services.roster_import(
            actor=request.user,
            upload=body.validated_data["file"],
            only_good_rows=body.validated_data["only_good_rows"],
        )
        if not result.imported and result.errors:
            return Response(
                {
                    "error": {
                        "status": 400,
                        "code": "invalid",
                        "message": _("Nothing was imported: the file has errors."),
                        "fields": {"file": [_("%(n)d errors; see errors.") % {"n": len(result.errors)}]},
                    },
                    "errors": _errors(result),
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            ImportOutput(
                {
                    "created": result.created,
                    "updated": result.updated,
                    "created_lines": result.created_lines,
                    "updated_lines": result.updated_lines,
                    "classes_created": result.classes_created,
                    "errors": _errors(result),
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )


# Classes


class ClassOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    homeroom_teacher = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
    homeroom_teacher_name = serializers.CharField(
        source="homeroom_teacher.display_name", read_only=True, allow_null=True, default=None
    )
    active_count = serializers.IntegerField(read_only=True, help_text="在校学生数")
    archived_count = serializers.IntegerField(read_only=True, help_text="已离校（归档）学生数")

    class Meta:
        model = SchoolClass
        fields = [
            "id",
            "grade",
            "name",
            "homeroom_teacher",
            "homeroom_teacher_name",
            "active_count",
            "archived_count",
            "created_at",
            "updated_at",
        ]


class ClassInput(serializers.Serializer):
    grade = serializers.IntegerField(min_value=1, max_value=12)
    name = serializers.CharField(max_length=30)
    homeroom_teacher = PersonField(
        required=False, allow_null=True, help_text="班主任（须为班主任角色的在用账号）"
    )


urlpatterns = [
    path("students/import/", StudentImportApi.as_view()),
    *resource_urls(students, output=StudentOutput, input=StudentInput, tag="students"),
    path("students/<uuid:id>/archive/", StudentArchiveApi.as_view()),
    path("students/<uuid:id>/restore/", StudentRestoreApi.as_view()),
    path("students/<uuid:id>/move/", StudentMoveApi.as_view()),
    *resource_urls(classes, output=ClassOutput, input=ClassInput, tag="students"),
]
