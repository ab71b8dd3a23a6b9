"""Roster API: students (list/create/detail/patch, archive, restore, move, import) and classes.

Need to know: roster managers (principal, secretary, psychology teachers, counselors) read and
write every student; homeroom teachers read the students of their own classes (with guardian
contact, which they need) and whether each is being followed; everyone else gets 403 on lists and
404 on objects. Students are never deleted: DELETE answers 400, archive instead.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import as_drf_validation_error as _drf
from api.school.base import ResourceDetailApi, ResourceListCreateApi, documented
from api.school.fields import PersonField, ref, uuid_param
from tenants.care.access import manages_roster, reads_clinical, sees_followed
from tenants.students import selectors, services
from tenants.students.models import Gender, SchoolClass, Student, StudentStatus
from tenants.students.policies import class_policy, student_policy


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


def _students():
    return selectors.being_followed(selectors.students())


def _reload(student) -> Student:
    return _students().get(pk=student.pk)


@documented(
    "students",
    StudentInput,
    StudentOutput,
    [
        OpenApiParameter("grade", int),
        OpenApiParameter("class", str, description="班级 id"),
        OpenApiParameter(
            "status", str, enum=["active", "archived", "all"], description="默认 active（在校）"
        ),
        OpenApiParameter("q", str, description="姓名或学号"),
    ],
)
class StudentListApi(ResourceListCreateApi):
    policy = student_policy
    output_serializer = StudentOutput
    input_serializer = StudentInput

    def selector(self):
        params = self.request.query_params
        qs = _students()
        state = params.get("status") or "active"
        if state in StudentStatus.values:
            qs = qs.filter(status=state)
        elif state != "all":
            raise ValidationError({"status": [_("Choose active, archived or all.")]})
        if params.get("grade"):
            try:
                qs = qs.filter(school_class__grade=int(params["grade"]))
            except ValueError:
                raise ValidationError({"grade": [_("Write the grade as a number from 1 to 12.")]})
        if params.get("class"):
            qs = qs.filter(school_class__public_id=uuid_param(params["class"], "class"))
        if params.get("q"):
            from django.db.models import Q

            qs = qs.filter(Q(name__icontains=params["q"]) | Q(student_number__icontains=params["q"]))
        return qs

    def create_service(self, *, actor, data):
        return _reload(services.student_create(actor=actor, data=data))


@documented("students", StudentInput, StudentOutput)
class StudentDetailApi(ResourceDetailApi):
    policy = student_policy
    output_serializer = StudentOutput
    input_serializer = StudentInput

    def selector(self):
        return _students()

    def update_service(self, obj, *, actor, data):
        return _reload(services.student_update(obj, actor=actor, data=data))

    def delete_service(self, obj, *, actor):
        raise DjangoValidationError(
            _("Students are never deleted. Archive the student instead (POST …/archive/ with a reason).")
        )


def _student_for(request, id) -> Student:
    student = get_object_or_404(student_policy.visible(request.user, _students()), public_id=id)
    if not manages_roster(request.user):
        raise PermissionDenied()
    return student


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
        return Response(StudentOutput(_reload(student), context={"request": request}).data)


@extend_schema(tags=["students"], request=None, responses=StudentOutput)
class StudentRestoreApi(APIView):
    """An archived student comes back to school."""

    def post(self, request, id):
        student = _student_for(request, id)
        try:
            student = services.student_restore(student, actor=request.user)
        except DjangoValidationError as exc:
            raise _drf(exc)
        return Response(StudentOutput(_reload(student), context={"request": request}).data)


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
        return Response(StudentOutput(_reload(student), context={"request": request}).data)


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
        if not student_policy.can_read(request.user) or not manages_roster(request.user):
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


@documented("students", ClassInput, ClassOutput, [OpenApiParameter("grade", int)])
class ClassListApi(ResourceListCreateApi):
    policy = class_policy
    output_serializer = ClassOutput
    input_serializer = ClassInput

    def selector(self):
        qs = selectors.classes()
        grade = self.request.query_params.get("grade")
        if grade:
            try:
                qs = qs.filter(grade=int(grade))
            except ValueError:
                raise ValidationError({"grade": [_("Write the grade as a number from 1 to 12.")]})
        return qs

    def create_service(self, *, actor, data):
        school_class = services.class_create(actor=actor, **data)
        return selectors.classes().get(pk=school_class.pk)


@documented("students", ClassInput, ClassOutput)
class ClassDetailApi(ResourceDetailApi):
    policy = class_policy
    output_serializer = ClassOutput
    input_serializer = ClassInput

    def selector(self):
        return selectors.classes()

    def update_service(self, obj, *, actor, data):
        services.class_update(obj, actor=actor, data=data)
        return selectors.classes().get(pk=obj.pk)

    def delete_service(self, obj, *, actor):
        services.class_delete(obj, actor=actor)


urlpatterns = [
    path("students/", StudentListApi.as_view()),
    path("students/import/", StudentImportApi.as_view()),
    path("students/<uuid:id>/", StudentDetailApi.as_view()),
    path("students/<uuid:id>/archive/", StudentArchiveApi.as_view()),
    path("students/<uuid:id>/restore/", StudentRestoreApi.as_view()),
    path("students/<uuid:id>/move/", StudentMoveApi.as_view()),
    path("classes/", ClassListApi.as_view()),
    path("classes/<uuid:id>/", ClassDetailApi.as_view()),
]
