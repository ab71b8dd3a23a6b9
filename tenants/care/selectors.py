"""Read use cases of the mental-health record (心理健康档案): one timeline per student, the
attention level and its history, consent in force, observations and the audit trail.

Need to know is decided by the caller (tenants.care.access); these selectors take `clinical` to
say whether texts and clinical facts may be filled in.
"""

from dataclasses import dataclass, field
from datetime import datetime, time

from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from shared.accounts.roles import SchoolRole
from shared.policy import Policy
from tenants.care.access import CARE_TEAM, ROSTER_MANAGERS, StatusPolicy, annotate_followed
from tenants.care.models import (
    LEVEL_ORDER,
    AttentionChange,
    AttentionLevel,
    AuditEvent,
    CareRecord,
    Consent,
    ConsentStatus,
    Observation,
)
from tenants.students.models import Student

# ---------------------------------------------------------------------------------------------
# Students with their level


def students_with_level(queryset=None):
    """Students annotated with `care_level` ("none" when nothing was ever recorded)."""
    queryset = Student.objects.all() if queryset is None else queryset
    level = CareRecord.objects.filter(student=OuterRef("pk")).values("level")[:1]
    return queryset.select_related("school_class").annotate(
        care_level=Coalesce(Subquery(level), Value("none"))
    )


def record_head(student) -> CareRecord | None:
    return CareRecord.objects.select_related("set_by").filter(student=student).first()


def attention_history(student):
    """Every change of the level, newest first."""
    return (
        AttentionChange.objects.select_related("changed_by")
        .filter(student=student)
        .order_by("-changed_at", "-id")
    )


def is_followed(student) -> bool:
    return CareRecord.objects.filter(student=student).exclude(level="none").exists()


def care_overview() -> dict:
    """Counts for the landing page: students per attention level, followed, open crisis cases,
    observations not yet seen by a counselor."""
    from tenants.crisis.models import CrisisCase

    counts = dict(
        CareRecord.objects.filter(student__status="active").values_list("level").annotate(n=Count("id"))
    )
    levels = [(code, label, counts.get(code, 0)) for code, label in AttentionLevel.choices if code != "none"]
    return {
        "levels": levels,
        "followed": sum(n for _c, _l, n in levels),
        "open_crises": CrisisCase.objects.exclude(step="closed").count(),
        "unseen_referrals": Observation.objects.filter(kind="referral", acknowledged_at__isnull=True).count(),
        "students": Student.objects.filter(status="active").count(),
    }


# ---------------------------------------------------------------------------------------------
# The timeline


@dataclass
class TimelineEntry:
    at: datetime
    kind: (
        str  # screening, counseling, observation, crisis, crisis_step, plan, plan_review, referral, attention
    )
    kind_label: str
    title: str  # what anyone who may see the record may read: kind, date, level, status
    detail: str = ""  # clinical facts and texts; empty unless the reader reads clinical detail
    flag: bool = False  # safety flag or crisis, shown highlighted
    by: str = ""
    facts: dict = field(
        default_factory=dict
    )  # clinical facts for exports and the API (empty if not clinical)

    def as_dict(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "kind": self.kind,
            "kind_label": str(self.kind_label),
            "title": self.title,
            "detail": self.detail,
            "flag": self.flag,
            "by": self.by,
        }


def _when(value) -> datetime:
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min))


def _name(user) -> str:
    return user.display_name if user is not None else _("the platform")


def _join(*parts) -> str:
    return "\n".join(str(p) for p in parts if p)


def _instrument_name(code: str) -> str:
    from tenants.care.instruments import get_instrument

    try:
        return get_instrument(code).display_name
    except KeyError:
        from tenants.screening.models import InstrumentDefinition

        found = InstrumentDefinition.objects.filter(code=code).values_list("name", flat=True).first()
        return found or code


def _screenings(student, clinical):
    from tenants.screening.models import Response

    for r in Response.objects.filter(student=student, archived_at__isnull=True).select_related("entered_by"):
        name = _instrument_name(r.instrument_code)
        detail = ""
        if clinical:
            if r.complete:
                detail = _("Total %(total)s, band %(band)s") % {"total": r.total, "band": r.band}
            else:
                detail = _("Incomplete")
            if r.safety_flag:
                detail = _join(detail, _("Safety flag raised"))
            if r.answers:
                detail = _join(detail, _("Answers: %(answers)s") % {"answers": r.answers})
        yield TimelineEntry(
            at=r.taken_at,
            kind="screening",
            kind_label=_("Screening"),
            title=_("Screening: %(instrument)s") % {"instrument": name}
            + (" " + _("(answered through a link)") if r.via_link else ""),
            detail=detail,
            flag=clinical and r.safety_flag,
            by=_name(r.entered_by) if r.entered_by else (_("the student") if r.via_link else ""),
            facts={
                "instrument": r.instrument_code,
                "total": r.total,
                "band": r.band,
                "safety_flag": r.safety_flag,
                "answers": r.answers,
            }
            if clinical
            else {},
        )


