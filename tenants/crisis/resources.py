"""Crisis intervention, declared once: the area's tabs and its resources (cases, emergency plans, time
limits, the duty roster). Pages and the API are built from these.

Cases are student data: a list or an export writes one "crisis.case" audit event, a detail read one
event naming the student. A principal reading a case's detail under break-glass is recorded with a
reference to that break-glass (its reason stays encrypted with it).
"""

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared.resources import Area, Filter, Resource, Tab
from tenants.care.access import reads_clinical
from tenants.care.audit import audit, break_glass_reason
from tenants.crisis import selectors, services
from tenants.crisis.models import (
    STEP_ORDER,
    CrisisCase,
    DutyAssignment,
    EmergencyPlan,
    RiskLevel,
    Step,
    TimeLimit,
)
from tenants.crisis.policies import case_policy, duty_policy, plan_policy, time_limit_policy
from tenants.students.selectors import student_search

area = Area(
    namespace="crisis",
    label=_("Crisis intervention"),
    tabs=[
        Tab("index", "crisis:index", _("Crisis cases"), shown=case_policy.can_read),
        Tab("plans", "crisis:plans", _("Emergency plans (应急预案)"), shown=plan_policy.can_read),
        Tab("limits", "crisis:limits", _("Time limits"), shown=time_limit_policy.can_read),
        Tab("duty", "crisis:duty", _("Duty roster (值班)"), shown=duty_policy.can_read),
    ],
)


class CaseResource(Resource):
    """Crisis cases: a detail read by a principal under break-glass refers to the break-glass."""

    def audit_read(self, user, obj):
        glass = None if reads_clinical(user) else selectors.break_glass_active(case=obj, user=user)
        self.audit_read_under(user, obj, glass)

    def audit_read_under(self, user, obj, glass):
        """The detail read, given the reader's active break-glass on the case (None without one):
        for a page that has looked it up already."""
        audit(
            actor=user,
            action="view",
            subject=self.audit,
            student=obj.student,
            obj=obj,
            reason=break_glass_reason() if glass is not None else "",
            reason_ref=glass.public_id if glass is not None else None,
        )


def _cases():
    """Open cases first, newest first."""
    return selectors.cases().order_by(F("closed_at").desc(nulls_first=True), "-opened_at", "-id")


cases = CaseResource(
    name="crisis-cases",
    model=CrisisCase,
    label=_("Crisis cases"),
    policy=case_policy,
    selector=_cases,
    create=services.case_report,
    update=services.case_update,
    audit="crisis.case",
    filters=[
        Filter(
            "status",
            _("Status"),
            choices=[("open", _("Open")), ("closed", _("Closed"))],
            apply=lambda qs, v: qs.filter(closed_at__isnull=(v == "open")),
        ),
        Filter("level", _("Risk level"), choices=list(RiskLevel.choices)),
        Filter("step", _("Current step"), choices=list(Step.choices)),
        Filter(
            "overdue",
            _("Time limit"),
            choices=[("yes", _("Overdue only"))],
            apply=lambda qs, v: qs.filter(overdue=True),
            kind="flag",
        ),
        Filter("q", _("Student"), apply=student_search("student__")),
    ],
)

plans = Resource(
    name="emergency-plans",
    model=EmergencyPlan,
    label=_("Emergency plans (应急预案)"),
    policy=plan_policy,
    selector=selectors.plans,
    create=services.plan_create,
    update=services.plan_update,
    delete=services.plan_delete,
    filters=[
        Filter("q", _("Search"), apply=lambda qs, v: qs.filter(Q(title__icontains=v) | Q(body__icontains=v)))
    ],
)


def _time_limits():
    """By risk level (highest first), then in the order of the steps."""
    steps = Case(
        *[When(step=s, then=Value(i)) for i, s in enumerate(STEP_ORDER)], output_field=IntegerField()
    )
    levels = Case(
        *[When(level=v, then=Value(i)) for i, v in enumerate(reversed(RiskLevel.values))],
        output_field=IntegerField(),
    )
    return selectors.time_limits().order_by(levels, steps)


time_limits = Resource(
    name="crisis-time-limits",
    model=TimeLimit,
    label=_("Time limits"),
    policy=time_limit_policy,
    selector=_time_limits,
    # Setting a limit for a level and step (the page's "Set a time limit") replaces the one there is;
    # the policy lets nobody add one through the API (one limit per level and step exists).
    create=services.time_limit_set,
    update=services.time_limit_update,
    filters=[Filter("level", _("Risk level"), choices=list(RiskLevel.choices))],
)


def _on_duty_choices(request):
    from tenants.crisis.forms import care_team_choices

    return (
        [(str(u.public_id), u.display_name) for u in care_team_choices()]
        if duty_policy.can_read(request.user)
        else []
    )


def _period(qs, value):
    today = timezone.localdate()
    return qs.filter(on_date__lt=today) if value == "past" else qs.filter(on_date__gte=today)


duties = Resource(
    name="duty-assignments",
    model=DutyAssignment,
    label=_("Duty roster (值班)"),
    policy=duty_policy,
    selector=selectors.duty_assignments,
    create=services.duty_assign,
    delete=services.duty_remove,
    filters=[
        Filter(
            "period",
            _("Period"),
            choices=[("coming", _("Today and later")), ("past", _("Past days"))],
            apply=_period,
        ),
        Filter("from", _("From"), kind="date", lookup="on_date__gte"),
        Filter("user", _("Counselor"), choices=_on_duty_choices, lookup="user__public_id"),
    ],
)
