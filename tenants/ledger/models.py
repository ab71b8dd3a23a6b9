"""The task ledger (工作台账) and the meetings (工作会议) whose action items become tasks."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared.models import AuthoredModel, PublicModel, one_of
from tenants.common.choices import Department


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class TaskStatus(models.TextChoices):
    TODO = "todo", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (TaskStatus.TODO, TaskStatus.IN_PROGRESS)


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(AuthoredModel):
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=100, blank=True)
    agenda = models.TextField(_("agenda"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        related_name="chaired_meetings",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    minutes = models.TextField(_("minutes"), blank=True)
    invitees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="MeetingInvitation",
        related_name="meeting_invitations",
        verbose_name=_("invitees"),
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The meeting must end after it starts.")})


class MeetingInvitation(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="invitation_once_per_person")
        ]


class MeetingDecision(PublicModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))

    class Meta:
        ordering = ["id"]


class Task(AuthoredModel):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # 专人负责: exactly one responsible person.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        related_name="owned_tasks",
    )
    due_on = models.DateField(_("due date"))
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.TODO)
    department = models.CharField(_("department"), max_length=20, choices=Department.choices, blank=True)
    plan = models.ForeignKey(
        "governance.Plan",
        verbose_name=_("work plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    last_reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=one_of("priority", Priority.values), name="task_priority_known"),
            models.CheckConstraint(condition=one_of("status", TaskStatus.values), name="task_status_known"),
            models.CheckConstraint(
                condition=models.Q(status="done", completed_at__isnull=False) | ~models.Q(status="done"),
                name="task_done_has_completion_time",
            ),
        ]
        indexes = [models.Index(fields=["owner", "status", "due_on"])]

    def __str__(self):
        return self.title


class MeetingActionItem(PublicModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(_("action item"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due date"))
    task = models.OneToOneField(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_item"
    )

    class Meta:
        ordering = ["id"]


class ProgressNote(AuthoredModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("progress note"))

    class Meta:
        verbose_name = _("progress note")
        ordering = ["created_at"]
