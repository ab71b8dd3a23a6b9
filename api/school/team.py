"""Team API: staff records, training plans and training records."""

import uuid

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from api.school.base import ResourceDetailApi, ResourceListCreateApi
from api.school.fields import PersonField, PersonSummary, ref
from tenants.team import selectors, services
from tenants.team.models import StaffMember, TrainingPlan, TrainingRecord, school_year_bounds
from tenants.team.policies import staff_policy, training_plan_policy, training_record_policy


def _uuid(value: str, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({name: [_("Not a valid id.")]})


# Staff ------------------------------------------------------------------------------------------


class StaffMemberOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    account = PersonSummary(read_only=True, allow_null=True)

    class Meta:
        model = StaffMember
        fields = [
            "id",
            "account",
            "name",
            "position",
            "psychology_post",
            "qualification",
            "certificate_number",
            "is_active",
            "notes",
            "created_at",
            "updated_at",
        ]


class StaffMemberInput(serializers.ModelSerializer):
    account = PersonField(required=False, allow_null=True)

    class Meta:
        model = StaffMember
        fields = [
            "account",
            "name",
            "position",
            "psychology_post",
            "qualification",
            "certificate_number",
            "is_active",
            "notes",
        ]


@extend_schema(
    tags=["team"],
    parameters=[
        OpenApiParameter("position", str),
        OpenApiParameter("psychology_post", str),
        OpenApiParameter("active", bool),
    ],
)
class StaffListApi(ResourceListCreateApi):
    policy = staff_policy
    output_serializer = StaffMemberOutput
    input_serializer = StaffMemberInput

    def selector(self):
        qs = selectors.staff_list()
        params = self.request.query_params
        if params.get("position"):
            qs = qs.filter(position=params["position"])
        if params.get("psychology_post"):
            qs = qs.filter(psychology_post=params["psychology_post"])
        if params.get("active") in ("true", "1"):
            qs = qs.filter(is_active=True)
        elif params.get("active") in ("false", "0"):
            qs = qs.filter(is_active=False)
        return qs

    def create_service(self, *, actor, data):
        return services.staff_create(actor=actor, **data)


@extend_schema(tags=["team"])
class StaffDetailApi(ResourceDetailApi):
    policy = staff_policy
    output_serializer = StaffMemberOutput
    input_serializer = StaffMemberInput

    def selector(self):
        return selectors.staff_list()

    def update_service(self, obj, *, actor, data):
        return services.staff_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        services.staff_delete(obj, actor=actor)


# Training plans ---------------------------------------------------------------------------------


class TrainingPlanOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    recorded_hours = serializers.DecimalField(
        max_digits=8,
        decimal_places=1,
        read_only=True,
        help_text="Hours of the training records linked to this plan.",
    )
    record_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingPlan
        fields = [
            "id",
            "title",
            "school_year",
            "audience",
            "planned_hours",
            "starts_on",
            "ends_on",
            "description",
            "recorded_hours",
            "record_count",
            "created_at",
            "updated_at",
        ]


class TrainingPlanInput(serializers.ModelSerializer):
    class Meta:
        model = TrainingPlan
        fields = ["title", "school_year", "audience", "planned_hours", "starts_on", "ends_on", "description"]


@extend_schema(tags=["team"], parameters=[OpenApiParameter("school_year", str, description="e.g. 2026-2027")])
class PlanListApi(ResourceListCreateApi):
    policy = training_plan_policy
    output_serializer = TrainingPlanOutput
    input_serializer = TrainingPlanInput

    def selector(self):
        qs = selectors.training_plan_list()
        if self.request.query_params.get("school_year"):
            qs = qs.filter(school_year=self.request.query_params["school_year"])
        return qs

    def create_service(self, *, actor, data):
        plan = services.training_plan_create(actor=actor, **data)
        return selectors.training_plan_list().get(pk=plan.pk)


@extend_schema(tags=["team"])
class PlanDetailApi(ResourceDetailApi):
    policy = training_plan_policy
    output_serializer = TrainingPlanOutput
    input_serializer = TrainingPlanInput

    def selector(self):
        return selectors.training_plan_list()

    def update_service(self, obj, *, actor, data):
        services.training_plan_update(obj, actor=actor, data=data)
        return selectors.training_plan_list().get(pk=obj.pk)

    def delete_service(self, obj, *, actor):
        services.training_plan_delete(obj, actor=actor)


# Training records -------------------------------------------------------------------------------


class TrainingRecordOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    staff = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    plan = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "staff",
            "staff_name",
            "plan",
            "title",
            "trained_on",
            "hours",
            "provider",
            "certificate",
            "created_at",
            "updated_at",
        ]


class TrainingRecordInput(serializers.ModelSerializer):
    staff = ref(StaffMember)
    plan = ref(TrainingPlan, required=False, allow_null=True)
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Defaults to the plan's title."
    )

    class Meta:
        model = TrainingRecord
        fields = ["staff", "plan", "title", "trained_on", "hours", "provider", "certificate"]


@extend_schema(
    tags=["team"],
    parameters=[
        OpenApiParameter("staff", str, description="a staff member's id"),
        OpenApiParameter("plan", str, description="a training plan's id"),
        OpenApiParameter(
            "school_year", str, description="trainings dated in this school year, e.g. 2026-2027"
        ),
    ],
)
class RecordListApi(ResourceListCreateApi):
    policy = training_record_policy
    output_serializer = TrainingRecordOutput
    input_serializer = TrainingRecordInput

    def selector(self):
        qs = selectors.training_record_list()
        params = self.request.query_params
        if params.get("staff"):
            qs = qs.filter(staff__public_id=_uuid(params["staff"], "staff"))
        if params.get("plan"):
            qs = qs.filter(plan__public_id=_uuid(params["plan"], "plan"))
        if params.get("school_year"):
            try:
                start, end = school_year_bounds(params["school_year"])
            except ValueError:
                raise ValidationError(
                    {
                        "school_year": [
                            _("Write the school year as two consecutive years, for example 2026-2027.")
                        ]
                    }
                )
            qs = qs.filter(trained_on__gte=start, trained_on__lte=end)
        return qs

    def create_service(self, *, actor, data):
        return services.training_record_create(actor=actor, **data)


@extend_schema(tags=["team"])
class RecordDetailApi(ResourceDetailApi):
    policy = training_record_policy
    output_serializer = TrainingRecordOutput
    input_serializer = TrainingRecordInput

    def selector(self):
        return selectors.training_record_list()

    def update_service(self, obj, *, actor, data):
        return services.training_record_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        services.training_record_delete(obj, actor=actor)


urlpatterns = [
    path("staff-members/", StaffListApi.as_view(), name="staff-member-list"),
    path("staff-members/<uuid:id>/", StaffDetailApi.as_view(), name="staff-member-detail"),
    path("training-plans/", PlanListApi.as_view(), name="training-plan-list"),
    path("training-plans/<uuid:id>/", PlanDetailApi.as_view(), name="training-plan-detail"),
    path("training-records/", RecordListApi.as_view(), name="training-record-list"),
    path("training-records/<uuid:id>/", RecordDetailApi.as_view(), name="training-record-detail"),
]
