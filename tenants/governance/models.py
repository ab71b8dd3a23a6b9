"""Leadership group (领导小组), work plans (工作计划), rules (规章制度) and information reports (信息报告).

History tables (roster changes, rule versions, report status changes) are append-only: the services
write them and nothing updates or deletes a row.
"""

import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared.calendar import school_year_bounds
from shared.models import AuthoredModel, SingletonRange, one_of
from tenants.common.choices import Department, Term


class DateRange(models.Func):
    """DATERANGE(start, end, '[]'): a term with both ends included; an open end is unbounded."""

    function = "DATERANGE"
    output_field = DateRangeField()


def _term_range():
    return DateRange("starts_on", "ends_on", RangeBoundary(inclusive_lower=True, inclusive_upper=True))


def local_date(moment):
    """The calendar date of a stored (UTC) moment at the school, in Asia/Shanghai."""
    return timezone.localtime(moment, ZoneInfo(settings.DISPLAY_TIME_ZONE)).date()


def _school_year_ok(value: str) -> bool:
    try:
        school_year_bounds(value)
    except ValueError:
        return False
    return True


class AppendOnly(models.Model):
    """A history row: written once by a service, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("History is kept as written and cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("History is kept as written and cannot be deleted."))


# --- Work plans ---------------------------------------------------------------------------------


class PlanKind(models.TextChoices):
    ANNUAL = "annual", _("Annual plan (年度工作计划)")
    PHASE = "phase", _("Phase plan (阶段性工作计划)")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class Plan(AuthoredModel):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices, default=PlanKind.ANNUAL)
    school_year = models.CharField(_("school year"), max_length=9, help_text=_("For example 2026-2027"))
    term = models.CharField(_("term"), max_length=10, choices=Term.choices, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    goals = models.TextField(_("goals"))
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    summary = models.TextField(_("closing summary"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="plan_dates_in_order"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(summary=""), name="plan_closed_has_summary"
            ),
            models.CheckConstraint(
                condition=models.Q(school_year__regex=r"^\d{4}-\d{4}$"), name="plan_school_year_format"
            ),
            models.CheckConstraint(condition=one_of("kind", PlanKind.values), name="plan_kind_known"),
            models.CheckConstraint(condition=one_of("status", PlanStatus.values), name="plan_status_known"),
            models.CheckConstraint(condition=one_of("term", ["", *Term.values]), name="plan_term_known"),
            models.CheckConstraint(
                condition=~models.Q(kind="phase") | ~models.Q(term=""), name="plan_phase_has_term"
            ),
            # Every status after draft was reached through the principal's approval.
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(approved_by__isnull=False, approved_at__isnull=False),
                name="plan_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="plan_closed_has_time",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date must not be before the start date.")
        if self.school_year and not _school_year_ok(self.school_year):
            errors["school_year"] = _("Write the school year as two consecutive years, e.g. 2026-2027.")
        if self.kind == PlanKind.PHASE and not self.term:
            errors["term"] = _("A phase plan belongs to a term: choose one.")
        if errors:
            raise ValidationError(errors)


# --- Leadership group ---------------------------------------------------------------------------


class GroupRole(models.TextChoices):
    LEADER = "leader", _("Leader (组长)")
    DEPUTY = "deputy", _("Deputy leader (副组长)")
    MEMBER = "member", _("Member (成员)")
    SECRETARY = "secretary", _("Secretary (秘书)")


class GroupMember(AuthoredModel):
    """One term of one person on the leadership group (领导小组)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="group_memberships",
    )
    role = models.CharField(_("role in the group"), max_length=20, choices=GroupRole.choices)
    department = models.CharField(_("department"), max_length=20, choices=Department.choices, blank=True)
    duties = models.CharField(_("duties (分工)"), max_length=300, blank=True)
    starts_on = models.DateField(_("term starts on"))
    ends_on = models.DateField(
        _("term ends on"), null=True, blank=True, help_text=_("Leave empty while the term runs.")
    )

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("role", GroupRole.values), name="group_member_role_known"
            ),
            models.CheckConstraint(
                condition=one_of("department", ["", *Department.values]), name="group_member_department_known"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="group_member_term_in_order",
            ),
            ExclusionConstraint(
                name="group_member_one_term_at_a_time",
                expressions=[
                    (SingletonRange("person"), RangeOperators.OVERLAPS),
                    (_term_range(), RangeOperators.OVERLAPS),
                ],
            ),
            ExclusionConstraint(
                name="group_one_leader_at_a_time",
                expressions=[(_term_range(), RangeOperators.OVERLAPS)],
                condition=models.Q(role="leader"),
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_role_display()}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The term cannot end before it starts.")})

    def on_group(self, on) -> bool:
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


class AttendeeKind(models.TextChoices):
    OUTSIDE_COUNSELOR = "outside_counselor", _("Outside counselor (专业心理咨询师)")
    PSYCHOLOGY_EXPERT = "psychology_expert", _("Psychology expert (心理学专家)")
    PARENT = "parent", _("Parent representative (家长代表)")
    STUDENT = "student", _("Student representative (学生代表)")


