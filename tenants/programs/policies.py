"""Who reads and writes the programs area.

Principal and secretary manage everything; other staff read. Homeroom teachers (班主任) also record
their classes' activities: they create themed class meetings (主题班会) and edit the ones they
organise, never other people's.
"""

from shared.accounts.roles import SchoolRole
from tenants.common.policy import ManagedPolicy, Policy
from tenants.common.roles import is_manager
from tenants.programs.models import ActivityKind


class ActivityPolicy(Policy):
    def can_create(self, user) -> bool:
        return super().can_create(user) or (
            user.is_authenticated and user.has_role(SchoolRole.HOMEROOM_TEACHER)
        )

    def can_change(self, user, obj) -> bool:
        if super().can_change(user, obj):
            return True
        return (
            user.is_authenticated
            and user.has_role(SchoolRole.HOMEROOM_TEACHER)
            and obj.organiser_id == user.pk
            and obj.kind == ActivityKind.CLASS_MEETING
        )

    def can_delete(self, user, obj) -> bool:
        return is_manager(user)

    def manages_all(self, user) -> bool:
        """Managers may record any kind of activity for any organiser; homeroom teachers may not."""
        return is_manager(user)


managed_policy = ManagedPolicy()
activity_policy = ActivityPolicy()
