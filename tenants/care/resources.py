"""Student care, declared once: the area's tabs and its resources (records, observations and
referrals, guardian consent, the audit trail, record transfers). Pages and the API are built from
these.

Every one of them is student data: a list or an export writes one audit event, a detail read one
event naming the student (the audit trail's own reads included: the principal's reading of the
trail is in the trail).
"""

from types import SimpleNamespace

from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from shared.pages import is_uuid
from shared.resources import Area, Filter, Resource, Tab
from tenants.care import record_services, selectors
from tenants.care.access import retention_policy
from tenants.care.models import (
    LEVEL_ORDER,
    AttentionLevel,
    AuditAction,
    AuditEvent,
    Consent,
    ConsentStatus,
    IncomingTransfer,
    Observation,
    ObservationKind,
    OutgoingTransfer,
    RetentionRule,
)
from tenants.care.selectors import audit_policy, consent_policy, observation_policy, record_policy
from tenants.care.transfer import transfer_policy
from tenants.students.models import Student
from tenants.students.resources import class_choices
from tenants.students.selectors import student_search


def _reads_records(user) -> bool:
    return record_policy.can_read(user)


def _clinical(user) -> bool:
    return record_policy.can_read(user) and record_policy.reads_clinical(user)


def _principal(user) -> bool:
    return record_policy.can_read(user) and audit_policy.can_read(user)


def _homeroom(user) -> bool:
    # Who does not read records (a homeroom teacher) sees their observations and their students.
    return not record_policy.can_read(user)


# Other care pages live in other apps; they are linked by path.
area = Area(
    namespace="care",
    label=_("Student care"),
    tabs=[
        Tab("home", "/care/", _("Overview"), shown=_reads_records),
        Tab("records", "/care/students/", _("Records (心理健康档案)"), shown=_reads_records),
        Tab("roster", "/students/", _("Student roster"), shown=_reads_records),
        Tab("screening", "/screening/", _("Screening (心理测评)"), shown=_clinical),
        Tab("counseling", "/counseling/", _("Counseling (个别辅导)"), shown=_clinical),
        Tab("plans", "/counseling/plans/", _("Plans (一生一策)"), shown=_clinical),
        Tab("crisis", "/crisis/", _("Crisis (危机干预)"), shown=_reads_records),
        Tab("observations", "/care/observations/", _("Observations"), shown=_clinical),
        Tab("consent", "/care/consent/", _("Consent"), shown=_reads_records),
        Tab("transfers", "/care/records/transfers/", _("Transfers"), shown=_clinical),
        Tab("retention", "/care/records/retention/", _("Retention"), shown=_reads_records),
        Tab("audit", "/care/audit/", _("Audit trail"), shown=_principal),
        Tab("observations", "/care/observations/", _("My observations and referrals"), shown=_homeroom),
        Tab("my_students", "/care/observations/students/", _("My students"), shown=_homeroom),
    ],
)

# The record-keeping pages (transfers between schools and retention), with tabs of their own.
records_area = Area(
    namespace="care_records",
    label=_("Student records"),
    tabs=[
        Tab("received", "care_records:transfers", _("Records received"), shown=_clinical),
        Tab("sent", "care_records:sent", _("Records sent"), shown=_clinical),
        Tab("retention", "care_records:retention", _("Retention"), shown=_clinical),
    ],
)


# Records -------------------------------------------------------------------------------------


def _records():
    """Every student with their attention level, the most followed first."""
    rank = Case(
        *[When(care_level=code, then=Value(i)) for i, code in enumerate(LEVEL_ORDER)],
        output_field=IntegerField(),
    )
    return (
        selectors.students_with_level()
        .annotate(rank=rank)
        .order_by("-rank", "school_class__grade", "school_class__name", "student_number")
    )


records = Resource(
    name="care-records",
    model=Student,
    label=_("Mental-health records (心理健康档案)"),
    policy=record_policy,
    selector=_records,
    audit="care.record",
    student_of=lambda student: student,
    narrows=False,  # students offered as choices are narrowed by the roster's policy
    filters=[
        Filter(
            "level",
            _("Attention level"),
            choices=[("followed", _("Followed (any level)")), *AttentionLevel.choices],
            apply=lambda qs, v: qs.exclude(care_level="none") if v == "followed" else qs.filter(care_level=v),
        ),
        Filter("class", _("Class"), choices=class_choices, lookup="school_class__public_id"),
        Filter(
            "status",
            _("Status"),
            choices=[("active", _("In school")), ("archived", _("Left (archived)"))],
        ),
        Filter("q", _("Name or student number"), apply=student_search()),
    ],
)


