"""Team building (队伍建设): the staff roster with qualifications, training plans and training records.

School years run from 1 September to 31 August and are written "2026-2027".
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared import calendar
from shared.models import AuthoredModel, one_of

# Named here too: the migrations refer to it by this path.
validate_school_year = calendar.validate_school_year


class Position(models.TextChoices):
    PSYCHOLOGY_TEACHER = "psychology_teacher", _("Psychology teacher (心理教师)")
    HOMEROOM_TEACHER = "homeroom_teacher", _("Homeroom teacher (班主任)")
    COUNSELOR = "counselor", _("Counselor (辅导员)")
    SUBJECT_TEACHER = "subject_teacher", _("Subject teacher (学科教师)")
    ADMINISTRATOR = "administrator", _("Administrator (行政人员)")
    OTHER = "other", _("Other")


class PsychologyPost(models.TextChoices):
    FULL_TIME = "full_time", _("Full-time psychology teacher (专职)")
    PART_TIME = "part_time", _("Part-time psychology teacher (兼职)")
    NONE = "none", _("Not a psychology teacher")


class StaffMember(AuthoredModel):
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("school account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_record",
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position"), max_length=30, choices=Position.choices)
    psychology_post = models.CharField(
        _("psychology teacher post"),
        max_length=20,
        choices=PsychologyPost.choices,
        default=PsychologyPost.NONE,
    )
    qualification = models.CharField(
        _("qualification"),
        max_length=200,
        blank=True,
        help_text=_("For example 心理健康教育教师资格 (C证) or 国家二级心理咨询师."),
    )
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    is_active = models.BooleanField(_("on staff"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("position", Position.values), name="team_staff_position_known"
            ),
            models.CheckConstraint(
                condition=one_of("psychology_post", PsychologyPost.values), name="team_staff_post_known"
            ),
            # A psychology teacher is either full-time (专职) or part-time (兼职).
            models.CheckConstraint(
                condition=~models.Q(position="psychology_teacher") | ~models.Q(psychology_post="none"),
                name="team_psychology_teacher_has_post",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.position == Position.PSYCHOLOGY_TEACHER and self.psychology_post == PsychologyPost.NONE:
            raise ValidationError(
                {"psychology_post": _("A psychology teacher is either full-time (专职) or part-time (兼职).")}
            )


class Audience(models.TextChoices):
    ALL_STAFF = "all_staff", _("All teachers (全体教师)")
    PSYCHOLOGY_TEACHERS = "psychology_teachers", _("Psychology teachers (心理教师)")
    HOMEROOM_TEACHERS = "homeroom_teachers", _("Homeroom teachers (班主任)")
    COUNSELORS = "counselors", _("Counselors (辅导员)")
    NEW_TEACHERS = "new_teachers", _("New teachers (新教师)")
    LEADERSHIP = "leadership", _("Leadership group (领导小组)")


class TrainingPlan(AuthoredModel):
    title = models.CharField(_("title"), max_length=200)
    school_year = models.CharField(_("school year"), max_length=9, validators=[validate_school_year])
    audience = models.CharField(_("audience"), max_length=30, choices=Audience.choices)
    planned_hours = models.DecimalField(
        _("planned hours"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Hours each participant is to take."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    description = models.TextField(_("content"), blank=True)

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_hours__gte=0), name="team_plan_hours_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="team_plan_dates_in_order"
            ),
            models.CheckConstraint(
                condition=one_of("audience", Audience.values), name="team_plan_audience_known"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})


class TrainingRecord(AuthoredModel):
    staff = models.ForeignKey(
        StaffMember, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="training_records"
    )
    plan = models.ForeignKey(
        TrainingPlan,
        verbose_name=_("training plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="records",
    )
    title = models.CharField(_("training"), max_length=200)
    trained_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )
    provider = models.CharField(_("organized by"), max_length=200, blank=True)
    certificate = models.CharField(_("certificate"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-trained_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="team_record_hours_positive"),
        ]
        indexes = [models.Index(fields=["staff", "trained_on"], name="team_record_staff_date")]

    def __str__(self):
        return f"{self.staff} · {self.title}"