def _sessions(student, clinical):
    from tenants.counseling.models import CounselingSession

    for s in CounselingSession.objects.filter(student=student, archived_at__isnull=True).select_related(
        "counselor"
    ):
        detail = ""
        if clinical:
            detail = _join(
                _("Issue: %(category)s; %(minutes)s minutes")
                % {"category": s.get_category_display(), "minutes": s.duration_minutes},
                s.notes,
                _("Follow-up on %(day)s") % {"day": s.follow_up_on} if s.follow_up_on else "",
            )
        yield TimelineEntry(
            at=s.held_at,
            kind="counseling",
            kind_label=_("Counseling session"),
            title=_("Individual counseling session (个别辅导)"),
            detail=detail,
            by=_name(s.counselor),
        )


def _observations(student, clinical):
    for o in Observation.objects.filter(student=student, archived_at__isnull=True).select_related(
        "created_by"
    ):
        detail = ""
        if clinical:
            detail = _join(
                o.text,
                _("Seen by a counselor on %(day)s") % {"day": timezone.localdate(o.acknowledged_at)}
                if o.acknowledged_at
                else _("Not seen by a counselor yet"),
            )
        yield TimelineEntry(
            at=_when(o.observed_on),
            kind="observation",
            kind_label=o.get_kind_display(),
            title=_("Referral by the homeroom teacher")
            if o.kind == "referral"
            else _("Homeroom teacher's observation"),
            detail=detail,
            by=_name(o.created_by) if o.created_by else "",
        )


def _crises(student, clinical):
    from tenants.crisis.models import CrisisCase

    for case in (
        CrisisCase.objects.filter(student=student, archived_at__isnull=True)
        .select_related("identified_by")
        .prefetch_related("steps__done_by")
    ):
        yield TimelineEntry(
            at=case.opened_at,
            kind="crisis",
            kind_label=_("Crisis case"),
            title=_("Crisis case opened: risk level %(level)s, now at step %(step)s (%(how)s)")
            % {
                "level": case.get_level_display(),
                "step": case.get_step_display(),
                "how": case.get_identified_how_display(),
            },
            detail=_join(case.narrative, case.summary and _("Closing summary: %(s)s") % {"s": case.summary})
            if clinical
            else "",
            flag=True,
            by=_name(case.identified_by) if case.identified_by else _("the platform"),
        )
        for step in case.steps.all():
            if step.step == "identified":
                continue
            title = _("Crisis case step: %(step)s") % {"step": step.get_step_display()}
            if step.level:
                title += " · " + _("risk level %(level)s") % {"level": step.get_level_display()}
            if step.skipped_reason:  # why it was not needed is clinical text: the care team's only
                title += " · " + (
                    _("not needed: %(why)s") % {"why": step.skipped_reason} if clinical else _("not needed")
                )
            yield TimelineEntry(
                at=step.done_at,
                kind="crisis_step",
                kind_label=_("Crisis case"),
                title=title,
                detail=step.note if clinical else "",
                by=_name(step.done_by) if step.done_by else "",
            )


def _plans(student, clinical):
    from tenants.counseling.models import CarePlan

    for plan in (
        CarePlan.objects.filter(student=student, archived_at__isnull=True)
        .select_related("owner")
        .prefetch_related("reviews__done_by")
    ):
        yield TimelineEntry(
            at=_when(plan.starts_on),
            kind="plan",
            kind_label=_("Plan (一生一策)"),
            title=_("Plan (一生一策) started, owner %(owner)s, %(status)s")
            % {"owner": _name(plan.owner), "status": plan.get_status_display()},
            detail=_join(_("Goals: %(t)s") % {"t": plan.goals}, _("Supports: %(t)s") % {"t": plan.supports})
            if clinical
            else "",
            by=_name(plan.created_by) if plan.created_by else "",
        )
        for review in plan.reviews.all():
            if review.done_at is None:
                continue
            yield TimelineEntry(
                at=review.done_at,
                kind="plan_review",
                kind_label=_("Plan (一生一策)"),
                title=_("Plan review (due %(day)s) done") % {"day": review.due_on},
                detail=review.progress if clinical else "",
                by=_name(review.done_by) if review.done_by else "",
            )


