"""Screening, declared once: the area's tabs and its resources (responses, campaigns, the school's
own instruments). Pages and the API are built from these.

Responses are student data ("screening.response": one event per list, export and detail read).
A campaign's page lists the names of its students, so campaigns are audited too
("screening.campaign"): one event per list or export of campaigns, per read of one, and per read of
a campaign's list of students (which names the campaign).
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shared.resources import Area, Filter, Resource, Tab
from tenants.care.audit import audit
from tenants.screening import registry, selectors, services
from tenants.screening.models import Campaign, InstrumentDefinition, Response
from tenants.screening.policies import campaign_policy, instrument_policy, response_policy

area = Area(
    namespace="screening",
    label=_("Screening (心理测评)"),
    tabs=[
        Tab("index", "screening:index", _("Campaigns"), shown=campaign_policy.can_read),
        Tab("responses", "screening:responses", _("Screening responses"), shown=response_policy.can_read),
        Tab("instruments", "screening:instruments", _("Instruments"), shown=instrument_policy.can_read),
    ],
)


def _instrument_choices(request):
    return registry.instrument_choices(active_only=False)


responses = Resource(
    name="screenings",
    model=Response,
    label=_("Screening responses"),
    policy=response_policy,
    selector=lambda: selectors.with_follow_up(selectors.responses()),
    audit="screening.response",
    filters=[
        Filter("instrument", _("Instrument"), choices=_instrument_choices, lookup="instrument_code"),
        Filter(
            "flag",
            _("Safety flag"),
            choices=[("yes", _("Safety flag only"))],
            apply=lambda qs, v: qs.filter(safety_flag=True),
            kind="flag",
        ),
        Filter(
            "follow",
            _("Follow-up"),
            choices=[
                ("waiting", _("Positive, not yet followed up")),
                ("positive", _("Positive screens")),
            ],
            apply=lambda qs, v: qs.filter(
                positive=True, **({"followed_up": False} if v == "waiting" else {})
            ),
        ),
        Filter("student", _("Student"), kind="uuid", lookup="student__public_id"),
        Filter("campaign", _("Campaign"), kind="uuid", lookup="campaign__public_id"),
        Filter("q", _("Search"), lookup="student__name__icontains"),
    ],
)


class CampaignResource(Resource):
    def audit_students(self, user, campaign, *, action: str = "list"):
        """A read of the campaign's list of students (its page or that page's export)."""
        audit(actor=user, action=action, subject=self.audit, obj=campaign)


def _grade(qs, value):
    return qs.filter(grade=value) | qs.filter(school_class__grade=value)


campaigns = CampaignResource(
    name="screening-campaigns",
    model=Campaign,
    label=_("Screening campaigns (心理测评)"),
    policy=campaign_policy,
    selector=selectors.campaigns,
    create=services.campaign_create,
    update=services.campaign_update,
    delete=services.campaign_delete,
    audit="screening.campaign",
    student_of=lambda campaign: None,
    filters=[
        Filter("instrument", _("Instrument"), choices=_instrument_choices, lookup="instrument_code"),
        Filter(
            "grade",
            _("Grade"),
            choices=lambda request: [(g, gettext("Grade %(g)d") % {"g": g}) for g in range(1, 13)],
            apply=_grade,
        ),
        Filter("q", _("Search"), lookup="title__icontains"),
    ],
)

instruments = Resource(
    name="screening-instruments",
    model=InstrumentDefinition,
    label=_("Instruments"),
    policy=instrument_policy,
    selector=selectors.definitions,
    create=services.instrument_define,
    update=services.instrument_update,
    delete=services.instrument_delete,
)
