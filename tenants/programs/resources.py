"""The programs area and its resources, declared once: pages and API are built from these.

Curriculum units, class sessions, subject-integration lessons, publicity and parent events are
managed by the principal and the secretary and read by staff (managed_policy); activities also let
homeroom teachers record their own themed class meetings (activity_policy).
"""

import calendar as month_calendar
import uuid

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared.calendar import in_school_year, school_year_of
from shared.resources import Area, Filter, Resource, Tab
from tenants.programs import selectors, services
from tenants.programs.models import (
    GRADE_CHOICES,
    Activity,
    ActivityKind,
    Channel,
    ClassSession,
    CurriculumUnit,
    IntegrationLesson,
    ParentEvent,
    ParentEventKind,
    PublicityCampaign,
    Subject,
)
from tenants.programs.policies import activity_policy, managed_policy

area = Area(
    namespace="programs",
    label=gettext_lazy("Programs"),
    tabs=[
        Tab("index", "programs:index", gettext_lazy("Overview")),
        Tab("units", "programs:units", gettext_lazy("Curriculum (课程体系)")),
        Tab("sessions", "programs:sessions", gettext_lazy("Class sessions")),
        Tab("activities", "programs:activities", gettext_lazy("Activities (活动)")),
        Tab("lessons", "programs:lessons", gettext_lazy("Subject integration (学科融合)")),
        Tab("campaigns", "programs:campaigns", gettext_lazy("Publicity (宣传)")),
        Tab("parents", "programs:parents", gettext_lazy("Parent lectures and training")),
    ],
)

GRADES = [(str(v), label) for v, label in GRADE_CHOICES]


def unit_year_choices(request):
    years = set(selectors.curriculum_school_years())
    years.add(school_year_of(timezone.localdate()))
    return [(y, y) for y in sorted(years, reverse=True)]


def date_year_choices(request):
    current = int(school_year_of(timezone.localdate())[:4])
    return [(f"{y}-{y + 1}", f"{y}-{y + 1}") for y in range(current + 1, current - 4, -1)]


def unit_choices(request):
    units = curriculum_units.queryset(request.user).order_by("-school_year", "grade", "title")
    return [(str(unit.public_id), str(unit)) for unit in units]


def in_month(queryset, value):
    try:
        year, month = (int(part) for part in value.split("-"))
        last = month_calendar.monthrange(year, month)[1]
    except (ValueError, month_calendar.IllegalMonthError):
        return queryset.none()
    return queryset.filter(
        held_on__gte=f"{year:04d}-{month:02d}-01", held_on__lte=f"{year:04d}-{month:02d}-{last:02d}"
    )


def school_year_filter(field: str) -> Filter:
    return Filter(
        "school_year", gettext_lazy("School year"), choices=date_year_choices, apply=in_school_year(field)
    )


def date_range(field: str) -> list[Filter]:
    return [
        Filter("from", gettext_lazy("From (YYYY-MM-DD)"), kind="date", lookup=f"{field}__gte"),
        Filter("to", gettext_lazy("To (YYYY-MM-DD)"), kind="date", lookup=f"{field}__lte"),
    ]


class OrganiserFilter(Filter):
    """`me`, or a person's id: the activities a person organises. The page offers "mine"; the API
    also takes a person's id (an id nobody organises with finds nothing)."""

    def clean(self, value, request=None):
        if value == "me":
            return request.user if request is not None else None
        try:
            return uuid.UUID(value)
        except ValueError:
            raise ValidationError({self.name: [_("Not a valid id.")]})

    def filter(self, queryset, value):
        if isinstance(value, uuid.UUID):
            return queryset.filter(organiser__public_id=value)
        return queryset.filter(organiser=value)


