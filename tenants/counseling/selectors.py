"""Read use cases of counseling: sessions, referrals, plans and the reviews due."""

from datetime import date, timedelta

from django.db.models import Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from shared.accounts.models import User
from shared.accounts.roles import SchoolRole
from tenants.care.access import visible_students
from tenants.care.models import PLAN_LEVELS
from tenants.counseling.models import CarePlan, CounselingSession, PlanReview, PlanStatus, Referral
from tenants.resources.models import RoomBooking
from tenants.resources.selectors import school_zone
from tenants.students.models import Student, StudentStatus

DUE_AHEAD_DAYS = 7
COUNSELOR_ROLES = (SchoolRole.COUNSELOR, SchoolRole.PSYCHOLOGY_TEACHER)


def school_today() -> date:
    """Today at the school (Asia/Shanghai), whichever time zone is active."""
    return timezone.localdate(timezone=school_zone())


def _any_role(roles) -> Q:
    condition = Q()
    for role in roles:
        condition |= Q(roles__contains=[role])
    return condition


def _active_people(condition: Q) -> QuerySet[User]:
    return User.objects.filter(condition, is_active=True).order_by("first_name", "username")


def counselors() -> QuerySet[User]:
    """Active accounts that may hold a session: counselors and psychology teachers."""
    return _active_people(_any_role(COUNSELOR_ROLES))


def may_own_plan(owner, student) -> bool:
    """A plan's owner reads it (goals and supports): only the care team and the student's own
    homeroom teacher may own one."""
    if owner is None or not owner.is_active:
        return False
    if owner.has_role(*COUNSELOR_ROLES):
        return True
    return student is not None and student.school_class.homeroom_teacher_id == owner.pk


def plan_owner_choices(*, student=None, students=None) -> QuerySet[User]:
    """Who may be chosen as a plan's owner: the care team, and the homeroom teacher of `student`
    (or of any of `students`, while the student is still to be chosen)."""
    condition = _any_role(COUNSELOR_ROLES)
    if student is not None:
        condition |= Q(pk=student.school_class.homeroom_teacher_id)
    elif students is not None:
        condition |= Q(pk__in=students.values("school_class__homeroom_teacher"))
    return _active_people(condition)


def plan_owners() -> QuerySet[User]:
    """The people who own a plan (for the plan table's owner filter)."""
    return User.objects.filter(pk__in=CarePlan.objects.values("owner")).order_by("first_name", "username")


def students_for(user) -> QuerySet[Student]:
    return visible_students(
        user, Student.objects.filter(status=StudentStatus.ACTIVE).select_related("school_class")
    )


def open_bookings() -> QuerySet[RoomBooking]:
    """Live (not cancelled) room bookings, from a month back to a month ahead."""
    now = timezone.now()
    return (
        RoomBooking.objects.filter(
            cancelled=False, starts_at__gte=now - timedelta(days=30), starts_at__lte=now + timedelta(days=30)
        )
        .select_related("room")
        .order_by("starts_at")
    )


def session_list() -> QuerySet[CounselingSession]:
    return CounselingSession.objects.filter(archived_at__isnull=True).select_related(
        "student", "student__school_class", "counselor", "booking", "booking__room"
    )


def referral_list() -> QuerySet[Referral]:
    return Referral.objects.filter(archived_at__isnull=True).select_related(
        "student", "student__school_class"
    )


def plan_list() -> QuerySet[CarePlan]:
    pending = PlanReview.objects.filter(plan=OuterRef("pk"), done_at__isnull=True).order_by("due_on")
    return (
        CarePlan.objects.filter(archived_at__isnull=True)
        .select_related("student", "student__school_class", "student__care_record", "owner")
        .annotate(next_review_on=Subquery(pending.values("due_on")[:1]))
    )


def students_needing_a_plan(user) -> QuerySet[Student]:
    """Active students at elevated attention or above with no active plan: the plans' to-do list."""
    return (
        students_for(user)
        .filter(care_record__level__in=PLAN_LEVELS)
        .exclude(care_plans__status=PlanStatus.ACTIVE)
        .select_related("care_record")
        .order_by("school_class__grade", "school_class__name", "student_number")
    )


def reviews_due_for(owner, *, today: date | None = None) -> list[PlanReview]:
    """Reviews of the owner's active plans due within a week (or overdue), not yet done."""
    today = today or school_today()
    reviews = list(
        PlanReview.objects.filter(
            plan__owner=owner,
            plan__status=PlanStatus.ACTIVE,
            plan__archived_at__isnull=True,
            done_at__isnull=True,
            due_on__lte=today + timedelta(days=DUE_AHEAD_DAYS),
        )
        .select_related("plan", "plan__student")
        .order_by("due_on")[:20]
    )
    for review in reviews:
        review.overdue = review.due_on < today
    return reviews


def plan_reviews(plan: CarePlan) -> QuerySet[PlanReview]:
    return plan.reviews.select_related("done_by").order_by("due_on", "id")


def session_months() -> list[tuple[str, str]]:
    first = CounselingSession.objects.aggregate(first=Min("held_at"))["first"]
    today = school_today()
    start = timezone.localtime(first).date() if first else today
    months, year, month = [], today.year, today.month
    while (year, month) >= (start.year, start.month) and len(months) < 36:
        months.append((f"{year:04d}-{month:02d}", f"{year:04d}-{month:02d}"))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def month_filter(field: str):
    """A filter (queryset, "YYYY-MM") -> the rows of that month in `field`."""

    def apply(qs, value):
        try:
            year, month = (int(part) for part in value.split("-"))
        except ValueError:
            return qs.none()
        return qs.filter(**{f"{field}__year": year, f"{field}__month": month})

    return apply


def follow_up_filter(qs, value: str):
    """ "due": sessions whose follow-up date is within a week or past; "set": with any follow-up date."""
    today = school_today()
    if value == "due":
        return qs.filter(follow_up_on__isnull=False, follow_up_on__lte=today + timedelta(days=DUE_AHEAD_DAYS))
    if value == "set":
        return qs.filter(follow_up_on__isnull=False)
    return qs
