"""Task ledger and meetings API."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import as_drf_validation_error as _drf
from api.school.base import ResourceDetailApi, resource_urls
from api.school.fields import PersonField, PersonSummary, ref
from tenants.governance.models import Plan
from tenants.ledger import services
from tenants.ledger.models import Meeting, MeetingActionItem, Task
from tenants.ledger.resources import meetings, tasks


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


class TaskDetailBase(ResourceDetailApi):
    """Not plain: the responsible person may PATCH only a task's progress (status, description);
    its owner, due date and the rest are for managers (403 naming the fields)."""

    def update_service(self, obj, *, actor, data):
        if not tasks.policy.can_reassign(actor, obj):
            restricted = set(data) - {"status", "description"}
            if restricted:
                raise PermissionDenied("只有组长和秘书可以修改这些字段：" + "、".join(sorted(restricted)))
        return super().update_service(obj, actor=actor, data=data)


class NoteSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    text = serializers.CharField()
    author = PersonSummary(source="created_by", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


@extend_schema(tags=["ledger"])
class TaskNotesApi(APIView):
    serializer_class = NoteSerializer

    def _task(self, request, id):
        return tasks.get_for(request.user, id)

    @extend_schema(responses=NoteSerializer(many=True))
    def get(self, request, id):
        task = self._task(request, id)
        return Response(NoteSerializer(task.notes.select_related("created_by"), many=True).data)

    @extend_schema(request=NoteSerializer, responses={201: NoteSerializer})
    def post(self, request, id):
        task = self._task(request, id)
        if not tasks.policy.can_add_note(request.user, task):
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


class RecordInput(serializers.Serializer):
    minutes = serializers.CharField()
    attended = PersonField(many=True, required=False)
    decisions = serializers.ListField(child=serializers.CharField(), required=False)


class ActionItemInput(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    owner = PersonField()
    due_on = serializers.DateField()


def _meeting_for_change(request, id):
    meeting = meetings.get_for(request.user, id)
    if not meetings.policy.can_change(request.user, meeting):
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
        return Response(MeetingOutput(meetings.reload(meeting)).data)


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
        visible = MeetingActionItem.objects.filter(meeting__in=meetings.queryset(request.user))
        item = get_object_or_404(visible, public_id=id)
        if not meetings.policy.can_change(request.user, item.meeting):
            raise PermissionDenied()
        try:
            task = services.action_item_to_task(item, actor=request.user)
        except DjangoValidationError as exc:
            raise _drf(exc)
        return Response(TaskOutput(tasks.reload(task)).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    *resource_urls(tasks, output=TaskOutput, input=TaskInput, tag="ledger", detail_base=TaskDetailBase),
    path("tasks/<uuid:id>/notes/", TaskNotesApi.as_view(), name="api-task-notes"),
    *resource_urls(meetings, output=MeetingOutput, input=MeetingInput, tag="meetings"),
    path("meetings/<uuid:id>/record/", MeetingRecordApi.as_view(), name="api-meeting-record"),
    path(
        "meetings/<uuid:id>/action-items/", MeetingActionItemsApi.as_view(), name="api-meeting-action-items"
    ),
    path("action-items/<uuid:id>/to-task/", ActionItemToTaskApi.as_view(), name="api-action-item-to-task"),
]
