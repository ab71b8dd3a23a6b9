"""A student's mental-health record (心理健康档案): the attention level and its history, homeroom
teachers' observations and referrals, guardian consent, the audit trail of every read and change,
retention rules and record transfers between schools.

Clinical text is encrypted at rest (EncryptedTextField). The audit table is append-only in the
database: a trigger refuses UPDATE and DELETE (migration 0002).
"""

from django.conf import settings
from django.contrib.postgres.functions import RandomUUID
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared.crypto import EncryptedTextField
from shared.models import AuthoredModel, PublicModel, one_of
from tenants.students.models import Student


class AttentionLevel(models.TextChoices):
    NONE = "none", _("None")
    ATTENTION = "attention", _("Attention (关注)")
    ELEVATED = "elevated", _("Elevated (重点关注)")
    HIGH = "high", _("High (高度关注)")
    CRISIS = "crisis", _("Crisis (危机)")


# Ordered from lowest to highest: a plan (一生一策) is needed from ELEVATED up.
LEVEL_ORDER = [c.value for c in AttentionLevel]
PLAN_LEVELS = ("elevated", "high", "crisis")


class CareRecord(PublicModel):
    """The head of a student's record: the current attention level, why, who set it and when.
    Exactly one per student once anything is recorded; every change is also an AttentionChange."""

    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="care_record")
    level = models.CharField(
        _("attention level"), max_length=10, choices=AttentionLevel.choices, default="none"
    )
    reason = EncryptedTextField(_("reason"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=one_of("level", LEVEL_ORDER), name="care_record_level_known"),
        ]


class AttentionChange(PublicModel):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="attention_changes")
    from_level = models.CharField(max_length=10, choices=AttentionLevel.choices)
    to_level = models.CharField(max_length=10, choices=AttentionLevel.choices)
    reason = EncryptedTextField(_("reason"))
    # None when the platform made the change (a student's own screening through a link).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("from_level", LEVEL_ORDER), name="care_change_from_known"
            ),
            models.CheckConstraint(condition=one_of("to_level", LEVEL_ORDER), name="care_change_to_known"),
        ]


class ObservationKind(models.TextChoices):
    OBSERVATION = "observation", _("Observation (日常观察)")
    REFERRAL = "referral", _("Referral to the counselor (转介心理老师)")


class Observation(AuthoredModel):
    """What a homeroom teacher noticed, or a referral of the student to the counselors."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="observations")
    kind = models.CharField(_("kind"), max_length=12, choices=ObservationKind.choices, default="observation")
    observed_on = models.DateField(_("date"))
    text = EncryptedTextField(_("what was observed"))
    acknowledged_at = models.DateTimeField(_("seen by a counselor at"), null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-observed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("kind", ObservationKind.values), name="care_observation_kind_known"
            ),
        ]


class ConsentPurpose(models.TextChoices):
    SCREENING = "screening", _("Psychological screening (心理测评)")


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Consent(AuthoredModel):
    """A guardian's answer. The latest record per student and purpose is the one in force."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(
        _("purpose"), max_length=12, choices=ConsentPurpose.choices, default="screening"
    )
    status = models.CharField(_("answer"), max_length=10, choices=ConsentStatus.choices)
    guardian_name = models.CharField(_("guardian"), max_length=50)
    recorded_on = models.DateField(_("date"))
    note = EncryptedTextField(_("note"), blank=True)  # read by the care team only

    class Meta:
        ordering = ["-recorded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("purpose", ConsentPurpose.values), name="care_consent_purpose_known"
            ),
            models.CheckConstraint(
                condition=one_of("status", ConsentStatus.values), name="care_consent_status_known"
            ),
        ]


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    LIST = "list", _("Listed")
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")
    BREAK_GLASS = "break_glass", _("Emergency access (break-glass)")
    TRANSFER = "transfer", _("Transferred")
    ARCHIVE = "archive", _("Archived (retention)")


class AuditEvent(models.Model):
    """One read or change of a student's sensitive data. Append-only: a database trigger refuses
    UPDATE and DELETE. The student is kept by public id, not by foreign key, so the trail outlives
    records deleted at the end of their retention period."""

    # Filled in by the database (gen_random_uuid()), so adding the column needed no UPDATE of the
    # append-only rows.
    public_id = models.UUIDField(db_default=RandomUUID(), unique=True, editable=False)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("who"), max_length=80)
    action = models.CharField(_("what"), max_length=12, choices=AuditAction.choices)
    subject = models.CharField(_("record"), max_length=40, help_text="e.g. screening.response")
    object_ref = models.UUIDField(null=True, blank=True)
    student_ref = models.UUIDField(null=True, blank=True, db_index=True)
    # Never clinical free text: an event whose reason is such text (a break-glass) refers to the
    # row that holds it encrypted, and says so in `reason`.
    reason = models.CharField(_("why"), max_length=300, blank=True)
    reason_ref = models.UUIDField(
        null=True, blank=True, help_text="e.g. the break-glass that holds the reason"
    )

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("action", AuditAction.values), name="care_audit_action_known"
            ),
        ]


class RecordType(models.TextChoices):
    SCREENING = "screening", _("Screening responses")
    COUNSELING = "counseling", _("Counseling sessions")
    OBSERVATION = "observation", _("Observations")
    REFERRAL = "referral", _("Medical referrals")
    CRISIS = "crisis", _("Closed crisis cases")
    PLAN = "plan", _("Closed plans (一生一策)")


class RetentionRule(models.Model):
    """How long a type of record is kept. After `keep_years` (from when it was made, or closed) it is
    archived; `grace_days` later it is deleted."""

    record_type = models.CharField(_("record type"), max_length=12, choices=RecordType.choices, unique=True)
    keep_years = models.PositiveSmallIntegerField(_("keep for (years)"), default=3)
    grace_days = models.PositiveSmallIntegerField(_("delete after archiving (days)"), default=90)

    class Meta:
        ordering = ["record_type"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("record_type", RecordType.values), name="care_retention_type_known"
            ),
            models.CheckConstraint(
                condition=models.Q(keep_years__gte=1), name="care_retention_at_least_a_year"
            ),
        ]


class TransferStatus(models.TextChoices):
    SENT = "sent", _("Sent, waiting for the receiving school")
    ACCEPTED = "accepted", _("Accepted")


class OutgoingTransfer(AuthoredModel):
    """A record sent to another school on the platform. The receipt: when and by whom it was
    accepted there, and the digest of what was sent."""

    student_ref = models.UUIDField()
    student_number = models.CharField(max_length=30)
    to_school_code = models.CharField(_("receiving school"), max_length=63)
    to_school_name = models.CharField(max_length=200)
    digest = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=TransferStatus.choices, default="sent")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by_name = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("status", TransferStatus.values), name="care_outgoing_status_known"
            ),
        ]


class IncomingTransfer(PublicModel):
    """A record received from another school: the whole package, encrypted under this school's
    key, until a counselor accepts it into a student's record."""

    from_school_code = models.CharField(max_length=63)
    from_school_name = models.CharField(_("sending school"), max_length=200)
    outgoing_ref = models.UUIDField()
    student_number = models.CharField(_("student number"), max_length=30)
    student_name = models.CharField(_("name"), max_length=50)
    package = EncryptedTextField()
    digest = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=TransferStatus.choices, default="sent")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    student = models.ForeignKey(
        Student, on_delete=models.SET_NULL, null=True, blank=True, related_name="incoming_transfers"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("status", TransferStatus.values), name="care_incoming_status_known"
            ),
        ]