class GroupAttendee(AuthoredModel):
    """Someone invited to attend the group's meetings (列席), with or without an account."""

    kind = models.CharField(_("kind"), max_length=30, choices=AttendeeKind.choices)
    name = models.CharField(_("name"), max_length=50)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("school account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_attendances",
        help_text=_("Only if this person has an account at the school."),
    )
    affiliation = models.CharField(_("organization or class"), max_length=100, blank=True)
    starts_on = models.DateField(_("invited from"))
    ends_on = models.DateField(
        _("invited until"), null=True, blank=True, help_text=_("Leave empty while the invitation runs.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("invited attendee")
        verbose_name_plural = _("invited attendees")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("kind", AttendeeKind.values), name="group_attendee_kind_known"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="group_attendee_has_name"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="group_attendee_term_in_order",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The invitation cannot end before it starts.")})
        if not (self.name or "").strip():
            raise ValidationError({"name": _("Write the attendee's name.")})

    def on_group(self, on) -> bool:
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


class RosterSubject(models.TextChoices):
    MEMBER = "member", _("Group member")
    ATTENDEE = "attendee", _("Invited attendee")


class RosterAction(models.TextChoices):
    ADDED = "added", _("Added")
    CHANGED = "changed", _("Changed")
    ENDED = "ended", _("Term ended")
    REMOVED = "removed", _("Removed")


class RosterChange(AppendOnly):
    """Every change to the roster: who, what changed, when and by whom. The subject is referenced
    by its public id (not a foreign key) so the row outlives a removed entry unchanged."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField(_("entry"), max_length=20, choices=RosterSubject.choices)
    subject_id = models.UUIDField(_("entry id"))
    subject_name = models.CharField(_("name"), max_length=100)
    action = models.CharField(_("action"), max_length=20, choices=RosterAction.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("roster change")
        verbose_name_plural = _("roster changes")
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("subject", RosterSubject.values), name="roster_change_subject_known"
            ),
            models.CheckConstraint(
                condition=one_of("action", RosterAction.values), name="roster_change_action_known"
            ),
        ]
        indexes = [models.Index(fields=["subject_id", "changed_at"])]


# --- Rules and regulations ----------------------------------------------------------------------


class RuleCategory(models.TextChoices):
    MANAGEMENT = "management", _("Management rules (管理制度)")
    DUTIES = "duties", _("Job duties (工作职责)")
    PROCEDURE = "procedure", _("Work procedures (工作流程)")
    OTHER = "other", _("Other (其他)")


class RuleDocument(AuthoredModel):
    """A school rule or regulation (规章制度). Its text lives in versions; every version is kept."""

    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=RuleCategory.choices)

    class Meta:
        verbose_name = _("rule document")
        verbose_name_plural = _("rules and regulations")
        ordering = ["category", "title"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("category", RuleCategory.values), name="rule_document_category_known"
            ),
            models.UniqueConstraint(fields=["title"], name="rule_document_title_unique"),
        ]

    def __str__(self):
        return self.title

    def version_on(self, on):
        """The version in force on `on`: the latest effective date on or before it (the later
        version wins on the same date), or None."""
        return self.versions.filter(effective_on__lte=on).order_by("-effective_on", "-number").first()


class RuleVersion(AppendOnly):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(RuleDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"), blank=True)
    effective_on = models.DateField(_("effective from"))
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="rule_version_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="rule_version_number_positive"),
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"


# --- Information reports ------------------------------------------------------------------------


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly report (月报)")
    TERMLY = "termly", _("Term report (学期报告)")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class InfoReport(AuthoredModel):
    """A scheduled information report to the district (信息报告). Late is derived, never stored."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    title = models.CharField(_("title"), max_length=200)
    school_year = models.CharField(_("school year"), max_length=9, help_text=_("For example 2026-2027"))
    term = models.CharField(_("term"), max_length=10, choices=Term.choices, blank=True)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    content = models.TextField(_("content"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("information report")
        verbose_name_plural = _("information reports")
        ordering = ["due_on", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("kind", ReportKind.values), name="info_report_kind_known"
            ),
            models.CheckConstraint(
                condition=one_of("status", ReportStatus.values), name="info_report_status_known"
            ),
            models.CheckConstraint(
                condition=one_of("term", ["", *Term.values]), name="info_report_term_known"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="info_report_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("period_end")), name="info_report_due_after_period"
            ),
            models.CheckConstraint(
                condition=models.Q(school_year__regex=r"^\d{4}-\d{4}$"), name="info_report_school_year_format"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", submitted_at__isnull=True, submitted_by__isnull=True)
                | models.Q(status="submitted", submitted_at__isnull=False, submitted_by__isnull=False),
                name="info_report_submission_recorded",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="submitted") | ~models.Q(content=""),
                name="info_report_submitted_has_content",
            ),
            models.UniqueConstraint(fields=["kind", "period_start"], name="info_report_once_per_period"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period cannot end before it starts.")
        elif self.period_end and self.due_on and self.due_on < self.period_end:
            errors["due_on"] = _("The due date cannot be before the end of the period.")
        if self.school_year and not _school_year_ok(self.school_year):
            errors["school_year"] = _("Write the school year as two consecutive years, e.g. 2026-2027.")
        if self.kind == ReportKind.TERMLY and not self.term:
            errors["term"] = _("A term report belongs to a term: choose one.")
        if errors:
            raise ValidationError(errors)

    def is_late_on(self, today) -> bool:
        if self.status == ReportStatus.SUBMITTED:
            return local_date(self.submitted_at) > self.due_on
        return today > self.due_on


class ReportStatusChange(AppendOnly):
    """Each status change of a report, with its time: the district reads timeliness from here."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(InfoReport, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ReportStatus.choices)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report status change")
        # In the order the changes were recorded (an imported submission may carry an earlier time).
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("from_status", ["", *ReportStatus.values]),
                name="report_status_change_from_known",
            ),
            models.CheckConstraint(
                condition=one_of("to_status", ReportStatus.values), name="report_status_change_to_known"
            ),
        ]