def _referrals(student, clinical):
    from tenants.counseling.models import Referral

    for ref in Referral.objects.filter(student=student, archived_at__isnull=True).select_related(
        "created_by"
    ):
        detail = ""
        if clinical:
            detail = _join(
                _("Institution: %(name)s") % {"name": ref.institution},
                _("Reason: %(t)s") % {"t": ref.reason},
                ref.feedback
                and _("Feedback (%(day)s): %(t)s") % {"day": ref.feedback_on or "", "t": ref.feedback},
                ref.return_plan and _("Return-to-school plan: %(t)s") % {"t": ref.return_plan},
                ref.return_on and _("Back at school on %(day)s") % {"day": ref.return_on},
            )
        yield TimelineEntry(
            at=_when(ref.referred_on),
            kind="referral",
            kind_label=_("Medical referral"),
            title=_("Referred to a medical institution (转介就医)"),
            detail=detail,
            by=_name(ref.created_by) if ref.created_by else "",
        )


def _attention(student, clinical):
    labels = dict(AttentionLevel.choices)
    for change in AttentionChange.objects.filter(student=student).select_related("changed_by"):
        if change.from_level == change.to_level:
            # A received record's lower level, written down but not applied (tenants.care.transfer).
            title = _("Attention level kept: %(level)s") % {
                "level": labels.get(change.to_level, change.to_level)
            }
        else:
            title = _("Attention level: %(old)s → %(new)s") % {
                "old": labels.get(change.from_level, change.from_level),
                "new": labels.get(change.to_level, change.to_level),
            }
        yield TimelineEntry(
            at=change.changed_at,
            kind="attention",
            kind_label=_("Attention level"),
            title=title,
            detail=change.reason if clinical else "",
            flag=change.to_level == "crisis",
            by=_name(change.changed_by),
        )


SOURCES = (_screenings, _sessions, _observations, _crises, _plans, _referrals, _attention)


def timeline(student, *, clinical: bool) -> list[TimelineEntry]:
    """Everything in a student's record, newest first. `detail` (notes, answers, narratives,
    observation text, reasons) is filled only when `clinical` is true."""
    entries = [entry for source in SOURCES for entry in source(student, clinical)]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


# ---------------------------------------------------------------------------------------------
# Consent


def _latest_consent(purpose: str):
    return Consent.objects.filter(student=OuterRef("pk"), purpose=purpose).order_by("-recorded_on", "-id")


def students_with_consent(queryset=None, *, purpose: str = "screening"):
    """Students annotated with `consent_status` (granted / refused / withdrawn, or "none" when no
    guardian answer is recorded) and `consent_on`: the latest record is the one in force."""
    queryset = Student.objects.all() if queryset is None else queryset
    latest = _latest_consent(purpose)
    return queryset.annotate(
        consent_status=Coalesce(Subquery(latest.values("status")[:1]), Value("none")),
        consent_on=Subquery(latest.values("recorded_on")[:1]),
    )


def consent_status(student, *, purpose: str = "screening") -> str:
    """ "granted", "refused", "withdrawn" or "none"."""
    found = (
        Consent.objects.filter(student=student, purpose=purpose)
        .order_by("-recorded_on", "-id")
        .values_list("status", flat=True)
        .first()
    )
    return found or "none"


CONSENT_CHOICES = [*ConsentStatus.choices, ("none", "—")]


def consent_label(code: str) -> str:
    if code == "none":
        return _("No answer recorded")
    return str(dict(ConsentStatus.choices).get(code, code))


def consents():
    return Consent.objects.select_related("student__school_class", "created_by")


# ---------------------------------------------------------------------------------------------
# Observations


def observations(*, followed_for=None):
    """Observations; `followed_for` (a user) annotates `followed`, whether the student's level is
    above none, as that user may know it (tenants.care.access.annotate_followed): None for a
    student who has left the homeroom teacher's class since the observation."""
    qs = Observation.objects.filter(archived_at__isnull=True).select_related(
        "student__school_class", "created_by"
    )
    if followed_for is not None:
        qs = annotate_followed(followed_for, qs, student_field="student")
    return qs


def homeroom_students(user):
    """The active students of the classes this person is homeroom teacher of."""
    return Student.objects.filter(school_class__homeroom_teacher=user, status="active").select_related(
        "school_class"
    )


