"""Crisis intervention API: cases and their steps, break-glass, emergency plans, time limits and the
duty roster.

Need to know: the care team reads everything of a case; the principal reads status, level, times
and who (no narrative, notes or summary) unless they opened the case with break-glass. Every case
read writes exactly one audit event (a list writes one "list" event without a student).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import as_drf_validation_error
from api.school.base import ResourceDetailApi, ResourceListCreateApi, documented
from api.school.fields import PersonField, PersonSummary, ref, uuid_param
from shared.accounts.roles import SchoolRole
from tenants.care.access import reads_clinical
from tenants.care.audit import audit, break_glass_reason
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
from tenants.crisis.policies import case_policy, duty_policy, plan_policy, time_limit_policy
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


def _glass_context(view, cases) -> dict:
    user = view.request.user
    if reads_clinical(user) or not user.has_role(SchoolRole.PRINCIPAL):
        return {}
    from django.utils import timezone

    ids = set(
        BreakGlass.objects.filter(actor=user, expires_at__gt=timezone.now(), case__in=cases).values_list(
            "case_id", flat=True
        )
    )
    return {"glass_cases": ids}


@documented(
    "crisis",
    CrisisCaseInput,
    CrisisCaseOutput,
    [
        OpenApiParameter("status", str, enum=["open", "closed"]),
        OpenApiParameter("level", str),
        OpenApiParameter("overdue", bool),
    ],
)
class CaseListApi(ResourceListCreateApi):
    policy = case_policy
    output_serializer = CrisisCaseOutput
    input_serializer = CrisisCaseInput

    def selector(self):
        params = self.request.query_params
        qs = selectors.cases()
        if params.get("status") in ("open", "closed"):
            qs = qs.filter(closed_at__isnull=params["status"] == "open")
        if params.get("level"):
            qs = qs.filter(level=params["level"])
        if params.get("overdue") in ("true", "1"):
            qs = qs.filter(overdue=True)
        return qs

    def list(self, request, *args, **kwargs):
        if not self.policy.can_read(request.user):
            raise PermissionDenied()
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        audit(actor=request.user, action="list", subject="crisis.case")
        context = {**self.get_serializer_context(), **_glass_context(self, page)}
        return self.get_paginated_response(CrisisCaseOutput(page, many=True, context=context).data)

    def create_service(self, *, actor, data):
        case = services.case_report(actor=actor, **data)
        return selectors.cases().get(pk=case.pk)


class CrisisCaseUpdateInput(serializers.Serializer):
    counselor = PersonField(required=False, allow_null=True)
    narrative = serializers.CharField(required=False, allow_blank=True)


def _case_output(view, case, code=status.HTTP_200_OK):
    context = {**view.get_serializer_context(), **_glass_context(view, [case])}
    return Response(CrisisCaseOutput(case, context=context).data, status=code)


@documented("crisis", CrisisCaseUpdateInput, CrisisCaseOutput)
class CaseDetailApi(ResourceDetailApi):
    """GET (audited, one event) and PATCH (the care team: counselor in charge, narrative). Cases
    are never deleted here; retention removes them."""

    policy = case_policy
    output_serializer = CrisisCaseOutput
    input_serializer = CrisisCaseUpdateInput
    http_method_names = ["get", "patch", "head", "options"]

    def selector(self):
        return selectors.cases()

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        glass = (
            None
            if reads_clinical(request.user)
            else selectors.break_glass_active(case=case, user=request.user)
        )
        audit(
            actor=request.user,
            action="view",
            subject="crisis.case",
            student=case.student,
            obj=case,
            reason=break_glass_reason() if glass else "",
            reason_ref=glass.public_id if glass else None,
        )
        return _case_output(self, case)

    def update_service(self, obj, *, actor, data):
        services.case_update(obj, actor=actor, data=data)
        return selectors.cases().get(pk=obj.pk)

    def output(self, obj, code=status.HTTP_200_OK):
        return _case_output(self, obj, code)


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
        case = get_object_or_404(case_policy.visible(request.user, selectors.cases()), public_id=id)
        if not case_policy.can_change(request.user, case):
            raise PermissionDenied()
        body = CrisisStepInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            services.step_record(case, actor=request.user, **body.validated_data)
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        case = selectors.cases().get(pk=case.pk)
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
        case = get_object_or_404(case_policy.visible(request.user, selectors.cases()), public_id=id)
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


@documented("crisis", EmergencyPlanInput, EmergencyPlanOutput)
class PlanListApi(ResourceListCreateApi):
    policy = plan_policy
    output_serializer = EmergencyPlanOutput
    input_serializer = EmergencyPlanInput

    def selector(self):
        return selectors.plans()

    def create_service(self, *, actor, data):
        return services.plan_create(actor=actor, **data)


@documented("crisis", EmergencyPlanInput, EmergencyPlanOutput)
class PlanDetailApi(ResourceDetailApi):
    policy = plan_policy
    output_serializer = EmergencyPlanOutput
    input_serializer = EmergencyPlanInput

    def selector(self):
        return selectors.plans()

    def update_service(self, obj, *, actor, data):
        return services.plan_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        services.plan_delete(obj, actor=actor)


# --- Time limits ---------------------------------------------------------------------------------


class CrisisTimeLimitOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = TimeLimit
        fields = ["id", "level", "step", "minutes"]


class CrisisTimeLimitInput(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1)


@documented("crisis", CrisisTimeLimitInput, CrisisTimeLimitOutput)
class TimeLimitListApi(ResourceListCreateApi):
    """Listed and changed; one limit per level and step exists (POST answers 403)."""

    policy = time_limit_policy
    output_serializer = CrisisTimeLimitOutput
    input_serializer = CrisisTimeLimitInput

    def selector(self):
        return selectors.time_limits()


@documented("crisis", CrisisTimeLimitInput, CrisisTimeLimitOutput)
class TimeLimitDetailApi(ResourceDetailApi):
    policy = time_limit_policy
    output_serializer = CrisisTimeLimitOutput
    input_serializer = CrisisTimeLimitInput
    http_method_names = ["get", "patch", "head", "options"]

    def selector(self):
        return selectors.time_limits()

    def update_service(self, obj, *, actor, data):
        return services.time_limit_update(obj, actor=actor, data=data)


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


@documented(
    "crisis",
    CrisisDutyInput,
    CrisisDutyOutput,
    [OpenApiParameter("from", str, description="YYYY-MM-DD"), OpenApiParameter("user", str)],
)
class DutyListApi(ResourceListCreateApi):
    policy = duty_policy
    output_serializer = CrisisDutyOutput
    input_serializer = CrisisDutyInput

    def selector(self):
        params = self.request.query_params
        qs = selectors.duty_assignments()
        if params.get("from"):
            try:
                qs = qs.filter(on_date__gte=params["from"])
            except DjangoValidationError as exc:
                raise as_drf_validation_error(exc)
        if params.get("user"):
            qs = qs.filter(user__public_id=uuid_param(params["user"], "user"))
        return qs

    def create_service(self, *, actor, data):
        return services.duty_assign(actor=actor, **data)


@documented("crisis", CrisisDutyInput, CrisisDutyOutput)
class DutyDetailApi(ResourceDetailApi):
    policy = duty_policy
    output_serializer = CrisisDutyOutput
    input_serializer = CrisisDutyInput
    http_method_names = ["get", "delete", "head", "options"]

    def selector(self):
        return selectors.duty_assignments()

    def delete_service(self, obj, *, actor):
        services.duty_remove(obj, actor=actor)


urlpatterns = [
    path("crisis-cases/", CaseListApi.as_view()),
    path("crisis-cases/<uuid:id>/", CaseDetailApi.as_view()),
    path("crisis-cases/<uuid:id>/steps/", CaseStepApi.as_view()),
    path("crisis-cases/<uuid:id>/break-glass/", CaseBreakGlassApi.as_view()),
    path("emergency-plans/", PlanListApi.as_view()),
    path("emergency-plans/<uuid:id>/", PlanDetailApi.as_view()),
    path("crisis-time-limits/", TimeLimitListApi.as_view()),
    path("crisis-time-limits/<uuid:id>/", TimeLimitDetailApi.as_view()),
    path("duty-assignments/", DutyListApi.as_view()),
    path("duty-assignments/<uuid:id>/", DutyDetailApi.as_view()),
]
