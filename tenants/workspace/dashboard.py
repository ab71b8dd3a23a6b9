"""The school home page after sign-in: what each person needs first, with numbers for the charts."""

import importlib
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from shared.accounts.roles import SchoolRole
from tenants.common.roles import STAFF, is_manager
from tenants.ledger import selectors as ledger
from tenants.ledger.models import OPEN_STATUSES, Meeting, TaskStatus


def _area(module: str, name: str):
    """An area's selector. Areas land independently; a missing one leaves its panel out."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def school_year_of(day: date) -> str:
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


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
    plans = _area("tenants.governance.selectors", "plans_with_progress")
    context["plans"] = plans(today=today) if plans else None
    activities = _area("tenants.programs.selectors", "activities_in_month")
    context["activities"] = list(activities(year=today.year, month=today.month)) if activities else None
    hours = _area("tenants.team.selectors", "training_hours_by_person")
    context["training"] = list(hours(year=year))[:15] if hours else None
    budget = _area("tenants.finance.selectors", "budget_use")
    context["budget"] = budget(school_year=year) if budget else None
    return context