def homeroom_students_followed(user):
    return annotate_followed(user, homeroom_students(user))


# ---------------------------------------------------------------------------------------------
# The audit trail


def audit_events():
    """Audit events with the student's name and number when the student still exists."""
    student = Student.objects.filter(public_id=OuterRef("student_ref"))
    return AuditEvent.objects.annotate(
        student_name=Subquery(student.values("name")[:1]),
        student_number=Subquery(student.values("student_number")[:1]),
    )


def audit_people():
    return (
        AuditEvent.objects.exclude(actor_name="")
        .values_list("actor_name", flat=True)
        .distinct()
        .order_by("actor_name")
    )


def level_label(code: str) -> str:
    return str(dict(AttentionLevel.choices).get(code, code))


def level_rank(code: str) -> int:
    return LEVEL_ORDER.index(code) if code in LEVEL_ORDER else 0


__all__ = [
    "TimelineEntry",
    "attention_history",
    "audit_events",
    "care_overview",
    "consent_status",
    "consents",
    "homeroom_students",
    "is_followed",
    "observations",
    "record_head",
    "students_with_consent",
    "students_with_level",
    "timeline",
]


# ---------------------------------------------------------------------------------------------
# Who may use the record pages and API (the rules are tenants.care.access's)


class RecordPolicy(StatusPolicy):
    """The record: the principal reads level and status; the care team reads everything and
    changes the level. Homeroom teachers and everyone else find nothing."""

    def can_create(self, user) -> bool:
        return False  # a record exists for every student; only its level changes

    def reads_clinical(self, user) -> bool:
        return user.is_authenticated and user.has_role(*CARE_TEAM)

    def can_set_level(self, user) -> bool:
        return user.is_authenticated and user.has_role(*CARE_TEAM)


class ObservationPolicy(Policy):
    """Homeroom teachers write observations about their own students and read their own; the care
    team reads them all and marks them seen."""

    read_roles = (*CARE_TEAM, SchoolRole.HOMEROOM_TEACHER)
    manage_roles = CARE_TEAM

    def visible(self, user, queryset):
        if not self.can_read(user):
            return queryset.none()
        if user.has_role(*CARE_TEAM):
            return queryset
        return queryset.filter(created_by=user)

    def can_create(self, user) -> bool:
        return user.is_authenticated and user.has_role(SchoolRole.HOMEROOM_TEACHER)


class ConsentPolicy(Policy):
    read_roles = ROSTER_MANAGERS
    manage_roles = ROSTER_MANAGERS


class AuditPolicy(Policy):
    """The audit trail: the principal only, read-only."""

    read_roles = (SchoolRole.PRINCIPAL,)
    manage_roles = ()

    def can_create(self, user) -> bool:
        return False

    def can_change(self, user, obj) -> bool:
        return False


record_policy = RecordPolicy()
observation_policy = ObservationPolicy()
consent_policy = ConsentPolicy()
audit_policy = AuditPolicy()


def care_home(user) -> dict | None:
    """What the home page shows the care team and the principal about student care: counts only,
    never a name, so the home page reads nothing sensitive (and needs no audit event)."""
    from datetime import timedelta

    from shared.accounts.roles import SchoolRole
    from shared.display_time import school_today
    from tenants.care.access import reads_clinical, reads_status
    from tenants.counseling.models import CounselingSession
    from tenants.counseling.selectors import DUE_AHEAD_DAYS
    from tenants.crisis.models import DutyAssignment
    from tenants.crisis.selectors import cases
    from tenants.screening.selectors import awaiting_follow_up

    if not reads_status(user):
        return None
    today = school_today()
    open_cases = cases().filter(closed_at__isnull=True)
    found = {
        "open_cases": open_cases.count(),
        "overdue_cases": open_cases.filter(overdue=True).count(),
        "clinical": reads_clinical(user),
        "principal": user.has_role(SchoolRole.PRINCIPAL),
    }
    if found["clinical"]:
        found["unseen_referrals"] = Observation.objects.filter(
            kind="referral", acknowledged_at__isnull=True, archived_at__isnull=True
        ).count()
        found["follow_ups_due"] = CounselingSession.objects.filter(
            archived_at__isnull=True,
            follow_up_on__isnull=False,
            follow_up_on__lte=today + timedelta(days=DUE_AHEAD_DAYS),
        ).count()
        found["on_duty_today"] = DutyAssignment.objects.filter(user=user, on_date=today).exists()
        found["awaiting_follow_up"] = awaiting_follow_up().count()
    return found
