"""Who may do what in the workspace (issue rules, in one place)."""

from shared.accounts.roles import SchoolRole as R

# The principal and the secretary manage everything in the workspace.
MANAGERS = (R.PRINCIPAL, R.SECRETARY)
# Everyone on the staff side reads the workspace: not invited attendees, not the school admin
# (who manages accounts only).
STAFF = (R.PRINCIPAL, R.DEPUTY, R.MEMBER, R.SECRETARY, R.PSYCHOLOGY_TEACHER, R.COUNSELOR, R.HOMEROOM_TEACHER)
ALL_SCHOOL_ROLES = tuple(R)


def is_manager(user) -> bool:
    return user.is_authenticated and user.has_role(*MANAGERS)


def is_staff_reader(user) -> bool:
    return user.is_authenticated and user.has_role(*STAFF)
