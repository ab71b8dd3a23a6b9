"""Who sees and keeps partnerships between schools (校际合作).

School host: the leadership group (principal, deputy, group member, secretary) reads the
partnerships its school is part of, whichever of the two recorded it; the principal, the deputy and
the secretary record new ones and edit them (either school may edit). No other school sees them:
another school's partnership answers 404, like a missing one. Other school roles (the care team,
homeroom teachers, invited attendees, the school admin) do not see the page (404).
District host: every district role reads every partnership; nobody on the district host writes.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from directory.access import active_user, current_school
from directory.models import Partnership
from directory.partnership_selectors import partnerships
from shared.accounts.roles import DistrictRole, SchoolRole

DISTRICT_READERS = tuple(DistrictRole)
SCHOOL_READERS = (SchoolRole.PRINCIPAL, SchoolRole.DEPUTY, SchoolRole.MEMBER, SchoolRole.SECRETARY)
SCHOOL_KEEPERS = (SchoolRole.PRINCIPAL, SchoolRole.DEPUTY, SchoolRole.SECRETARY)


class PartnershipPolicy:
    def can_read(self, user) -> bool:
        if not active_user(user):
            return False
        if current_school() is None:
            return user.has_role(*DISTRICT_READERS)
        return user.has_role(*SCHOOL_READERS)

    def visible(self, user, queryset):
        if not self.can_read(user):
            return queryset.none()
        school = current_school()
        if school is None:
            return queryset
        return queryset.filter(Q(school=school) | Q(partner=school))

    def can_create(self, user) -> bool:
        return active_user(user) and current_school() is not None and user.has_role(*SCHOOL_KEEPERS)

    def can_change(self, user, obj) -> bool:
        school = current_school()
        return self.can_create(user) and school.pk in (obj.school_id, obj.partner_id)

    def can_delete(self, user, obj) -> bool:
        return False


partnership_policy = PartnershipPolicy()


def partnership_get_for(user, public_id) -> Partnership:
    """The partnership, if `user` may read it here; Http404 for missing and not-yours alike."""
    try:
        return partnership_policy.visible(user, partnerships()).get(public_id=public_id)
    except (Partnership.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
