"""Who may do what with the library.

District host: every district role reads the library; district admins and reviewers publish items
and review schools' proposals; the analyst only reads.
School host: the staff read what is published and their own school's proposals (never another
school's pending or returned ones). The principal, the deputy, the secretary and the psychology
teacher propose their school's records (each only records their own area lets them read). An
import creates a record through the owning area's service, so it needs that area's write right:
managers (principal, secretary) import activities, units and plan templates; the care team
(psychology teacher, counselor) imports instruments.
"""

from shared.accounts.roles import STAFF_ROLES, DistrictRole, SchoolRole
from shared.policy import view_guard

DISTRICT_READERS = tuple(DistrictRole)
DISTRICT_PUBLISHERS = (DistrictRole.DISTRICT_ADMIN, DistrictRole.DISTRICT_REVIEWER)
SCHOOL_READERS = STAFF_ROLES
PROPOSER_ROLES = (
    SchoolRole.PRINCIPAL,
    SchoolRole.DEPUTY,
    SchoolRole.SECRETARY,
    SchoolRole.PSYCHOLOGY_TEACHER,
)


def _has(user, roles) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*roles))


def _on_district(request) -> bool:
    return getattr(request, "tenant", None) is None


def can_read_district(request) -> bool:
    return _on_district(request) and _has(request.user, DISTRICT_READERS)


def can_publish(request) -> bool:
    return _on_district(request) and _has(request.user, DISTRICT_PUBLISHERS)


def can_read_school(request) -> bool:
    return not _on_district(request) and _has(request.user, SCHOOL_READERS)


def can_propose(request) -> bool:
    return not _on_district(request) and _has(request.user, PROPOSER_ROLES)


# Pages of this area: signed in, and the check passes; else 404 (shared.policy).
guarded = view_guard
