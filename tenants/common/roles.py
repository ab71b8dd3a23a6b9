"""Who may do what in the workspace (issue rules, in one place)."""

from shared.accounts.roles import MANAGER_ROLES, STAFF_ROLES, SchoolRole

MANAGERS = MANAGER_ROLES
STAFF = STAFF_ROLES
ALL_SCHOOL_ROLES = tuple(SchoolRole)


def is_manager(user) -> bool:
    return user.is_authenticated and user.has_role(*MANAGERS)


def is_staff_reader(user) -> bool:
    return user.is_authenticated and user.has_role(*STAFF)
