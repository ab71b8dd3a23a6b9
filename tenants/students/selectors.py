"""Read use cases of the roster."""

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When

from shared.accounts.models import User
from shared.accounts.roles import SchoolRole
from tenants.students.models import ClassMove, SchoolClass, Student


def students(*, include_archived: bool = True) -> QuerySet:
    qs = Student.objects.select_related("school_class", "school_class__homeroom_teacher")
    if not include_archived:
        qs = qs.filter(status="active")
    return qs


def being_followed(queryset: QuerySet) -> QuerySet:
    """Annotate `being_followed`: True when the student's care record level is not "none".

    This is all a homeroom teacher learns of a student's care (关注中 yes/no), never the level."""
    return queryset.annotate(
        being_followed=Case(
            When(Q(care_record__isnull=False) & ~Q(care_record__level="none"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def with_attention_level(queryset: QuerySet) -> QuerySet:
    """The current attention level (for the principal and the care team only)."""
    from django.db.models import F
    from django.db.models.functions import Coalesce

    return queryset.annotate(attention_level=Coalesce(F("care_record__level"), Value("none")))


def classes() -> QuerySet:
    """Classes with their homeroom teacher and student counts (active and archived)."""
    return (
        SchoolClass.objects.select_related("homeroom_teacher")
        .annotate(
            active_count=Count("students", filter=Q(students__status="active")),
            archived_count=Count("students", filter=Q(students__status="archived")),
        )
        .order_by("grade", "name")
    )


def homeroom_teacher_choices() -> QuerySet:
    return User.objects.filter(is_active=True, roles__contains=[SchoolRole.HOMEROOM_TEACHER]).order_by(
        "username"
    )


def class_moves_of(student: Student) -> QuerySet:
    return ClassMove.objects.filter(student=student).select_related("from_class", "to_class", "moved_by")


# The grades each type of school teaches.
GRADES_BY_SCHOOL_TYPE = {
    "primary": range(1, 7),
    "junior": range(7, 10),
    "senior": range(10, 13),
    "nine_year": range(1, 10),
    "twelve_year": range(1, 13),
    "special": range(1, 13),
}


def school_type() -> str | None:
    """The current school's type, from the registry: the request's tenant is built from the
    routing cache and carries only what routing needs."""
    from django.db import connection
    from django_tenants.utils import get_tenant_model

    return (
        get_tenant_model()
        .objects.filter(schema_name=connection.schema_name)
        .values_list("school_type", flat=True)
        .first()
    )


def school_grades() -> range:
    return GRADES_BY_SCHOOL_TYPE.get(school_type() or "", range(1, 13))


def grade_problem(grade, grades: range | None = None) -> str | None:
    """Why this grade does not belong in this school, or None. Pass `grades` (school_grades())
    when checking many rows, to look the school up once."""
    from django.utils.translation import gettext as _

    from district.models import SchoolType

    grades = grades if grades is not None else school_grades()
    if grade is None or grade in grades:
        return None
    return _("A %(type)s has grades %(first)d to %(last)d.") % {
        "type": dict(SchoolType.choices).get(school_type(), ""),
        "first": grades[0],
        "last": grades[-1],
    }


def student_search(prefix: str = ""):
    """A filter's `apply` that finds students by part of the name or student number; `prefix` is the
    path to the student from the rows filtered ("student__" for a student's records)."""

    def apply(queryset, value):
        return queryset.filter(
            Q(**{f"{prefix}name__icontains": value}) | Q(**{f"{prefix}student_number__icontains": value})
        )

    return apply
