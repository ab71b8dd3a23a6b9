"""Roles. A person may hold several; which set applies depends on the site they belong to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SchoolRole(models.TextChoices):
    PRINCIPAL = "principal", _("Principal (group leader)")
    DEPUTY = "deputy", _("Deputy leader")
    MEMBER = "member", _("Group member")
    SECRETARY = "secretary", _("Secretary")
    PSYCHOLOGY_TEACHER = "psychology_teacher", _("Psychology teacher")
    COUNSELOR = "counselor", _("Counselor")
    HOMEROOM_TEACHER = "homeroom_teacher", _("Homeroom teacher")
    INVITED_ATTENDEE = "invited_attendee", _("Invited attendee")
    SCHOOL_ADMIN = "school_admin", _("School administrator")


class DistrictRole(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    DISTRICT_ANALYST = "district_analyst", _("District analyst")
    # Reviews what schools propose to share: library items, case studies, reported posts.
    DISTRICT_REVIEWER = "district_reviewer", _("District reviewer")


ALL_ROLE_CHOICES = list(SchoolRole.choices) + list(DistrictRole.choices)
ALL_ROLES = [value for value, _label in ALL_ROLE_CHOICES]


def role_labels(roles) -> str:
    """School roles as people read them, joined with 、 (an unknown value is shown as it is)."""
    labels = dict(SchoolRole.choices)
    return "、".join(str(labels.get(role, role)) for role in roles)


# The principal and the secretary manage everything in the workspace.
MANAGER_ROLES = (SchoolRole.PRINCIPAL, SchoolRole.SECRETARY)
# Everyone on the staff side reads the workspace: not invited attendees, not the school admin
# (who manages accounts only).
STAFF_ROLES = (
    SchoolRole.PRINCIPAL,
    SchoolRole.DEPUTY,
    SchoolRole.MEMBER,
    SchoolRole.SECRETARY,
    SchoolRole.PSYCHOLOGY_TEACHER,
    SchoolRole.COUNSELOR,
    SchoolRole.HOMEROOM_TEACHER,
)

# Roles that read clinical detail or case status about students (tenants.care.access.STATUS_READERS):
# the principal and the care team. Nobody grants one to themselves; every grant of one, like every
# second-factor reset and password link, is recorded (AccountEvent) and announced to these roles.
CLINICAL_READER_ROLES = (SchoolRole.PRINCIPAL, SchoolRole.PSYCHOLOGY_TEACHER, SchoolRole.COUNSELOR)
# Accounts that can read clinical detail about students sign in with a second factor (TOTP), set up
# at their first sign-in.
SECOND_FACTOR_ROLES = CLINICAL_READER_ROLES
