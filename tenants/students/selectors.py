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
    return SchoolClass.objects.select_related("homeroom_teacher").annotate(
        active_count=Count("students", filter=Q(students__status="active")),
        archived_count=Count("students", filter=Q(students__status="archived")),
    ).order_by("grade", "name")


def homeroom_teacher_choices() -> QuerySet:
    return User.objects.filter(is_active=True, roles__contains=[SchoolRole.HOMEROOM_TEACHER]).order_by("username")


def class_moves_of(student: Student) -> QuerySet:
    return ClassMove.objects.filter(student=student).select_related("from_class", "to_class", "moved_by")
