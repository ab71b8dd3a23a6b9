"""Who at the district may use which console page.

- The district admin manages schools, district accounts, periods and reads the audit log.
- The analyst reads the schools' table and the audit log.
- The reviewer (and the admin) works through the review queue.
School accounts live in other schemas and never reach these checks with a district role.
Someone without the role gets 404, the same as a page that does not exist.
"""

from shared.accounts.roles import DistrictRole
from shared.policy import view_guard

ADMIN = (DistrictRole.DISTRICT_ADMIN,)
READERS = (DistrictRole.DISTRICT_ADMIN, DistrictRole.DISTRICT_ANALYST)
REVIEWERS = (DistrictRole.DISTRICT_ADMIN, DistrictRole.DISTRICT_REVIEWER)


def _has(user, roles) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*roles))


def is_console_admin(user) -> bool:
    return _has(user, ADMIN)


def is_console_reader(user) -> bool:
    return _has(user, READERS)


def is_reviewer(user) -> bool:
    return _has(user, REVIEWERS)


def _guarded(check):
    """Console pages: the district host only, and `check(user)`; else 404."""
    return view_guard(lambda request: getattr(request, "tenant", None) is None and check(request.user))


console_admin = _guarded(is_console_admin)
console_reader = _guarded(is_console_reader)
reviewer = _guarded(is_reviewer)


class _RolePolicy:
    """The policy of console pages built on shared.pages: read by `read_roles`, written by the admin."""

    def __init__(self, read_roles):
        self.read_roles = read_roles

    def can_read(self, user) -> bool:
        return _has(user, self.read_roles)

    def visible(self, user, queryset):
        return queryset if self.can_read(user) else queryset.none()

    def can_create(self, user) -> bool:
        return is_console_admin(user)

    def can_change(self, user, obj) -> bool:
        return is_console_admin(user)


readers_policy = _RolePolicy(READERS)
admin_policy = _RolePolicy(ADMIN)
