"""Read use cases of the team area.

Training hours are counted per school year, 1 September to 31 August: "2026-2027" is
2026-09-01 .. 2027-08-31 (by the training date).
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from shared.calendar import school_year_bounds, school_year_of
from tenants.team.models import StaffMember, TrainingPlan, TrainingRecord

HOURS = DecimalField(max_digits=8, decimal_places=1)


def staff_list() -> QuerySet[StaffMember]:
    return StaffMember.objects.select_related("account")


def training_plan_list() -> QuerySet[TrainingPlan]:
    return TrainingPlan.objects.annotate(
        recorded_hours=Coalesce(Sum("records__hours"), Value(Decimal("0")), output_field=HOURS),
        record_count=Count("records"),
    ).order_by("-starts_on", "title", "id")


def training_record_list() -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.select_related("staff", "plan")


def training_hours_by_person(*, year: str) -> QuerySet[StaffMember]:
    """Staff with their training in school year `year` ("2026-2027"): each row has `hours` (sum,
    0 when none) and `trainings` (count). People no longer on staff appear only if they trained
    that year. Ordered by hours, most first."""
    start, end = school_year_bounds(year)
    in_year = Q(training_records__trained_on__gte=start, training_records__trained_on__lte=end)
    return (
        StaffMember.objects.annotate(
            hours=Coalesce(
                Sum("training_records__hours", filter=in_year), Value(Decimal("0")), output_field=HOURS
            ),
            trainings=Count("training_records", filter=in_year),
        )
        .filter(Q(is_active=True) | Q(trainings__gt=0))
        .order_by("-hours", "name", "id")
    )


def training_hours_total(*, school_year: str) -> Decimal:
    """All training hours recorded in a school year, for the home page."""
    start, end = school_year_bounds(school_year)
    return TrainingRecord.objects.filter(trained_on__gte=start, trained_on__lte=end).aggregate(
        total=Coalesce(Sum("hours"), Value(Decimal("0")), output_field=HOURS)
    )["total"]


def school_years_with_training(*, today: date) -> list[str]:
    """The current school year and every year with a plan or a record, newest first."""
    years = {school_year_of(today)}
    years.update(TrainingPlan.objects.values_list("school_year", flat=True).distinct())
    for day in TrainingRecord.objects.dates("trained_on", "month"):
        years.add(school_year_of(day))
    return sorted(years, reverse=True)


def team_summary(*, today: date) -> dict:
    year = school_year_of(today)
    counts = StaffMember.objects.filter(is_active=True).aggregate(
        staff=Count("id"),
        full_time=Count("id", filter=Q(psychology_post="full_time")),
        part_time=Count("id", filter=Q(psychology_post="part_time")),
        certified=Count("id", filter=~Q(certificate_number="")),
    )
    return {
        **counts,
        "school_year": year,
        "hours": training_hours_total(school_year=year),
        "plans": TrainingPlan.objects.filter(school_year=year).count(),
    }
