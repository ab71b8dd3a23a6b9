"""Who may do what in crisis intervention (need to know, issue 4 point 7).

- Emergency plans hold no student data: every staff member reads them (homeroom teachers are often
  the first to respond); the principal and the care team write them.
- Cases: the care team reads everything and records steps; the principal reads status and level
  (detail only through break-glass); every other role finds nothing.
- Time limits and the duty roster: the principal and the care team read and change them.
"""

from shared.accounts.roles import STAFF_ROLES
from shared.policy import Policy
from tenants.care.access import STATUS_READERS, StatusPolicy


class PlanPolicy(Policy):
    read_roles = STAFF_ROLES
    manage_roles = STATUS_READERS


class TimeLimitPolicy(Policy):
    read_roles = STATUS_READERS
    manage_roles = STATUS_READERS

    def can_create(self, user) -> bool:
        return False  # the limits are one per level and step; they are changed, not added through the API

    def can_delete(self, user, obj) -> bool:
        return False


class DutyPolicy(Policy):
    read_roles = STATUS_READERS
    manage_roles = STATUS_READERS


plan_policy = PlanPolicy()
case_policy = StatusPolicy()
time_limit_policy = TimeLimitPolicy()
duty_policy = DutyPolicy()
