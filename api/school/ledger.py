"""Task ledger and meetings API."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import as_drf_validation_error as _drf
from api.school.base import ResourceDetailApi, ResourceListCreateApi
from api.school.fields import PersonField, PersonSummary, ref, uuid_param
from tenants.governance.models import Plan
from tenants.ledger import selectors, services
from tenants.ledger.models import Meeting, MeetingActionItem, Task
from tenants.ledger.policies import meeting_policy, task_policy


class TaskOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    owner = PersonSummary()
    plan = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
    meeting = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
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
            "plan",
            "meeting",
            "is_overdue",
            "completed_at",
            "created_at",
            "updated_at",
        ]


class TaskInput(serializers.ModelSerializer):
    owner = PersonField()
    plan = ref(Plan, required=False, allow_null=True)
    meeting = ref(Meeting, required=False, allow_null=True)

    class Meta:
        model = Task
        fields = [
            "title",
            "description",
            "owner",
            "due_on",
            "priority",
            "status",
            "department",
            "plan",
            "meeting",
        ]


@extend_schema(
    tags=["ledger"],
    parameters=[
        OpenApiParameter("owner", str, description="a person's id, or `me`"),
        OpenApiParameter("plan", str),
        OpenApiParameter("department", str),
        OpenApiParameter("status", str),
        OpenApiParameter("overdue", bool),
    ],
)
class TaskListApi(ResourceListCreateApi):
    policy = task_policy
    output_serializer = TaskOutput
    input_serializer = TaskInput

    def selector(self):
        qs = selectors.task_list()
        params = self.request.query_params
        owner = params.get("owner")
        if owner == "me":
            qs = qs.filter(owner=self.request.user)
        elif owner:
            qs = qs.filter(owner__public_id=uuid_param(owner, "owner"))
        if params.get("plan"):
            qs = qs.filter(plan__public_id=uuid_param(params["plan"], "plan"))
        if params.get("department"):
            qs = qs.filter(department=params["department"])
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("overdue") in ("true", "1"):
            qs = qs.filter(is_overdue=True)
        return qs

    def create_service(self, *, actor, data):
        task = services.task_create(actor=actor, **data)
        return selectors.task_list().get(pk=task.pk)


@extend_schema(tags=["ledger"])
class TaskDetailApi(ResourceDetailApi):
    policy = task_policy
    output_serializer = TaskOutput
    input_serializer = TaskInput

    def selector(self):
        return selectors.task_list()

    def update_service(self, obj, *, actor, data):
        if not actor.has_role("principal", "secretary"):
            # The responsible person updates progress, not who owns the task or when it is due.
            restricted = set(data) - {"status", "description"}
            if restricted:
                raise PermissionDenied("只有组长和秘书可以修改这些字段：" + "、".join(sorted(restricted)))
        services.task_update(obj, actor=actor, data=data)
        return selectors.task_list().get(pk=obj.pk)


class NoteSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    text = serializers.CharField()
    author = PersonSummary(source="created_by", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


@extend_schema(tags=["ledger"])
class TaskNotesApi(APIView):
    serializer_class = NoteSerializer

    def _task(self, request, id):
        return get_object_or_404(task_policy.visible(request.user, selectors.task_list()), public_id=id)

    @extend_schema(responses=NoteSerializer(many=True))
    def get(self, request, id):
        task = self._task(request, id)
        return Response(NoteSerializer(task.notes.select_related("created_by"), many=True).data)

    @extend_schema(request=NoteSerializer, responses={201: NoteSerializer})
    def post(self, request, id):
        task = self._task(request, id)
        if not task_policy.can_add_note(request.user, task):
            raise PermissionDenied()
        data = NoteSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        try:
            note = services.progress_note_add(actor=request.user, task=task, text=data.validated_data["text"])
        except DjangoValidationError as exc:
            raise _drf(exc)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class InvitationOutput(serializers.Serializer):
    person = PersonSummary()
    attended = serializers.BooleanField(allow_null=True)


class DecisionOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    text = serializers.CharField()


class ActionItemOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    owner = PersonSummary()
    task = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)

    class Meta:
        model = MeetingActionItem
        fields = ["id", "text", "owner", "due_on", "task"]


class MeetingOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    chair = PersonSummary()
    invitations = InvitationOutput(many=True)
    decisions = DecisionOutput(many=True)
    action_items = ActionItemOutput(many=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "starts_at",
            "ends_at",
            "location",
            "agenda",
            "chair",
            "status",
            "minutes",
            "invitations",
            "decisions",
            "action_items",
            "created_at",
            "updated_at",
        ]


class MeetingInput(serializers.ModelSerializer):
    chair = PersonField()
    invitees = PersonField(many=True, required=False)

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "location", "agenda", "chair", "invitees"]


@extend_schema(tags=["meetings"])
class MeetingListApi(ResourceListCreateApi):
    policy = meeting_policy
    output_serializer = MeetingOutput
    input_serializer = MeetingInput

    def selector(self):
        return selectors.meeting_list().prefetch_related(
            "decisions", "action_items__owner", "action_items__task"
        )

    def create_service(self, *, actor, data):
        return services.meeting_create(actor=actor, **data)


@extend_schema(tags=["meetings"])
class MeetingDetailApi(ResourceDetailApi):
    policy = meeting_policy
    output_serializer = MeetingOutput
    input_serializer = MeetingInput

    def selector(self):
        return selectors.meeting_list().prefetch_related(
            "decisions", "action_items__owner", "action_items__task"
        )

    def update_service(self, obj, *, actor, data):
        invitees = data.pop("invitees", None)
        return services.meeting_update(obj, actor=actor, data=data, invitees=invitees)


class RecordInput(serializers.Serializer):
    minutes = serializers.CharField()
    attended = PersonField(many=True, required=False)
    decisions = serializers.ListField(child=serializers.CharField(), required=False)


class ActionItemInput(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    owner = PersonField()
    due_on = serializers.DateField()


def _meeting_for_change(request, id):
    meeting = get_object_or_404(meeting_policy.visible(request.user, Meeting.objects.all()), public_id=id)
    if not meeting_policy.can_change(request.user, meeting):
        raise PermissionDenied()
    return meeting


@extend_schema(tags=["meetings"], request=RecordInput, responses={200: MeetingOutput})
class MeetingRecordApi(APIView):
    """Record that the meeting was held: minutes, attendance, decisions."""

    def post(self, request, id):
        meeting = _meeting_for_change(request, id)
        data = RecordInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        try:
            services.meeting_record(
                meeting,
                actor=request.user,
                minutes=data.validated_data["minutes"],
                attended_ids=[u.pk for u in data.validated_data.get("attended", [])],
                decisions=data.validated_data.get("decisions", []),
            )
        except DjangoValidationError as exc:
            raise _drf(exc)
        return Response(MeetingOutput(selectors.meeting_list().get(pk=meeting.pk)).data)


@extend_schema(tags=["meetings"], request=ActionItemInput, responses={201: ActionItemOutput})
class MeetingActionItemsApi(APIView):
    def post(self, request, id):
        meeting = _meeting_for_change(request, id)
        data = ActionItemInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        try:
            item = services.action_item_add(actor=request.user, meeting=meeting, **data.validated_data)
        except DjangoValidationError as exc:
            raise _drf(exc)
        return Response(ActionItemOutput(item).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["meetings"], request=None, responses={201: TaskOutput})
class ActionItemToTaskApi(APIView):
    """Turn a meeting's action item into a ledger task in one step."""

    def post(self, request, id):
        meetings = meeting_policy.visible(request.user, Meeting.objects.all())
        item = get_object_or_404(MeetingActionItem.objects.filter(meeting__in=meetings), public_id=id)
        if not meeting_policy.can_change(request.user, item.meeting):
            raise PermissionDenied()
        try:
            task = services.action_item_to_task(item, actor=request.user)
        except DjangoValidationError as exc:
            raise _drf(exc)
        return Response(
            TaskOutput(selectors.task_list().get(pk=task.pk)).data, status=status.HTTP_201_CREATED
        )


from django.urls import path  # noqa: E402

urlpatterns = [
    path("tasks/", TaskListApi.as_view(), name="api-tasks"),
    path("tasks/<uuid:id>/", TaskDetailApi.as_view(), name="api-task"),
    path("tasks/<uuid:id>/notes/", TaskNotesApi.as_view(), name="api-task-notes"),
    path("meetings/", MeetingListApi.as_view(), name="api-meetings"),
    path("meetings/<uuid:id>/", MeetingDetailApi.as_view(), name="api-meeting"),
    path("meetings/<uuid:id>/record/", MeetingRecordApi.as_view(), name="api-meeting-record"),
    path(
        "meetings/<uuid:id>/action-items/", MeetingActionItemsApi.as_view(), name="api-meeting-action-items"
    ),
    path("action-items/<uuid:id>/to-task/", ActionItemToTaskApi.as_view(), name="api-action-item-to-task"),
]
