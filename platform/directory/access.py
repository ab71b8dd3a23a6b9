"""Who sees and keeps directory entries.

School host: the staff read the district's entries and their own school's local entries (never
another school's); the principal, the secretary and the care team (psychology teachers, counselors)
add and edit their school's local entries. District host: every district role reads every entry;
the district admin keeps the district's entries. Local entries of a school are kept by that school.
"""

from django.db import connection
from django.db.models import Q

from shared.accounts.roles import STAFF_ROLES, DistrictRole, SchoolRole

DISTRICT_READERS = tuple(DistrictRole)
DISTRICT_KEEPERS = (DistrictRole.DISTRICT_ADMIN,)
SCHOOL_KEEPERS = (
    SchoolRole.PRINCIPAL,
    SchoolRole.SECRETARY,
    SchoolRole.PSYCHOLOGY_TEACHER,
    SchoolRole.COUNSELOR,
)


def current_school():
    """The school of the current connection (django-tenants sets it from the host), or None."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or connection.schema_name == "public":
        return None
    return tenant


def active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


class EntryPolicy:
    def can_read(self, user) -> bool:
        if not active_user(user):
            return False
        if current_school() is None:
            return user.has_role(*DISTRICT_READERS)
        return user.has_role(*STAFF_ROLES)

    def visible(self, user, queryset):
        if not self.can_read(user):
            return queryset.none()
        school = current_school()
        if school is None:
            return queryset
        return queryset.filter(Q(school__isnull=True) | Q(school=school))

    def can_create(self, user) -> bool:
        if not active_user(user):
            return False
        if current_school() is None:
            return user.has_role(*DISTRICT_KEEPERS)
        return user.has_role(*SCHOOL_KEEPERS)

    def can_change(self, user, obj) -> bool:
        if not self.can_create(user):
            return False
        school = current_school()
        return obj.school_id is None if school is None else obj.school_id == school.pk

    def can_delete(self, user, obj) -> bool:
        return self.can_change(user, obj)


entry_policy = EntryPolicy()
