"""Who may do what with notices and group robots.

District host: every district role reads notices and their read receipts; the district admin sends
notices and configures the district's robot. School host: the leadership group (principal, deputy,
member, secretary) reads the notices addressed to its school; the principal and the secretary make a
ledger task of one; the school admin or the principal configures the school's robot. Any signed-in
account of an addressed school may download its attachments. Everyone else gets 404.
"""

from shared.accounts.roles import DistrictRole, SchoolRole
from shared.policy import user_guard

DISTRICT_READERS = tuple(DistrictRole)
DISTRICT_SENDERS = (DistrictRole.DISTRICT_ADMIN,)
LEADERSHIP = (SchoolRole.PRINCIPAL, SchoolRole.DEPUTY, SchoolRole.MEMBER, SchoolRole.SECRETARY)
TASK_MAKERS = (SchoolRole.PRINCIPAL, SchoolRole.SECRETARY)
SCHOOL_ROBOT_KEEPERS = (SchoolRole.SCHOOL_ADMIN, SchoolRole.PRINCIPAL)


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def on_district(request) -> bool:
    return getattr(request, "tenant", None) is None


def can_read_district(user) -> bool:
    return _signed_in(user) and user.has_role(*DISTRICT_READERS)


def can_send(user) -> bool:
    return _signed_in(user) and user.has_role(*DISTRICT_SENDERS)


def can_read_school(user) -> bool:
    return _signed_in(user) and user.has_role(*LEADERSHIP)


def can_make_task(user) -> bool:
    return _signed_in(user) and user.has_role(*TASK_MAKERS)


def can_keep_school_robot(user) -> bool:
    return _signed_in(user) and user.has_role(*SCHOOL_ROBOT_KEEPERS)


class DistrictReaders:
    @staticmethod
    def can_read(user) -> bool:
        return can_read_district(user)


class SchoolLeadership:
    @staticmethod
    def can_read(user) -> bool:
        return can_read_school(user)


# Pages of this area: signed in, and the check passes; else 404 (shared.policy).
guarded = user_guard
