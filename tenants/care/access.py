"""Need to know: who may see what of a student's care (issue 4, point 7), in one place.

- Psychology teachers and counselors (the care team) read clinical detail: answers, notes,
  narratives.
- The principal sees case status and level, never notes, unless they open one case's detail with
  a stated reason (break-glass, audited and shown to the counselors).
- Homeroom teachers see the students of their own classes, submit observations and referrals, and
  see only whether a student is being followed, and only while the student is in one of their
  classes (`sees_followed`, `annotate_followed`).
- The secretary keeps the roster (names, classes, guardians) and sees nothing clinical.
- Every other role sees nothing of this.
Anything outside what a person may see answers 404, the same as a missing object.
"""

from shared.accounts.roles import SchoolRole
from shared.policy import Policy

CARE_TEAM = (SchoolRole.PSYCHOLOGY_TEACHER, SchoolRole.COUNSELOR)
STATUS_READERS = (SchoolRole.PRINCIPAL, *CARE_TEAM)
ROSTER_MANAGERS = (SchoolRole.PRINCIPAL, SchoolRole.SECRETARY, *CARE_TEAM)
ROSTER_READERS = (*ROSTER_MANAGERS, SchoolRole.HOMEROOM_TEACHER)
# Accounts that can read clinical detail (STATUS_READERS) sign in with a second factor:
# shared.accounts.roles.SECOND_FACTOR_ROLES, enforced by shared.accounts.second_factor.


def _has(user, roles) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*roles))


def reads_clinical(user) -> bool:
    return _has(user, CARE_TEAM)


def reads_status(user) -> bool:
    """Case status and attention level, without notes: the principal and the care team."""
    return _has(user, STATUS_READERS)


def manages_roster(user) -> bool:
    return _has(user, ROSTER_MANAGERS)


def is_homeroom_only(user) -> bool:
    """A homeroom teacher who holds no role that sees the whole roster."""
    return _has(user, (SchoolRole.HOMEROOM_TEACHER,)) and not _has(user, ROSTER_MANAGERS)


def visible_students(user, queryset, *, student_field: str = ""):
    """Narrow a queryset of students (or of rows about students, through `student_field`, e.g.
    "student") to those the user may know exist."""
    prefix = f"{student_field}__" if student_field else ""
    if _has(user, ROSTER_MANAGERS):
        return queryset
    if _has(user, (SchoolRole.HOMEROOM_TEACHER,)):
        return queryset.filter(**{f"{prefix}school_class__homeroom_teacher": user})
    return queryset.none()


def sees_followed(user, student) -> bool:
    """Whether `user` may learn if `student` is being followed (关注中): the principal and the care
    team for any student; a homeroom teacher only while the student is in a class they lead now,
    so the answer stops when the student moves to another class. Everyone else: never. A student
    loaded with `select_related("school_class")` costs no query."""
    if reads_status(user):
        return True
    if _has(user, (SchoolRole.HOMEROOM_TEACHER,)):
        school_class = student.school_class
        return school_class is not None and school_class.homeroom_teacher_id == user.pk
    return False


def annotate_followed(user, queryset, *, student_field: str = ""):
    """Annotate `followed` on students (or on rows about students, through `student_field`): True or
    False where `user` may know it (the rule of `sees_followed`, by the student's current class),
    None where not."""
    from django.db.models import BooleanField, Case, Exists, OuterRef, Value, When

    from tenants.care.models import CareRecord

    prefix = f"{student_field}__" if student_field else ""
    followed = Exists(
        CareRecord.objects.filter(student=OuterRef(student_field or "pk")).exclude(level="none")
    )
    if reads_status(user):
        return queryset.annotate(followed=followed)
    unknown = Value(None, output_field=BooleanField(null=True))
    if _has(user, (SchoolRole.HOMEROOM_TEACHER,)):
        return queryset.annotate(
            followed=Case(
                When(**{f"{prefix}school_class__homeroom_teacher": user}, then=followed),
                default=unknown,
                output_field=BooleanField(null=True),
            )
        )
    return queryset.annotate(followed=unknown)


class ClinicalPolicy(Policy):
    """Clinical records (screening answers, counseling notes, plans, referrals): the care team
    reads and writes; everyone else finds nothing."""

    read_roles = CARE_TEAM
    manage_roles = CARE_TEAM


class StatusPolicy(Policy):
    """Status without clinical text (crisis cases, screening campaigns, the instrument registry):
    the principal and the care team read; the care team writes."""

    read_roles = STATUS_READERS
    manage_roles = CARE_TEAM


clinical_policy = ClinicalPolicy()


class RetentionPolicy(Policy):
    """How long records are kept: the principal and the care team read it, the principal sets it."""

    read_roles = (SchoolRole.PRINCIPAL, *CARE_TEAM)
    manage_roles = (SchoolRole.PRINCIPAL,)


retention_policy = RetentionPolicy()