# Observations --------------------------------------------------------------------------------


def _acknowledge(observation, *, actor, data):
    if data.get("acknowledged"):
        return record_services.observation_acknowledge(observation, actor=actor)
    return observation


observations = Resource(
    name="observations",
    model=Observation,
    label=_("Observations and referrals"),
    policy=observation_policy,
    selector=selectors.observations,
    create=record_services.observation_create,
    update=_acknowledge,
    audit="care.observation",
    filters=[
        Filter("kind", _("Kind"), choices=list(ObservationKind.choices)),
        Filter(
            "seen",
            _("Seen by a counselor"),
            choices=[("no", _("Not yet")), ("yes", _("Seen"))],
            apply=lambda qs, v: qs.filter(acknowledged_at__isnull=(v == "no")),
        ),
        Filter("class", _("Class"), choices=class_choices, lookup="student__school_class__public_id"),
        Filter("student", _("Student"), kind="uuid", lookup="student__public_id"),
        Filter("q", _("Name or student number"), apply=student_search("student__")),
    ],
)


# Consent -------------------------------------------------------------------------------------


def _consents():
    """Consent answers, each marked with the latest answer of its student (`latest_pk`)."""
    latest = (
        Consent.objects.filter(student=OuterRef("student"), purpose=OuterRef("purpose"))
        .order_by("-recorded_on", "-id")
        .values("pk")[:1]
    )
    return selectors.consents().annotate(latest_pk=Subquery(latest))


consents = Resource(
    name="consents",
    model=Consent,
    label=_("Screening consent (知情同意)"),
    policy=consent_policy,
    selector=_consents,
    create=record_services.consent_record,
    audit="care.consent",
    filters=[
        Filter("status", _("Answer"), choices=list(ConsentStatus.choices)),
        Filter("student", _("Student"), kind="uuid", lookup="student__public_id"),
        Filter(
            "in_force",
            _("In force"),
            choices=[("yes", _("Only the answer in force"))],
            apply=lambda qs, v: qs.filter(pk=F("latest_pk")),
            kind="flag",
        ),
        Filter("q", _("Name or student number"), apply=student_search("student__")),
    ],
)


# The audit trail -----------------------------------------------------------------------------


def _people(request):
    return [(name, name) for name in selectors.audit_people()] if audit_policy.can_read(request.user) else []


def _student(qs, value):
    # A student's id (the API) or student number (the page's search box).
    if is_uuid(value):
        return qs.filter(student_ref=value)
    return qs.filter(student_number=value)


audit_events = Resource(
    name="audit-events",
    model=AuditEvent,
    label=_("Audit trail"),
    policy=audit_policy,
    selector=selectors.audit_events,
    audit="care.audit",
    filters=[
        Filter("from", _("From (YYYY-MM-DD)"), kind="date", lookup="at__date__gte"),
        Filter("to", _("To (YYYY-MM-DD)"), kind="date", lookup="at__date__lte"),
        Filter("action", _("What"), choices=list(AuditAction.choices)),
        Filter("person", _("Who"), choices=_people, lookup="actor_name"),
        Filter("student", _("Student number"), apply=_student),
        Filter("student_number", _("Student number"), lookup="student_number"),
    ],
)


# Record transfers ----------------------------------------------------------------------------


received = Resource(
    name="record-transfers-received",
    model=IncomingTransfer,
    label=_("Records received from other schools"),
    policy=transfer_policy,
    selector=lambda: IncomingTransfer.objects.select_related("accepted_by", "student").order_by(
        "status", "-created_at"
    ),
    audit="care.transfer",
)

sent = Resource(
    name="record-transfers-sent",
    model=OutgoingTransfer,
    label=_("Records sent to other schools"),
    policy=transfer_policy,
    selector=lambda: OutgoingTransfer.objects.order_by("-created_at"),
    audit="care.transfer",
    # The student has left: the receipt keeps only their id, which the event names.
    student_of=lambda receipt: SimpleNamespace(public_id=receipt.student_ref),
)


# How long each type of record is kept. No API: its pages are tested in tests/care/test_retention.py.
retention_rules = Resource(
    name="retention-rules",
    model=RetentionRule,
    label=_("Retention periods"),
    policy=retention_policy,
    selector=lambda: RetentionRule.objects.order_by("record_type"),
)
