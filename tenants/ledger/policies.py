"""Who sees and changes tasks and meetings."""

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

    def can_add_note(self, user, task) -> bool:
        return self.can_change(user, task)


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
meeting_policy = MeetingPolicy()
