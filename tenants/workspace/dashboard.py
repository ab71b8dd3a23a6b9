"""The school home page after sign-in: what each person needs first, with numbers for the charts."""

from django.db.models import Count, Q
from django.utils import timezone

from shared.accounts.roles import SchoolRole
from shared.calendar import school_year_of
from tenants.common.roles import STAFF, is_manager
from tenants.finance.selectors import budget_use
from tenants.governance.selectors import plans_with_progress
from tenants.ledger import selectors as ledger
from tenants.ledger.models import OPEN_STATUSES, Meeting, TaskStatus
from tenants.programs.selectors import activities_in_month
from tenants.team.selectors import training_hours_by_person, training_hours_total


def home_context(user) -> dict:
    today = timezone.localdate()
    context = {"today": today, "is_staff_reader": user.has_role(*STAFF), "is_manager": is_manager(user)}
    if user.has_role(SchoolRole.SCHOOL_ADMIN):
        context["is_school_admin"] = True
    upcoming = Meeting.objects.filter(starts_at__gte=timezone.now()).order_by("starts_at")
    if not user.has_role(*STAFF):
        context["meetings"] = list(upcoming.filter(invitations__person=user)[:10])
        return context
    context["meetings"] = list(upcoming[:5])
    # 一生一策: reviews of the plans this person owns, due within a week (tenants.counseling).
    from tenants.counseling.selectors import reviews_due_for

    context["plan_reviews_due"] = reviews_due_for(user)
    # Student care in counts (no names): open and overdue crisis cases, referrals, follow-ups.
    from tenants.care.selectors import care_home

    context["care"] = care_home(user)

    mine = ledger.task_list(on=today).filter(owner=user)
    context["my_overdue"] = list(mine.filter(is_overdue=True)[:10])
    context["my_due_soon"] = list(ledger.tasks_due_soon(on=today).filter(owner=user)[:10])
    scope = ledger.task_list(on=today) if context["is_manager"] else mine
    counts = scope.aggregate(
        todo=Count("id", filter=Q(status=TaskStatus.TODO, is_overdue=False)),
        in_progress=Count("id", filter=Q(status=TaskStatus.IN_PROGRESS, is_overdue=False)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, is_overdue=True)),
        done=Count("id", filter=Q(status=TaskStatus.DONE)),
    )
    context["task_counts"] = counts
    context["task_scope_all"] = context["is_manager"]

    year = school_year_of(today)
    context["school_year"] = year
    context["plans"] = plans_with_progress(today=today)
    context["activities"] = list(activities_in_month(year=today.year, month=today.month)[:12])
    context["training"] = [
        {"name": person.name, "hours": person.hours}
        for person in training_hours_by_person(year=year)[:15]
        if person.hours
    ]
    context["training_total"] = training_hours_total(school_year=year)
    budget = budget_use(school_year=year)
    context["budget"] = {
        "budget": budget["budget"],
        "spent": budget["spent"],
        "percent": budget["percent"] or 0,
    }
    return context
