"""Team API: staff records, training plans and training records."""

from rest_framework import serializers

from api.school.base import resource_urls
from api.school.fields import PersonField, PersonSummary, ref
from tenants.team.models import StaffMember, TrainingPlan, TrainingRecord
from tenants.team.resources import staff_members, training_plans, training_records

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


urlpatterns = [
    *resource_urls(staff_members, output=StaffMemberOutput, input=StaffMemberInput, tag="team"),
    *resource_urls(training_plans, output=TrainingPlanOutput, input=TrainingPlanInput, tag="team"),
    *resource_urls(training_records, output=TrainingRecordOutput, input=TrainingRecordInput, tag="team"),
]
