"""Crisis intervention API: cases and their steps, break-glass, emergency plans, time limits and the
duty roster.

Need to know: the care team reads everything of a case; the principal reads status, level, times
and who (no narrative, notes or summary) unless they opened the case with break-glass. Every case
read writes exactly one audit event (a list writes one "list" event without a student): the
declarations in tenants/crisis/resources.py say so, and the plain list/detail pairs are built from
them.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import as_drf_validation_error
from api.school.base import ResourceDetailApi, ResourceListCreateApi, resource_api, resource_urls
from api.school.fields import PersonField, PersonSummary, ref
from shared.accounts.roles import SchoolRole
from tenants.care.access import reads_clinical
from tenants.crisis import selectors, services
from tenants.crisis.models import (
    STEP_ORDER,
    BreakGlass,
    CaseStep,
    DutyAssignment,
    EmergencyPlan,
    IdentifiedHow,
    RiskLevel,
    TimeLimit,
)
from tenants.crisis.resources import cases, duties, plans, time_limits
from tenants.students.models import Student

# --- Cases ---------------------------------------------------------------------------------------


class CrisisStudentSummary(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    school_class = serializers.CharField(source="school_class.__str__")


class CrisisStepOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    done_by = PersonSummary(read_only=True, allow_null=True)
    note = serializers.CharField(required=False, help_text="仅心理教师、辅导员（或破窗查看期间的校长）可见")
    skipped_reason = serializers.CharField(
        required=False, help_text="无需此步骤的理由；仅心理教师、辅导员（或破窗查看期间的校长）可见"
    )

    class Meta:
        model = CaseStep
        fields = ["id", "step", "done_at", "done_by", "level", "skipped_reason", "note"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("detail"):
            data.pop("note", None)
            data.pop("skipped_reason", None)
        return data


class CrisisCaseOutput(serializers.Serializer):
    """One serializer for everyone; narrative, summary and step notes are left out for a reader
    without clinical access (the principal without break-glass)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    student = CrisisStudentSummary(read_only=True)
    level = serializers.ChoiceField(choices=RiskLevel.choices, read_only=True)
    step = serializers.ChoiceField(choices=[(s, s) for s in STEP_ORDER], read_only=True)
    next_step = serializers.CharField(read_only=True, allow_null=True)
    deadline = serializers.DateTimeField(read_only=True, allow_null=True, help_text="下一步骤的时限")
    overdue = serializers.BooleanField(read_only=True)
    identified_how = serializers.ChoiceField(choices=IdentifiedHow.choices, read_only=True)
    identified_by = PersonSummary(read_only=True, allow_null=True)
    counselor = PersonSummary(read_only=True, allow_null=True)
    opened_at = serializers.DateTimeField(read_only=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    escalated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    steps = serializers.SerializerMethodField()
    narrative = serializers.CharField(
        required=False, help_text="仅心理教师、辅导员（或破窗查看期间的校长）可见"
    )
    summary = serializers.CharField(required=False, help_text="结案小结；同上")

    @extend_schema_field(CrisisStepOutput(many=True))
    def get_steps(self, case):
        return CrisisStepOutput(
            selectors.steps_of(case), many=True, context={"detail": self._detail(case)}
        ).data

    def _detail(self, case) -> bool:
        user = self.context["request"].user
        if reads_clinical(user):
            return True
        glasses = self.context.get("glass_cases")
        return glasses is not None and case.pk in glasses

    def to_representation(self, case):
        data = super().to_representation(case)
        if not self._detail(case):
            data.pop("narrative", None)
            data.pop("summary", None)
        return data


class CrisisCaseInput(serializers.Serializer):
    student = ref(Student)
    level = serializers.ChoiceField(choices=RiskLevel.choices)
    identified_how = serializers.ChoiceField(choices=IdentifiedHow.choices)
    narrative = serializers.CharField(required=False, allow_blank=True)
    counselor = PersonField(required=False, allow_null=True)


class CrisisCaseUpdateInput(serializers.Serializer):
    counselor = PersonField(required=False, allow_null=True)
    narrative = serializers.CharField(required=False, allow_blank=True)


class GlassContext:
    """Not plain: the output shows a case's narrative, summary and step notes to a principal only
    under an active break-glass on that case, so the serializer is told which cases those are."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user if self.request is not None else None
        if user is None or reads_clinical(user) or not user.has_role(SchoolRole.PRINCIPAL):
            return context
        glasses = BreakGlass.objects.filter(actor=user, expires_at__gt=timezone.now())
        return {**context, "glass_cases": set(glasses.values_list("case_id", flat=True))}


class CaseListBase(GlassContext, ResourceListCreateApi):
    pass


class CaseDetailBase(GlassContext, ResourceDetailApi):
    pass


# PATCH takes the update input (counselor in charge, narrative); cases are never deleted here,
# retention removes them.
_case_list, _case_detail = resource_api(
    cases,
    output=CrisisCaseOutput,
    input=CrisisCaseInput,
    patch_input=CrisisCaseUpdateInput,
    tag="crisis",
    list_base=CaseListBase,
    detail_base=CaseDetailBase,
)


class CrisisStepInput(serializers.Serializer):
    step = serializers.ChoiceField(choices=[(s, s) for s in STEP_ORDER])
    level = serializers.ChoiceField(choices=RiskLevel.choices, required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    done_at = serializers.DateTimeField(required=False, allow_null=True)
    skipped_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="转介：不需要转介时写明理由（步骤仍然记录）",
    )
    summary = serializers.CharField(required=False, allow_blank=True, help_text="结案时必填")


class CaseStepApi(APIView):
    """Record the step due next on a case (the care team)."""

    @extend_schema(tags=["crisis"], request=CrisisStepInput, responses={201: CrisisCaseOutput})
    def post(self, request, id):
        case = cases.get_for(request.user, id)
        if not cases.policy.can_change(request.user, case):
            raise PermissionDenied()
        body = CrisisStepInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            services.step_record(case, actor=request.user, **body.validated_data)
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        case = cases.reload(case)
        return Response(
            CrisisCaseOutput(case, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class CrisisBreakGlassInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True)


class CrisisBreakGlassOutput(serializers.Serializer):
    """No reason: it is encrypted and read by the care team on the case."""

    id = serializers.UUIDField(source="public_id")
    case = serializers.UUIDField(source="case.public_id")
    at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class CaseBreakGlassApi(APIView):
    """The principal opens one case's detail for two hours, with a reason (audited, the care team
    is told)."""

    @extend_schema(tags=["crisis"], request=CrisisBreakGlassInput, responses={201: CrisisBreakGlassOutput})
    def post(self, request, id):
        case = cases.get_for(request.user, id)
        if not request.user.has_role(SchoolRole.PRINCIPAL) or reads_clinical(request.user):
            raise PermissionDenied()
        body = CrisisBreakGlassInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            glass = services.break_glass_open(case, actor=request.user, reason=body.validated_data["reason"])
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        return Response(CrisisBreakGlassOutput(glass).data, status=status.HTTP_201_CREATED)


# --- Emergency plans -----------------------------------------------------------------------------


class EmergencyPlanOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = EmergencyPlan
        fields = ["id", "title", "version", "effective_on", "body", "created_at", "updated_at"]


class EmergencyPlanInput(serializers.ModelSerializer):
    class Meta:
        model = EmergencyPlan
        fields = ["title", "version", "effective_on", "body"]


# --- Time limits ---------------------------------------------------------------------------------


class CrisisTimeLimitOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = TimeLimit
        fields = ["id", "level", "step", "minutes"]


class CrisisTimeLimitInput(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=2**31 - 1)  # the column's range


# --- Duty roster ---------------------------------------------------------------------------------


class CrisisDutyOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    user = PersonSummary(read_only=True)

    class Meta:
        model = DutyAssignment
        fields = ["id", "user", "on_date"]


class CrisisDutyInput(serializers.Serializer):
    user = PersonField()
    on_date = serializers.DateField()


urlpatterns = [
    path("crisis-cases/", _case_list.as_view()),
    path("crisis-cases/<uuid:id>/", _case_detail.as_view()),
    path("crisis-cases/<uuid:id>/steps/", CaseStepApi.as_view()),
    path("crisis-cases/<uuid:id>/break-glass/", CaseBreakGlassApi.as_view()),
    *resource_urls(plans, output=EmergencyPlanOutput, input=EmergencyPlanInput, tag="crisis"),
    *resource_urls(time_limits, output=CrisisTimeLimitOutput, input=CrisisTimeLimitInput, tag="crisis"),
    *resource_urls(duties, output=CrisisDutyOutput, input=CrisisDutyInput, tag="crisis"),
]
