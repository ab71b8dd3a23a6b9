"""Read use cases of the programs area."""

import calendar
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from shared.calendar import school_year_bounds, school_year_of
from tenants.programs.models import (
    Activity,
    ActivityKind,
    ClassSession,
    CurriculumUnit,
    IntegrationLesson,
    ParentEvent,
    PublicityCampaign,
)
from tenants.workspace.models import Attachment


def curriculum_units(*, school_year: str | None = None, grade: int | None = None):
    """Units with how many sessions were delivered so far (`delivered`) and to how many classes
    (`classes_reached`). Planned sessions count per class."""
    qs = CurriculumUnit.objects.annotate(
        delivered=Count("sessions"), classes_reached=Count("sessions__class_name", distinct=True)
    ).order_by("-school_year", "grade", "id")
    if school_year:
        qs = qs.filter(school_year=school_year)
    if grade:
        qs = qs.filter(grade=grade)
    return qs


def curriculum_school_years() -> list[str]:
    return list(
        CurriculumUnit.objects.order_by("-school_year").values_list("school_year", flat=True).distinct()
    )


def class_sessions():
    return ClassSession.objects.select_related("unit", "teacher").order_by("-held_on", "class_name", "id")


def activities():
    return Activity.objects.select_related("organiser").order_by("-held_on", "title", "id")


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def activities_in_month(*, year: int, month: int):
    """The activities held in one calendar month, earliest first (a queryset: `.count()` for the
    number, iterate for the list; `participant_total` via `.aggregate`)."""
    first, last = _month_bounds(year, month)
    return (
        Activity.objects.select_related("organiser")
        .filter(held_on__gte=first, held_on__lte=last)
        .order_by("held_on", "title", "id")
    )


def activity_counts_by_kind(*, start: date, end: date) -> dict[str, int]:
    """How many activities of each kind were held between start and end (both included). Every
    kind is present, in the order of ActivityKind, zero when none was held."""
    counts = dict(
        Activity.objects.filter(held_on__gte=start, held_on__lte=end)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return {kind: counts.get(kind, 0) for kind in ActivityKind.values}


def activity_participants(*, start: date, end: date) -> int:
    return Activity.objects.filter(held_on__gte=start, held_on__lte=end).aggregate(
        n=Coalesce(Sum("participant_count"), 0)
    )["n"]


def attachments_of(obj):
    return (
        Attachment.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .select_related("created_by")
        .order_by("created_at", "id")
    )


def integration_lessons():
    return IntegrationLesson.objects.select_related("teacher").order_by("-held_on", "class_name", "id")


def publicity_campaigns():
    return PublicityCampaign.objects.order_by("-starts_on", "title", "id")


def parent_events():
    return ParentEvent.objects.order_by("-held_on", "title", "id")


def programs_overview(*, today: date) -> dict:
    """Numbers for the area's landing page, for the school year `today` falls in."""
    year = school_year_of(today)
    first, last = school_year_bounds(year)
    units = CurriculumUnit.objects.filter(school_year=year)
    sessions = ClassSession.objects.filter(unit__school_year=year)
    delivered = sessions.count()
    month = activities_in_month(year=today.year, month=today.month)
    parents = ParentEvent.objects.filter(held_on__gte=first, held_on__lte=last).aggregate(
        events=Count("id"), attended=Coalesce(Sum("attendance_count"), 0)
    )
    return {
        "school_year": year,
        "units": units.count(),
        "delivered_sessions": delivered,
        "classes_reached": sessions.values("class_name").distinct().count(),
        "units_started": units.filter(sessions__isnull=False).distinct().count(),
        "month_activities": list(month),
        "month_participants": sum(a.participant_count for a in month),
        "year_activities": Activity.objects.filter(held_on__gte=first, held_on__lte=last).count(),
        "year_participants": activity_participants(start=first, end=last),
        "kind_counts": activity_counts_by_kind(start=first, end=last),
        "integration_lessons": IntegrationLesson.objects.filter(
            held_on__gte=first, held_on__lte=last
        ).count(),
        "campaigns": PublicityCampaign.objects.filter(starts_on__lte=last, ends_on__gte=first).count(),
        "parent_events": parents["events"],
        "parent_attendance": parents["attended"],
    }
