"""Individual counseling (个别辅导), referrals to medical institutions with return-to-school plans,
and one student, one plan (一生一策) with its reviews."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared.crypto import EncryptedTextField
from shared.models import AuthoredModel, PublicModel, one_of
from tenants.resources.models import RoomBooking
from tenants.students.models import Student


class IssueCategory(models.TextChoices):
    STUDY = "study", _("Study and exams (学业)")
    EMOTION = "emotion", _("Emotions (情绪)")
    RELATIONSHIPS = "relationships", _("Peers and teachers (人际)")
    FAMILY = "family", _("Family (家庭)")
    ADAPTATION = "adaptation", _("Adapting to school (适应)")
    SELF = "self", _("Self and growth (自我成长)")
    BEHAVIOUR = "behaviour", _("Behaviour (行为)")
    OTHER = "other", _("Other (其他)")


class CounselingSession(AuthoredModel):
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="counseling_sessions"
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("counselor"), on_delete=models.PROTECT, related_name="+"
    )
    booking = models.ForeignKey(
        RoomBooking,
        verbose_name=_("room booking"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    held_at = models.DateTimeField(_("held at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    category = models.CharField(_("issue category"), max_length=15, choices=IssueCategory.choices)
    notes = EncryptedTextField(_("notes"), blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("category", IssueCategory.values), name="counseling_session_category_known"
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=240),
                name="counseling_session_duration_range",
            ),
        ]


class Referral(AuthoredModel):
    """A referral to a medical institution (转介就医), the feedback received, and the plan for the
    student's return to school after treatment."""

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="medical_referrals"
    )
    institution = EncryptedTextField(_("institution"))
    # The directory entry (directory.ServiceEntry, public schema) the institution was picked from: its
    # public id, encrypted like the name (where a student was referred is clinical), so not a plain
    # foreign key. `institution` keeps the entry's name as it was then; rows from before the
    # directory keep their free text and have no entry.
    institution_ref = EncryptedTextField(_("directory entry"), blank=True)
    referred_on = models.DateField(_("referred on"))
    reason = EncryptedTextField(_("reason"))
    feedback = EncryptedTextField(_("feedback received"), blank=True)
    feedback_on = models.DateField(_("feedback on"), null=True, blank=True)
    return_plan = EncryptedTextField(_("return-to-school plan"), blank=True)
    return_on = models.DateField(_("back at school on"), null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-referred_on", "-id"]

    @property
    def institution_entry_public_id(self):
        import uuid

        try:
            return uuid.UUID(self.institution_ref) if self.institution_ref else None
        except ValueError:
            return None

    @property
    def institution_entry(self):
        """The directory entry, if it was picked from the directory and is still there."""
        from directory.models import ServiceEntry

        ref = self.institution_entry_public_id
        return ServiceEntry.objects.filter(public_id=ref).first() if ref else None


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    CLOSED = "closed", _("Closed")


class CarePlan(AuthoredModel):
    """一生一策: the plan for one student at elevated attention or above."""

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="care_plans"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    goals = EncryptedTextField(_("goals"))
    supports = EncryptedTextField(_("supports"))
    starts_on = models.DateField(_("starts on"))
    review_every_days = models.PositiveSmallIntegerField(_("review every (days)"), default=30)
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default="active")
    closed_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("status", PlanStatus.values), name="counseling_plan_status_known"
            ),
            # One active plan per student: the plan is the student's, whoever owns it.
            models.UniqueConstraint(
                fields=["student"],
                condition=models.Q(status="active"),
                name="counseling_one_active_plan_per_student",
            ),
            models.CheckConstraint(
                condition=models.Q(review_every_days__gte=7, review_every_days__lte=180),
                name="counseling_plan_review_interval_range",
            ),
        ]


class PlanReview(PublicModel):
    """A review date of a plan; done when its progress check is written."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="reviews")
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    progress = EncryptedTextField(_("progress check"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            # At most one review waits at a time: the next one is scheduled when this one is done.
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(done_at__isnull=True),
                name="counseling_one_pending_review_per_plan",
            ),
        ]
