"""Counseling, declared once: the area's tabs and its resources (sessions, medical referrals, plans
一生一策). Pages and the API are built from these.

All three are student data: a list or an export writes one audit event, a detail read one event
naming the student. Who sees what stays in tenants/counseling/access.py: sessions and referrals are
for the care team; a plan is also visible to its owner.
"""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from shared.resources import Area, Filter, Resource, Tab
from tenants.care.access import reads_clinical
from tenants.counseling import selectors, services
from tenants.counseling.access import plan_policy, reads_plan_status, referral_policy, session_policy
from tenants.counseling.models import CarePlan, CounselingSession, IssueCategory, PlanStatus, Referral
from tenants.students.selectors import student_search

area = Area(
    namespace="counseling",
    label=_("Counseling"),
    tabs=[
        Tab("index", "counseling:index", _("Sessions (个别辅导)"), shown=reads_clinical),
        Tab("referrals", "counseling:referrals", _("Medical referrals (转介就医)"), shown=reads_clinical),
        Tab("plans", "counseling:plans", _("Plans (一生一策)")),
    ],
)


def _counselor_choices(request):
    if not session_policy.can_read(request.user):
        return []
    return [(str(u.public_id), u.display_name) for u in selectors.counselors()]


def _month_choices(request):
    return selectors.session_months()


sessions = Resource(
    name="counseling-sessions",
    model=CounselingSession,
    label=_("Sessions (个别辅导)"),
    policy=session_policy,
    selector=selectors.session_list,
    create=services.session_create,
    update=services.session_update,
    audit=services.SESSION_SUBJECT,
    filters=[
        Filter("counselor", _("Counselor"), choices=_counselor_choices, lookup="counselor__public_id"),
        Filter("category", _("Issue category"), choices=list(IssueCategory.choices)),
        Filter("month", _("Month"), choices=_month_choices, apply=selectors.month_filter("held_at")),
        Filter(
            "follow_up",
            _("Follow-up"),
            choices=[("due", _("Due within 7 days or overdue")), ("set", _("Has a follow-up date"))],
            apply=selectors.follow_up_filter,
        ),
    ],
)


def _referral_state(qs, value):
    if value == "waiting":
        return qs.filter(feedback_on__isnull=True)
    if value == "feedback":
        return qs.filter(feedback_on__isnull=False, return_on__isnull=True)
    return qs.filter(return_on__isnull=False)


referrals = Resource(
    name="medical-referrals",
    model=Referral,
    label=_("Medical referrals (转介就医)"),
    policy=referral_policy,
    selector=selectors.referral_list,
    create=services.referral_create,
    update=services.referral_update,
    audit=services.REFERRAL_SUBJECT,
    filters=[
        Filter(
            "state",
            _("Status"),
            choices=[
                ("waiting", _("Waiting for feedback")),
                ("feedback", _("Feedback received")),
                ("returned", _("Back at school")),
            ],
            apply=_referral_state,
        ),
        Filter(
            "month", _("Month referred"), choices=_month_choices, apply=selectors.month_filter("referred_on")
        ),
        # The institution is encrypted and cannot be searched: search by student instead.
        Filter(
            "q",
            _("Student"),
            apply=student_search("student__"),
        ),
        # One student's referrals, by the student's id (links from a student's record; the API).
        Filter("student", _("Student id"), kind="uuid", lookup="student__public_id"),
    ],
)


def _plan_review_due(qs, value):
    today = selectors.school_today()
    if value == "overdue":
        return qs.filter(status=PlanStatus.ACTIVE, next_review_on__lt=today)
    return qs.filter(status=PlanStatus.ACTIVE, next_review_on__lte=today + timedelta(days=7))


def _owner_choices(request):
    """Owners of plans, for those who see every plan's status; an owner who is neither sees only
    themselves."""
    user = request.user
    if reads_plan_status(user):
        return [(str(u.public_id), u.display_name) for u in selectors.plan_owners()]
    if CarePlan.objects.filter(owner=user).exists():
        return [(str(user.public_id), user.display_name)]
    return []


def _plans():
    return selectors.plan_list().prefetch_related("reviews__done_by")


plans = Resource(
    name="care-plans",
    model=CarePlan,
    label=_("Plans (一生一策)"),
    policy=plan_policy,
    selector=_plans,
    create=services.plan_create,
    update=services.plan_update,
    audit=services.PLAN_SUBJECT,
    filters=[
        Filter("status", _("Status"), choices=list(PlanStatus.choices)),
        Filter("owner", _("Owner"), choices=_owner_choices, lookup="owner__public_id"),
        Filter(
            "review",
            _("Review"),
            choices=[("due", _("Due within 7 days or overdue")), ("overdue", _("Overdue"))],
            apply=_plan_review_due,
        ),
    ],
)
