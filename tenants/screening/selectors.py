"""Read use cases of screening: campaigns with their coverage, each eligible student's status,
responses, and guardian consent in force."""

from dataclasses import dataclass

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Subquery

from tenants.care.models import Consent
from tenants.screening.models import Campaign, InstrumentDefinition, Response, StudentLink
from tenants.students.models import Student

GRANTED = "granted"


def latest_consent_status(student_ref=None):
    """A subquery: the status of the latest screening consent of the student (OuterRef("pk") by default)."""
    return Subquery(
        Consent.objects.filter(
            student=student_ref if student_ref is not None else OuterRef("pk"), purpose="screening"
        )
        .order_by("-recorded_on", "-id")
        .values("status")[:1]
    )


def consent_in_force(student) -> str | None:
    """The status of the student's latest screening consent ("granted", "refused", "withdrawn"),
    or None when no guardian answer is recorded."""
    latest = (
        Consent.objects.filter(student=student, purpose="screening").order_by("-recorded_on", "-id").first()
    )
    return latest.status if latest else None


def may_be_screened(student) -> bool:
    return consent_in_force(student) == GRANTED


def campaigns():
    return Campaign.objects.select_related("school_class", "created_by").order_by("-opens_on", "-id")


def campaign_scope(campaign) -> Q:
    if campaign.school_class_id:
        return Q(school_class_id=campaign.school_class_id)
    return Q(school_class__grade=campaign.grade)


def eligible_students(campaign):
    """The active students of the campaign's grade or class, each annotated with `consent` (latest
    status or None), `excluded` (no granted consent) and `screened` (a response in this campaign)."""
    return (
        Student.objects.filter(status="active")
        .filter(campaign_scope(campaign))
        .select_related("school_class")
        .annotate(
            consent=latest_consent_status(),
            screened=Exists(
                Response.objects.filter(campaign=campaign, student=OuterRef("pk"), archived_at__isnull=True)
            ),
        )
        .order_by("school_class__grade", "school_class__name", "student_number")
    )


def is_eligible(campaign, student) -> bool:
    return Student.objects.filter(pk=student.pk, status="active").filter(campaign_scope(campaign)).exists()


@dataclass(frozen=True)
class Coverage:
    """Coverage = screened ÷ (eligible − excluded). Eligible: active students of the grade or class.
    Excluded: eligible students without a guardian's granted consent (refused, withdrawn or none
    recorded). Screened: eligible students with consent who have a response in the campaign."""

    eligible: int
    excluded: int
    screened: int

    @property
    def consenting(self) -> int:
        return self.eligible - self.excluded

    @property
    def percent(self) -> float | None:
        if self.consenting <= 0:
            return None
        return round(100 * self.screened / self.consenting, 1)

    @property
    def display(self) -> str:
        percent = "—" if self.percent is None else f"{self.percent}%"
        return f"{self.screened} / {self.consenting} ({percent})"


def coverage_of(campaign) -> Coverage:
    eligible = excluded = screened = 0
    for consent, was_screened in eligible_students(campaign).values_list("consent", "screened"):
        eligible += 1
        if consent != GRANTED:
            excluded += 1
        elif was_screened:
            screened += 1
    return Coverage(eligible=eligible, excluded=excluded, screened=screened)


def campaign_coverage(campaign) -> Coverage:
    """`coverage_of`, counted once per campaign object: each coverage column of a row asks for it."""
    if not hasattr(campaign, "_coverage"):
        campaign._coverage = coverage_of(campaign)
    return campaign._coverage


def responses():
    return (
        Response.objects.filter(archived_at__isnull=True)
        .select_related("student", "student__school_class", "campaign", "entered_by")
        .order_by("-taken_at", "-id")
    )


def latest_response(campaign, student):
    return responses().filter(campaign=campaign, student=student).first()


def definitions():
    return InstrumentDefinition.objects.select_related("created_by").order_by("code")


def links_of(campaign):
    return StudentLink.objects.filter(campaign=campaign).select_related("student").order_by("-created_at")


def positive_q() -> Q:
    """A positive screen: a total at or above the instrument's threshold (PHQ-9 ≥ 10, GAD-7 ≥ 10,
    K6 ≥ 13), or a safety flag."""
    from tenants.care.instruments import BUILTIN_INSTRUMENTS

    condition = Q(safety_flag=True)
    for code, instrument in BUILTIN_INSTRUMENTS.items():
        if instrument.positive_at is not None:
            condition |= Q(instrument_code=code, total__gte=instrument.positive_at)
    return condition


def with_follow_up(queryset):
    """Annotate `followed_up`: a counseling session with the student, or a crisis case about them,
    since the screening. Results drive follow-up: a positive screen without one is waiting."""
    from tenants.counseling.models import CounselingSession
    from tenants.crisis.models import CrisisCase

    since = OuterRef("taken_at")
    return queryset.annotate(
        positive=ExpressionWrapper(positive_q(), output_field=BooleanField()),
        followed_up=Exists(CounselingSession.objects.filter(student=OuterRef("student"), held_at__gte=since))
        | Exists(CrisisCase.objects.filter(student=OuterRef("student"), opened_at__gte=since)),
    )


def awaiting_follow_up(queryset=None):
    """Positive screens with no counseling session or crisis case since."""
    return with_follow_up(queryset if queryset is not None else responses()).filter(
        positive=True, followed_up=False
    )
