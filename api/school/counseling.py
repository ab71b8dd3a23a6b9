"""Counseling API: sessions (个别辅导), medical referrals (转介就医) and plans (一生一策).

Same rules as the pages (tenants.counseling.access): sessions and referrals are for the care team;
a plan is also readable by its owner. Each list call writes one "list" audit event, each retrieve
one "view" event, as the declarations (tenants/counseling/resources.py) say; writes are audited by
the services. Clinical records are not deleted through the
API: the retention job removes them.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import as_drf_validation_error
from api.school.base import resource_urls
from api.school.fields import PersonField, ref
from directory.models import ServiceEntry
from tenants.counseling import selectors, services
from tenants.counseling.models import CarePlan, CounselingSession, IssueCategory, PlanReview, Referral
from tenants.counseling.resources import plans, referrals, sessions
from tenants.resources.models import CounselingRoom, RoomBooking
from tenants.students.models import Student

# Sessions ---------------------------------------------------------------------------------------


class SessionOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    student = serializers.UUIDField(source="student.public_id", read_only=True)
    student_name = serializers.CharField(source="student.name", read_only=True)
    counselor = serializers.UUIDField(source="counselor.public_id", read_only=True)
    counselor_name = serializers.CharField(source="counselor.display_name", read_only=True)
    booking = serializers.UUIDField(source="booking.public_id", read_only=True, allow_null=True, default=None)
    room = serializers.CharField(source="booking.room.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = CounselingSession
        fields = [
            "id",
            "student",
            "student_name",
            "counselor",
            "counselor_name",
            "booking",
            "room",
            "held_at",
            "duration_minutes",
            "category",
            "notes",
            "follow_up_on",
            "created_at",
            "updated_at",
        ]


class SessionInput(serializers.Serializer):
    student = ref(Student)
    counselor = PersonField()
    held_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(help_text="5-240")
    category = serializers.ChoiceField(choices=IssueCategory.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)
    booking = ref(
        RoomBooking,
        queryset=RoomBooking.objects.filter(cancelled=False),
        required=False,
        allow_null=True,
        default=None,
        help_text="an existing, not cancelled room booking",
    )
    room = ref(
        CounselingRoom,
        required=False,
        allow_null=True,
        default=None,
        help_text="book this room for the session (instead of `booking`)",
    )
    booking_starts_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    booking_ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class SessionPatch(SessionInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("student")
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


# Referrals --------------------------------------------------------------------------------------


class ReferralOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    student = serializers.UUIDField(source="student.public_id", read_only=True)
    student_name = serializers.CharField(source="student.name", read_only=True)
    institution = serializers.CharField(read_only=True)
    institution_entry = serializers.UUIDField(
        source="institution_entry_public_id",
        read_only=True,
        allow_null=True,
        help_text="The service directory entry the institution was picked from (null for older free text).",
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "student",
            "student_name",
            "institution",
            "institution_entry",
            "referred_on",
            "reason",
            "feedback",
            "feedback_on",
            "return_plan",
            "return_on",
            "created_at",
            "updated_at",
        ]


class ReferralInput(serializers.Serializer):
    student = ref(Student)
    institution_entry = ref(
        ServiceEntry,
        queryset=ServiceEntry.objects.filter(active=True),
        help_text="A service directory entry: the district's, or this school's own local one.",
    )
    referred_on = serializers.DateField()
    reason = serializers.CharField()
    feedback = serializers.CharField(required=False, allow_blank=True, default="")
    feedback_on = serializers.DateField(required=False, allow_null=True, default=None)
    return_plan = serializers.CharField(required=False, allow_blank=True, default="")
    return_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReferralPatch(ReferralInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("student")
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


# Plans (一生一策) ---------------------------------------------------------------------------------


class PlanReviewOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    done_by = serializers.CharField(
        source="done_by.display_name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = PlanReview
        fields = ["id", "due_on", "done_at", "done_by", "progress"]


class PlanOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    student = serializers.UUIDField(source="student.public_id", read_only=True)
    student_name = serializers.CharField(source="student.name", read_only=True)
    owner = serializers.UUIDField(source="owner.public_id", read_only=True)
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    next_review_on = serializers.DateField(read_only=True, allow_null=True, default=None)
    reviews = PlanReviewOutput(many=True, read_only=True)

    class Meta:
        model = CarePlan
        fields = [
            "id",
            "student",
            "student_name",
            "owner",
            "owner_name",
            "goals",
            "supports",
            "starts_on",
            "review_every_days",
            "status",
            "closed_at",
            "next_review_on",
            "reviews",
            "created_at",
            "updated_at",
        ]


OWNER_HELP = "负责人：心理教师、辅导员，或该学生的班主任（负责人能读到计划内容）"


class PlanInput(serializers.Serializer):
    student = ref(Student)
    owner = PersonField(help_text=OWNER_HELP)
    goals = serializers.CharField()
    supports = serializers.CharField()
    starts_on = serializers.DateField()
    review_every_days = serializers.IntegerField(default=30, help_text="7-180")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the care team and the homeroom teachers of the students who may get a plan; the
        # service then checks the owner against the student chosen.
        request = self.context.get("request")
        students = selectors.students_needing_a_plan(getattr(request, "user", None))
        self.fields["owner"].queryset = selectors.plan_owner_choices(students=students)


class PlanPatch(serializers.Serializer):
    owner = PersonField(required=False, help_text=OWNER_HELP)
    goals = serializers.CharField(required=False)
    supports = serializers.CharField(required=False)
    review_every_days = serializers.IntegerField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.instance if isinstance(self.instance, CarePlan) else None
        student = plan.student if plan is not None else None
        self.fields["owner"].queryset = selectors.plan_owner_choices(student=student)


class ReviewInput(serializers.Serializer):
    progress = serializers.CharField()
    next_due_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="empty: today + the plan's review interval"
    )


class _PlanAction(APIView):
    def _plan(self, request, id):
        return plans.get_for(request.user, id)

    def _output(self, plan, code):
        return Response(PlanOutput(plans.reload(plan)).data, status=code)


@extend_schema(tags=["counseling"], request=ReviewInput, responses={201: PlanOutput})
class PlanReviewApi(_PlanAction):
    """Record the progress check of the plan's pending review; the next review is scheduled."""

    def post(self, request, id):
        plan = self._plan(request, id)
        if not plans.policy.can_record_review(request.user, plan):
            raise PermissionDenied()
        body = ReviewInput(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            services.plan_review_record(plan, actor=request.user, **body.validated_data)
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        return self._output(plan, status.HTTP_201_CREATED)


@extend_schema(tags=["counseling"], request=None, responses={200: PlanOutput})
class PlanCloseApi(_PlanAction):
    def post(self, request, id):
        plan = self._plan(request, id)
        if not plans.policy.can_change(request.user, plan):
            raise PermissionDenied()
        try:
            services.plan_close(plan, actor=request.user)
        except DjangoValidationError as exc:
            raise as_drf_validation_error(exc)
        return self._output(plan, status.HTTP_200_OK)


urlpatterns = [
    *resource_urls(
        sessions, output=SessionOutput, input=SessionInput, patch_input=SessionPatch, tag="counseling"
    ),
    *resource_urls(
        referrals, output=ReferralOutput, input=ReferralInput, patch_input=ReferralPatch, tag="counseling"
    ),
    *resource_urls(plans, output=PlanOutput, input=PlanInput, patch_input=PlanPatch, tag="counseling"),
    path("care-plans/<uuid:id>/reviews/", PlanReviewApi.as_view()),
    path("care-plans/<uuid:id>/close/", PlanCloseApi.as_view()),
]
