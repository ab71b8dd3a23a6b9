"""The school admin manages accounts, and only accounts."""

from shared.accounts.roles import CLINICAL_READER_ROLES, STAFF_ROLES, SchoolRole
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


class AccountEventPolicy(Policy):
    """Privilege changes: read by the people told of each (the principal and the care team) and by
    the school admin who makes them; written only by the account services, never by hand."""

    read_roles = (*CLINICAL_READER_ROLES, SchoolRole.SCHOOL_ADMIN)

    def can_create(self, user) -> bool:
        return False

    def can_change(self, user, obj) -> bool:
        return False


account_policy = AccountPolicy()
account_event_policy = AccountEventPolicy()
people_policy = PeoplePolicy()