curriculum_units = Resource(
    name="curriculum-units",
    model=CurriculumUnit,
    label=gettext_lazy("Curriculum (课程体系)"),
    policy=managed_policy,
    selector=selectors.curriculum_units,
    create=services.curriculum_unit_create,
    update=services.curriculum_unit_update,
    delete=services.curriculum_unit_delete,
    filters=[
        Filter("school_year", gettext_lazy("School year"), choices=unit_year_choices),
        Filter("grade", gettext_lazy("Grade"), choices=GRADES),
        Filter("q", gettext_lazy("Search"), apply=lambda qs, v: qs.filter(title__icontains=v)),
    ],
)

class_sessions = Resource(
    name="class-sessions",
    model=ClassSession,
    label=gettext_lazy("Class sessions"),
    policy=managed_policy,
    selector=selectors.class_sessions,
    create=services.class_session_create,
    update=services.class_session_update,
    delete=services.class_session_delete,
    filters=[
        Filter(
            "school_year", gettext_lazy("School year"), choices=unit_year_choices, lookup="unit__school_year"
        ),
        Filter("grade", gettext_lazy("Grade"), choices=GRADES, lookup="unit__grade"),
        Filter("class_name", gettext_lazy("Class"), lookup="class_name__icontains"),
        Filter("unit", gettext_lazy("Curriculum unit"), choices=unit_choices, lookup="unit__public_id"),
        *date_range("held_on"),
    ],
)

activities = Resource(
    name="activities",
    model=Activity,
    label=gettext_lazy("Activities (活动)"),
    policy=activity_policy,
    selector=selectors.activities,
    create=services.activity_create,
    update=services.activity_update,
    delete=services.activity_delete,
    filters=[
        Filter("kind", gettext_lazy("Kind"), choices=list(ActivityKind.choices)),
        school_year_filter("held_on"),
        Filter("month", gettext_lazy("Month (YYYY-MM)"), apply=in_month),
        Filter(
            "grade",
            gettext_lazy("Grade"),
            choices=GRADES,
            apply=lambda qs, v: qs.filter(audience_grades__contains=[int(v)]),
        ),
        # kind "text": the page offers "mine", the API also takes a person's id.
        OrganiserFilter(
            "organiser", gettext_lazy("Organiser"), choices=[("me", gettext_lazy("Mine"))], kind="text"
        ),
        Filter("q", gettext_lazy("Search"), apply=lambda qs, v: qs.filter(title__icontains=v)),
        *date_range("held_on"),
    ],
)

integration_lessons = Resource(
    name="integration-lessons",
    model=IntegrationLesson,
    label=gettext_lazy("Subject integration (学科融合)"),
    policy=managed_policy,
    selector=selectors.integration_lessons,
    create=services.integration_lesson_create,
    update=services.integration_lesson_update,
    delete=services.integration_lesson_delete,
    filters=[
        Filter("subject", gettext_lazy("Subject"), choices=list(Subject.choices)),
        school_year_filter("held_on"),
        Filter("class_name", gettext_lazy("Class"), lookup="class_name__icontains"),
        *date_range("held_on"),
    ],
)

publicity_campaigns = Resource(
    name="publicity-campaigns",
    model=PublicityCampaign,
    label=gettext_lazy("Publicity (宣传)"),
    policy=managed_policy,
    selector=selectors.publicity_campaigns,
    create=services.publicity_campaign_create,
    update=services.publicity_campaign_update,
    delete=services.publicity_campaign_delete,
    filters=[
        Filter("channel", gettext_lazy("Channel"), choices=list(Channel.choices)),
        school_year_filter("starts_on"),
    ],
)

parent_events = Resource(
    name="parent-events",
    model=ParentEvent,
    label=gettext_lazy("Parent lectures and training"),
    policy=managed_policy,
    selector=selectors.parent_events,
    create=services.parent_event_create,
    update=services.parent_event_update,
    delete=services.parent_event_delete,
    filters=[
        Filter("kind", gettext_lazy("Kind"), choices=list(ParentEventKind.choices)),
        school_year_filter("held_on"),
        *date_range("held_on"),
    ],
)
