"""The team area (队伍建设) and its resources, declared once: pages and API are built from these.

Staff read; the principal and the secretary manage the roster, the training plans and the records.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from shared.calendar import in_school_year
from shared.resources import Area, Filter, Resource, Tab
from tenants.team import selectors, services
from tenants.team.models import Audience, Position, PsychologyPost, StaffMember, TrainingPlan, TrainingRecord
from tenants.team.policies import staff_policy, training_plan_policy, training_record_policy

area = Area(
    namespace="team",
    label=gettext_lazy("Team"),
    tabs=[
        Tab("index", "team:index", gettext_lazy("Overview")),
        Tab("staff", "team:staff", gettext_lazy("Staff")),
        Tab("plans", "team:plans", gettext_lazy("Training plans")),
        Tab("records", "team:records", gettext_lazy("Training records")),
        Tab("hours", "team:hours", gettext_lazy("Hours per person")),
    ],
)


def year_choices(request):
    return [(y, y) for y in selectors.school_years_with_training(today=timezone.localdate())]


def staff_choices(request):
    return [(str(s.public_id), s.name) for s in staff_members.queryset(request.user)]


def plan_choices(request):
    return [(str(p.public_id), f"{p.school_year} {p.title}") for p in training_plans.queryset(request.user)]


staff_members = Resource(
    name="staff-members",
    model=StaffMember,
    label=gettext_lazy("Staff"),
    policy=staff_policy,
    selector=selectors.staff_list,
    create=services.staff_create,
    update=services.staff_update,
    delete=services.staff_delete,
    filters=[
        Filter("position", gettext_lazy("position"), choices=list(Position.choices)),
        Filter(
            "psychology_post", gettext_lazy("psychology teacher post"), choices=list(PsychologyPost.choices)
        ),
        Filter("active", gettext_lazy("on staff"), kind="bool", lookup="is_active"),
        Filter("q", gettext_lazy("name"), lookup="name__icontains"),
    ],
)

training_plans = Resource(
    name="training-plans",
    model=TrainingPlan,
    label=gettext_lazy("Training plans"),
    policy=training_plan_policy,
    selector=selectors.training_plan_list,
    create=services.training_plan_create,
    update=services.training_plan_update,
    delete=services.training_plan_delete,
    filters=[
        Filter("school_year", gettext_lazy("school year"), choices=year_choices),
        Filter("audience", gettext_lazy("audience"), choices=list(Audience.choices)),
    ],
)

training_records = Resource(
    name="training-records",
    model=TrainingRecord,
    label=gettext_lazy("Training records"),
    policy=training_record_policy,
    selector=selectors.training_record_list,
    create=services.training_record_create,
    update=services.training_record_update,
    delete=services.training_record_delete,
    filters=[
        Filter(
            "school_year",
            gettext_lazy("school year"),
            choices=year_choices,
            apply=in_school_year("trained_on"),
        ),
        Filter("staff", gettext_lazy("staff member"), choices=staff_choices, lookup="staff__public_id"),
        Filter("plan", gettext_lazy("training plan"), choices=plan_choices, lookup="plan__public_id"),
    ],
)
