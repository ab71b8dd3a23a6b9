"""Governance API: the leadership group roster, work plans, rules and regulations, information reports."""

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ErrorSerializer
from api.errors import as_drf_validation_error as _drf
from api.school.base import ResourceDetailApi, ResourceListCreateApi, resource_api, resource_urls
from api.school.fields import PersonField, PersonSummary
from tenants.governance import selectors, services
from tenants.governance.models import (
    GroupAttendee,
    GroupMember,
    InfoReport,
    Plan,
    ReportStatusChange,
    RosterChange,
    RuleDocument,
    RuleVersion,
)
from tenants.governance.policies import group_policy, plan_policy, report_policy, rule_policy
from tenants.governance.resources import group_attendees, group_members, info_reports, plans, rule_documents
from tenants.ledger.models import Task


def _date_param(request, name: str) -> date | None:
    value = request.query_params.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: [_("Enter the date as YYYY-MM-DD.")]})


ON_PARAM = OpenApiParameter("on", OpenApiTypes.DATE, description="a date (YYYY-MM-DD): the state on that day")


# --- Roster ---------------------------------------------------------------------------------------


class GroupMemberOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    person = PersonSummary()

    class Meta:
        model = GroupMember
        fields = [
            "id",
            "person",
            "role",
            "department",
            "duties",
            "starts_on",
            "ends_on",
            "created_at",
            "updated_at",
        ]


class GroupMemberInput(serializers.ModelSerializer):
    person = PersonField()

    class Meta:
        model = GroupMember
        fields = ["person", "role", "department", "duties", "starts_on", "ends_on"]


class GroupAttendeeOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    person = PersonSummary(allow_null=True)

    class Meta:
        model = GroupAttendee
        fields = [
            "id",
            "kind",
            "name",
            "person",
            "affiliation",
            "starts_on",
            "ends_on",
            "note",
            "created_at",
            "updated_at",
        ]


class GroupAttendeeInput(serializers.ModelSerializer):
    person = PersonField(required=False, allow_null=True)

    class Meta:
        model = GroupAttendee
        fields = ["kind", "name", "person", "affiliation", "starts_on", "ends_on", "note"]


class RosterChangeOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    changed_by = PersonSummary(allow_null=True)
    changes = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(allow_null=True)),
        help_text="field → {from, to}",
    )

    class Meta:
        model = RosterChange
        fields = [
            "id",
            "subject",
            "subject_id",
            "subject_name",
            "action",
            "changes",
            "changed_at",
            "changed_by",
        ]


class _RosterHistoryApi(generics.ListAPIView):
    serializer_class = RosterChangeOutput
    model = None

    def get_queryset(self):
        if not group_policy.can_read(self.request.user):
            return RosterChange.objects.none()
        entry = (
            self.model.objects.filter(public_id=self.kwargs["id"]).values_list("public_id", flat=True).first()
        )
        changes = selectors.roster_history(subject_id=self.kwargs["id"])
        # A removed entry still has its history; an id nobody ever had answers 404.
        if entry is None and not changes.exists():
            from django.http import Http404

            raise Http404
        return changes

    def list(self, request, *args, **kwargs):
        if not group_policy.can_read(request.user):
            from django.http import Http404

            raise Http404
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["governance"])
class GroupMemberHistoryApi(_RosterHistoryApi):
    """Every change to one member's entry: who changed what, and when."""

    model = GroupMember


@extend_schema(tags=["governance"])
class GroupAttendeeHistoryApi(_RosterHistoryApi):
    model = GroupAttendee


# --- Work plans -----------------------------------------------------------------------------------


class PlanProgressOutput(serializers.Serializer):
    total = serializers.IntegerField(source="task_total")
    done = serializers.IntegerField(source="task_done")
    overdue = serializers.IntegerField(source="task_overdue")
    percent = serializers.SerializerMethodField()

    def get_percent(self, plan) -> int:
        return selectors.plan_progress(plan)["percent"]


class WorkPlanOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    approved_by = PersonSummary(allow_null=True)
    closed_by = PersonSummary(allow_null=True)
    progress = PlanProgressOutput(source="*")

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "kind",
            "school_year",
            "term",
            "starts_on",
            "ends_on",
            "goals",
            "status",
            "approved_by",
            "approved_at",
            "summary",
            "closed_by",
            "closed_at",
            "progress",
            "created_at",
            "updated_at",
        ]


class WorkPlanInput(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["title", "kind", "school_year", "term", "starts_on", "ends_on", "goals"]


class PlanCloseInput(serializers.Serializer):
    summary = serializers.CharField(help_text="closing summary (required)", allow_blank=True)


def _plan_for_change(request, id, *, approve=False):
    plan = plans.get_for(request.user, id)
    allowed = (
        plan_policy.can_approve(request.user, plan) if approve else plan_policy.can_change(request.user, plan)
    )
    if not allowed:
        raise PermissionDenied(_("Only the principal can approve a work plan.") if approve else None)
    return plan


class _PlanTransitionApi(APIView):
    approve = False

    def run(self, plan, request):
        raise NotImplementedError

    def post(self, request, id):
        plan = _plan_for_change(request, id, approve=self.approve)
        try:
            plan = self.run(plan, request)
        except DjangoValidationError as exc:
            raise _drf(exc)
        return Response(WorkPlanOutput(plans.reload(plan)).data)


@extend_schema(tags=["governance"], request=None, responses={200: WorkPlanOutput})
class WorkPlanApproveApi(_PlanTransitionApi):
    """Draft → approved. Only the principal; records who approved and when."""

    approve = True

    def run(self, plan, request):
        return services.plan_approve(plan, actor=request.user)


@extend_schema(tags=["governance"], request=None, responses={200: WorkPlanOutput})
class WorkPlanStartApi(_PlanTransitionApi):
    """Approved → in progress."""

    def run(self, plan, request):
        return services.plan_start(plan, actor=request.user)


@extend_schema(tags=["governance"], request=PlanCloseInput, responses={200: WorkPlanOutput})
class WorkPlanCloseApi(_PlanTransitionApi):
    """In progress → closed, with a summary."""

    def run(self, plan, request):
        data = PlanCloseInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        return services.plan_close(plan, actor=request.user, summary=data.validated_data["summary"])


class KeyTaskOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    owner = PersonSummary()
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "description",
            "owner",
            "due_on",
            "priority",
            "status",
            "department",
            "is_overdue",
        ]


class KeyTaskInput(serializers.ModelSerializer):
    owner = PersonField()

    class Meta:
        model = Task
        fields = ["title", "description", "owner", "due_on", "priority", "department"]


@extend_schema(tags=["governance"])
class WorkPlanTasksApi(generics.ListCreateAPIView):
    """The plan's key tasks (重点任务): ledger tasks, each with one responsible person."""

    serializer_class = KeyTaskOutput

    def _plan(self):
        return plans.get_for(self.request.user, self.kwargs["id"])

    def get_serializer_class(self):
        return KeyTaskInput if self.request is not None and self.request.method == "POST" else KeyTaskOutput

    def get_queryset(self):
        return selectors.plan_tasks(self._plan())

    @extend_schema(request=KeyTaskInput, responses={201: KeyTaskOutput})
    def post(self, request, id):
        plan = _plan_for_change(request, id)
        data = KeyTaskInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        try:
            task = services.plan_key_task_add(plan, actor=request.user, **data.validated_data)
        except DjangoValidationError as exc:
            raise _drf(exc)
        return Response(
            KeyTaskOutput(selectors.plan_tasks(plan).get(pk=task.pk)).data, status=status.HTTP_201_CREATED
        )


# --- Rules and regulations ------------------------------------------------------------------------


class RuleFileOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return reverse("workspace:file", args=[attachment.public_id])


class RuleVersionOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    created_by = PersonSummary(allow_null=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = RuleVersion
        fields = [
            "id",
            "number",
            "text",
            "effective_on",
            "change_note",
            "attachments",
            "created_by",
            "created_at",
        ]

    @extend_schema_field(RuleFileOutput(many=True))
    def get_attachments(self, version):
        found = self.context.get("attachments")
        if found is None:
            found = selectors.version_attachments([version])
        return RuleFileOutput(found.get(version.pk, []), many=True).data


class RuleDocumentOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    version_count = serializers.IntegerField(read_only=True)
    current_version = serializers.IntegerField(
        source="current_number",
        allow_null=True,
        read_only=True,
        help_text="the version in force on the day asked (today by default)",
    )
    current_effective_on = serializers.DateField(allow_null=True, read_only=True)
    current_version_id = serializers.UUIDField(allow_null=True, read_only=True)

    class Meta:
        model = RuleDocument
        fields = [
            "id",
            "title",
            "category",
            "version_count",
            "current_version",
            "current_effective_on",
            "current_version_id",
            "created_at",
            "updated_at",
        ]


class RuleDocumentInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    category = serializers.ChoiceField(choices=RuleDocument._meta.get_field("category").choices)
    effective_on = serializers.DateField()
    text = serializers.CharField(required=False, allow_blank=True, default="")
    change_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    file = serializers.FileField(required=False, allow_null=True)


class RuleDocumentChange(serializers.ModelSerializer):
    class Meta:
        model = RuleDocument
        fields = ["title", "category"]
        # Uniqueness is checked by the service, with a message that says what to do instead.
        validators = []
        extra_kwargs = {"title": {"validators": []}}


class RuleDocumentListBase(ResourceListCreateApi):
    """Not plain: a new document may come with its first version's file (multipart)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]


@extend_schema(tags=["governance"], parameters=[ON_PARAM])
@extend_schema_view(get=extend_schema(responses={200: RuleDocumentOutput, 400: ErrorSerializer}))
class RuleDocumentDetailApi(ResourceDetailApi):
    """Not plain: the detail reads the version in force on `?on=` (today by default), and is renamed
    or recategorized with an input of its own (its versions are added one by one)."""

    resource = rule_documents
    output_serializer = RuleDocumentOutput
    input_serializer = RuleDocumentChange
    http_method_names = ["get", "patch", "head", "options"]  # every version is kept: no delete

    def selector(self):
        return selectors.rule_document_list(on=_date_param(self.request, "on"))


RuleDocumentListApi, _unused_detail = resource_api(
    rule_documents,
    output=RuleDocumentOutput,
    input=RuleDocumentInput,
    tag="governance",
    list_base=RuleDocumentListBase,
)


class RuleVersionInput(serializers.Serializer):
    effective_on = serializers.DateField()
    text = serializers.CharField(required=False, allow_blank=True, default="")
    change_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    file = serializers.FileField(required=False, allow_null=True)


@extend_schema(tags=["governance"])
class RuleVersionsApi(generics.ListCreateAPIView):
    """Every version of a document, newest first; POST appends a new one (text and/or a file)."""

    serializer_class = RuleVersionOutput
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _document(self):
        return rule_documents.get_for(self.request.user, self.kwargs["id"])

    def get_serializer_class(self):
        return (
            RuleVersionInput
            if self.request is not None and self.request.method == "POST"
            else RuleVersionOutput
        )

    def get_queryset(self):
        return selectors.rule_versions(self._document())

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), "attachments": selectors.version_attachments(page)}
        return self.get_paginated_response(RuleVersionOutput(page, many=True, context=context).data)

    @extend_schema(request=RuleVersionInput, responses={201: RuleVersionOutput})
    def post(self, request, id):
        document = self._document()
        if not rule_policy.can_change(request.user, document):
            raise PermissionDenied()
        data = RuleVersionInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        upload = values.pop("file", None)
        try:
            version = services.rule_version_add(document, actor=request.user, upload=upload, **values)
        except DjangoValidationError as exc:
            raise _drf(exc)
        return Response(RuleVersionOutput(version).data, status=status.HTTP_201_CREATED)


# --- Information reports --------------------------------------------------------------------------


class ReportStatusChangeOutput(serializers.ModelSerializer):
    changed_by = PersonSummary(allow_null=True)

    class Meta:
        model = ReportStatusChange
        fields = ["from_status", "to_status", "changed_at", "changed_by"]


class InfoReportOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    submitted_by = PersonSummary(allow_null=True)
    is_late = serializers.BooleanField(
        read_only=True, help_text="submitted after the due date, or not submitted and past it"
    )
    history = ReportStatusChangeOutput(source="status_changes", many=True, read_only=True)

    class Meta:
        model = InfoReport
        fields = [
            "id",
            "kind",
            "title",
            "school_year",
            "term",
            "period_start",
            "period_end",
            "due_on",
            "status",
            "content",
            "submitted_at",
            "submitted_by",
            "is_late",
            "history",
            "created_at",
            "updated_at",
        ]


class InfoReportInput(serializers.ModelSerializer):
    class Meta:
        model = InfoReport
        fields = ["kind", "title", "school_year", "term", "period_start", "period_end", "due_on", "content"]
        validators = []  # the service names a clash of kind and period by field


class ReportSubmitInput(serializers.Serializer):
    content = serializers.CharField(
        required=False, allow_blank=True, help_text="replaces the draft's content if given"
    )


@extend_schema(tags=["governance"], request=ReportSubmitInput, responses={200: InfoReportOutput})
class InfoReportSubmitApi(APIView):
    """Draft → submitted, recording when and by whom."""

    def post(self, request, id):
        report = info_reports.get_for(request.user, id)
        if not report_policy.can_change(request.user, report):
            raise PermissionDenied()
        data = ReportSubmitInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        try:
            report = services.report_submit(
                report, actor=request.user, content=data.validated_data.get("content")
            )
        except DjangoValidationError as exc:
            raise _drf(exc)
        return Response(InfoReportOutput(info_reports.reload(report)).data)


urlpatterns = [
    *resource_urls(group_members, output=GroupMemberOutput, input=GroupMemberInput, tag="governance"),
    path(
        "group-members/<uuid:id>/history/", GroupMemberHistoryApi.as_view(), name="api-group-member-history"
    ),
    *resource_urls(group_attendees, output=GroupAttendeeOutput, input=GroupAttendeeInput, tag="governance"),
    path(
        "group-attendees/<uuid:id>/history/",
        GroupAttendeeHistoryApi.as_view(),
        name="api-group-attendee-history",
    ),
    *resource_urls(plans, output=WorkPlanOutput, input=WorkPlanInput, tag="governance"),
    path("plans/<uuid:id>/approve/", WorkPlanApproveApi.as_view(), name="api-plan-approve"),
    path("plans/<uuid:id>/start/", WorkPlanStartApi.as_view(), name="api-plan-start"),
    path("plans/<uuid:id>/close/", WorkPlanCloseApi.as_view(), name="api-plan-close"),
    path("plans/<uuid:id>/tasks/", WorkPlanTasksApi.as_view(), name="api-plan-tasks"),
    path("rule-documents/", RuleDocumentListApi.as_view(), name="api-rule-documents"),
    path("rule-documents/<uuid:id>/", RuleDocumentDetailApi.as_view(), name="api-rule-document"),
    path("rule-documents/<uuid:id>/versions/", RuleVersionsApi.as_view(), name="api-rule-document-versions"),
    *resource_urls(info_reports, output=InfoReportOutput, input=InfoReportInput, tag="governance"),
    path("info-reports/<uuid:id>/submit/", InfoReportSubmitApi.as_view(), name="api-info-report-submit"),
]
