"""Read use cases of crisis intervention: cases with their next step's deadline, break-glass state,
the duty roster."""

from datetime import timedelta

from django.db.models import Case, DateTimeField, ExpressionWrapper, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Now
from django.utils import timezone

from tenants.crisis.models import (
    STEP_ORDER,
    BreakGlass,
    CaseStep,
    CrisisCase,
    DutyAssignment,
    EmergencyPlan,
    TimeLimit,
)


def next_step_of(step: str) -> str | None:
    """The step due after `step`, or None once the case is closed."""
    index = STEP_ORDER.index(step)
    return STEP_ORDER[index + 1] if index + 1 < len(STEP_ORDER) else None


def cases():
    """Every case, annotated with `next_step`, `limit_minutes` (None without a limit for that level
    and step), `deadline` (opened_at + limit) and `overdue`."""
    next_step = Case(
        *[
            When(step=step, then=Value(following))
            for step, following in zip(STEP_ORDER, STEP_ORDER[1:], strict=False)
        ],
        default=Value(None),
    )
    minutes = Subquery(
        TimeLimit.objects.filter(level=OuterRef("level"), step=OuterRef("next_step")).values("minutes")[:1]
    )
    return (
        CrisisCase.objects.filter(archived_at__isnull=True)
        .select_related("student", "student__school_class", "counselor", "identified_by")
        .annotate(next_step=next_step)
        .annotate(limit_minutes=minutes)
        .annotate(
            deadline=ExpressionWrapper(
                F("opened_at") + F("limit_minutes") * timedelta(minutes=1), output_field=DateTimeField()
            )
        )
        .annotate(
            overdue=Case(
                When(Q(closed_at__isnull=True, deadline__lt=Now()), then=Value(True)), default=Value(False)
            )
        )
    )


def open_cases():
    return cases().filter(closed_at__isnull=True)


def overdue_cases():
    return open_cases().filter(deadline__lt=timezone.now())


def steps_of(case: CrisisCase):
    return CaseStep.objects.filter(case=case).select_related("done_by").order_by("done_at", "id")


def break_glass_active(*, case: CrisisCase, user) -> BreakGlass | None:
    """The principal's still-valid break-glass on this case, if any."""
    if not getattr(user, "pk", None):
        return None
    return BreakGlass.objects.filter(case=case, actor=user, expires_at__gt=timezone.now()).first()


def break_glass_history(case: CrisisCase):
    return BreakGlass.objects.filter(case=case).select_related("actor")


def plans():
    return EmergencyPlan.objects.select_related("created_by")


def time_limits():
    return TimeLimit.objects.all()


def duty_assignments():
    return DutyAssignment.objects.select_related("user").order_by("on_date", "user__full_name")
