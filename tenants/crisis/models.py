"""Crisis intervention (危机干预): emergency plans, cases and their steps, time limits, break-glass.

A case moves through fixed steps in order; each step is one CaseStep row, timed and attributed.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared.crypto import EncryptedTextField
from shared.models import AuthoredModel, PublicModel, one_of
from tenants.students.models import Student


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Step(models.TextChoices):
    IDENTIFIED = "identified", _("Identified (发现)")
    ASSESSED = "assessed", _("Risk assessed (评估)")
    INTERVENTION = "intervention", _("Intervention (干预)")
    GUARDIANS_NOTIFIED = "guardians_notified", _("Guardians notified (通知监护人)")
    REFERRAL = "referral", _("Referral (转介)")
    FOLLOW_UP = "follow_up", _("Follow-up (跟踪)")
    CLOSED = "closed", _("Closed (结案)")


STEP_ORDER = [s.value for s in Step]


class IdentifiedHow(models.TextChoices):
    SCREENING = "screening", _("Screening safety flag")
    OBSERVATION = "observation", _("Teacher observation")
    SELF_REPORT = "self_report", _("Student asked for help")
    REPORT = "report", _("Reported by a classmate or parent")
    OTHER = "other", _("Other")


class EmergencyPlan(AuthoredModel):
    """应急预案: the school's plan for crises, with versions by date."""

    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("version"), max_length=20)
    effective_on = models.DateField(_("in force from"))
    body = models.TextField(_("text"))

    class Meta:
        ordering = ["-effective_on", "-id"]


class CrisisCase(PublicModel):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="crisis_cases")
    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    step = models.CharField(_("current step"), max_length=20, choices=Step.choices, default="identified")
    identified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    identified_how = models.CharField(_("identified how"), max_length=12, choices=IdentifiedHow.choices)
    screening = models.ForeignKey(
        "screening.Response", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counselor in charge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    narrative = EncryptedTextField(_("what happened"), blank=True)
    summary = EncryptedTextField(_("closing summary"), blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("level", RiskLevel.values), name="crisis_case_level_known"
            ),
            models.CheckConstraint(condition=one_of("step", STEP_ORDER), name="crisis_case_step_known"),
            models.CheckConstraint(
                condition=models.Q(step="closed", closed_at__isnull=False)
                | (~models.Q(step="closed") & models.Q(closed_at__isnull=True)),
                name="crisis_case_closed_has_time",
            ),
        ]


class CaseStep(PublicModel):
    case = models.ForeignKey(CrisisCase, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=20, choices=Step.choices)
    done_at = models.DateTimeField()
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    # Why a step was not needed (e.g. no referral): clinical text, for the care team only.
    skipped_reason = EncryptedTextField(blank=True, help_text="e.g. referral not needed")
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["done_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="crisis_step_once_per_case"),
            models.CheckConstraint(condition=one_of("step", STEP_ORDER), name="crisis_step_known"),
        ]


class TimeLimit(models.Model):
    """How long a case of a level may wait for a step, counted from when the case was opened."""

    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    minutes = models.PositiveIntegerField(_("within (minutes)"))

    class Meta:
        ordering = ["level", "step"]
        constraints = [models.UniqueConstraint(fields=["level", "step"], name="crisis_limit_once")]


class BreakGlass(models.Model):
    """The principal opened one case's detail, with a stated reason. The reason is encrypted and
    shown to the care team only; the audit event of the break-glass refers to this row by public id."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(CrisisCase, on_delete=models.CASCADE, related_name="break_glass")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField()
    at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]


class DutyAssignment(models.Model):
    """Who is on duty (值班) on a day: they get the alerts of new crisis cases first. On a day with
    nobody assigned, every counselor and psychology teacher is alerted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("counselor"), on_delete=models.CASCADE, related_name="+"
    )
    on_date = models.DateField(_("date"))

    class Meta:
        ordering = ["on_date"]
        constraints = [models.UniqueConstraint(fields=["user", "on_date"], name="crisis_duty_once_a_day")]
