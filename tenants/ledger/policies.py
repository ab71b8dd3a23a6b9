"""Who sees and changes tasks, their progress notes and meetings."""

from django.db.models import Q

from shared.accounts.roles import SchoolRole
from tenants.common.policy import Policy
from tenants.common.roles import STAFF


class TaskPolicy(Policy):
    """Staff read the ledger. Managers change any task; the responsible person updates their own."""

    def can_change(self, user, obj) -> bool:
        return super().can_change(user, obj) or (user.is_authenticated and obj.owner_id == user.pk)

    def can_delete(self, user, obj) -> bool:
        return super().can_change(user, obj)

    def can_reassign(self, user, obj) -> bool:
        """Who may change more than a task's progress (status and description): its owner, due date,
        priority, plan... Managers only; the responsible person updates progress."""
        return super().can_change(user, obj)

    def can_add_note(self, user, task) -> bool:
        return self.can_change(user, task)


class ProgressNotePolicy(Policy):
    """A progress note, and the evidence files attached to it, are seen by whoever sees its task."""

    def can_read(self, user) -> bool:
        return task_policy.can_read(user)

    def visible(self, user, queryset):
        from tenants.ledger.models import Task

        return queryset.filter(task__in=task_policy.visible(user, Task.objects.all()))

    def can_create(self, user) -> bool:
        return False  # notes are added to one task (TaskPolicy.can_add_note)

    def can_change(self, user, obj) -> bool:
        return False


class MeetingPolicy(Policy):
    """Staff see every meeting; invited attendees only the meetings they are invited to."""

    def can_read(self, user) -> bool:
        return user.is_authenticated and user.has_role(*STAFF, SchoolRole.INVITED_ATTENDEE)

    def visible(self, user, queryset):
        if not self.can_read(user):
            return queryset.none()
        if user.has_role(*STAFF):
            return queryset
        return queryset.filter(Q(invitations__person=user)).distinct()


task_policy = TaskPolicy()
progress_note_policy = ProgressNotePolicy()
meeting_policy = MeetingPolicy()
