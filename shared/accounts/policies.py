"""The school admin manages accounts, and only accounts."""

from shared.accounts.roles import STAFF_ROLES, SchoolRole
from shared.policy import Policy


class AccountPolicy(Policy):
    read_roles = (SchoolRole.SCHOOL_ADMIN,)
    manage_roles = (SchoolRole.SCHOOL_ADMIN,)


class PeoplePolicy(Policy):
    """The staff directory used to pick owners, chairs and invitees: read-only."""

    read_roles = STAFF_ROLES

    def can_create(self, user) -> bool:
        return False

    def can_change(self, user, obj) -> bool:
        return False


account_policy = AccountPolicy()
people_policy = PeoplePolicy()
