"""Reporting models (public schema).

Report forms (data sets) name data elements and a period type; a school's submission of a form for
a period goes through the workflow open → complete → approved (locked) or returned, every step
recorded as an event with the district or school username (never anything about a student).
Information reports reach the district as copies of what the school wrote for the district, keyed
by (school, the school-side public id): public tables never point at school tables.
"""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from district.models import School
from figures.models import DataElement, Period, PeriodKind


def local_date(moment):
    """The calendar date of a stored (UTC) moment in the display time zone (Asia/Shanghai)."""
    return timezone.localtime(moment, ZoneInfo(settings.DISPLAY_TIME_ZONE)).date()


class ReportForm(models.Model):
    """A report form (data set): which data elements, for which period type, and the deadline."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    elements = models.ManyToManyField(DataElement, verbose_name=_("data elements"), related_name="forms")
    period_kind = models.CharField(_("period type"), max_length=10, choices=PeriodKind.choices)
    deadline_days = models.PositiveSmallIntegerField(_("deadline (days after the period ends)"), default=30)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_kind__in=PeriodKind.values), name="report_form_period_kind_known"
            ),
        ]

    def __str__(self):
        return self.name

    def deadline_for(self, period: Period):
        return period.end + timedelta(days=self.deadline_days)


class SubmissionStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    COMPLETE = "complete", _("Complete")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class Submission(models.Model):
    """One school's report form for one period."""

    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="submissions")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="report_submissions")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="report_submissions")
    status = models.CharField(
        _("status"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.OPEN
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.CharField(_("completed by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    returned_reason = models.TextField(_("reason for return"), blank=True)

    class Meta:
        verbose_name = _("report submission")
        ordering = ["form", "period", "school"]
        constraints = [
            models.UniqueConstraint(fields=["form", "school", "period"], name="report_submission_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=SubmissionStatus.values), name="report_submission_status_known"
            ),
        ]

    @property
    def locked(self) -> bool:
        return self.status == SubmissionStatus.APPROVED

    @property
    def editable_by_school(self) -> bool:
        return self.status in (SubmissionStatus.OPEN, SubmissionStatus.RETURNED)

    @property
    def deadline(self):
        return self.form.deadline_for(self.period)

    @property
    def on_time(self) -> bool | None:
        if self.completed_at is None:
            return None
        return local_date(self.completed_at) <= self.deadline


class ManualValue(models.Model):
    """A value the school entered where no records lie behind an element, with a comment written
    for the district (checked for personal data before it is saved)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="manual_values")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+")
    breakdown = models.CharField(max_length=40, blank=True, default="")
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.CharField(max_length=150)
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "element", "breakdown"], name="manual_value_once"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="manual_value_not_negative"),
        ]


class EventAction(models.TextChoices):
    VALUE_SET = "value_set", _("Value entered")
    VALUE_CLEARED = "value_cleared", _("Value removed")
    COMPLETED = "completed", _("Marked complete")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    REOPENED = "reopened", _("Reopened")


class SubmissionEvent(models.Model):
    """Who did what to a submission, and when (usernames only)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=EventAction.choices)
    actor = models.CharField(max_length=150)
    on_district = models.BooleanField(default=False)
    at = models.DateTimeField()
    # The reason of a return, or the element code of a value change.
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class InfoReportStatus(models.TextChoices):
    DUE = "due", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")


class DistrictInfoReport(models.Model):
    """A school's information report as the district reads it. Scheduled reports are mirrored without
    text (status "due": kind, period and due date only), so that the district knows what is expected;
    on submission the copy gets the title and the text the school wrote for the district (it passed
    the personal-data check first)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="info_reports")
    school_report_id = models.UUIDField()
    kind = models.CharField(_("kind"), max_length=20)
    kind_label = models.CharField(_("kind"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    due_on = models.DateField(_("due date"))
    body = models.TextField(_("content"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.CharField(_("submitted by"), max_length=150, blank=True)
    on_time = models.BooleanField(_("on time"), null=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InfoReportStatus.choices, default=InfoReportStatus.DUE
    )
    returned_reason = models.TextField(_("reason for return"), blank=True)
    returned_by = models.CharField(max_length=150, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("information report (district copy)")
        ordering = ["due_on", "school"]
        indexes = [models.Index(fields=["due_on"], name="district_info_report_due")]
        constraints = [
            models.UniqueConstraint(fields=["school", "school_report_id"], name="district_info_report_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=InfoReportStatus.values),
                name="district_info_report_status_known",
            ),
        ]


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"
    PDF = "pdf", "PDF"
    JSON = "json", _("JSON (dataValueSets)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """One export of an approved period, and the download history entry for it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="exports")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="report_exports")
    fmt = models.CharField(_("format"), max_length=5, choices=ExportFormat.choices)
    # School codes asked for; empty means all schools.
    selection = models.JSONField(default=list, blank=True)
    # School codes the file holds (approved submissions), and those asked for but left out.
    included = models.JSONField(default=list, blank=True)
    left_out = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=200, blank=True)
    requested_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fmt__in=ExportFormat.values), name="export_format_known"
            ),
        ]
