"""Exchange models (public schema): posts and replies, reports from readers, events with sign-ups,
and the district's own small notification list.

Authors are staff accounts (school or district), never students. Each row keeps the author's school
(empty for the district) and username, so that the district can always see who wrote what; other
readers see the school and role, or "匿名" when the author chose to stay anonymous. Public tables
never point at school tables: accounts are named by username within their school.
"""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from district.models import School


class PostKind(models.TextChoices):
    SHARING = "sharing", _("Experience sharing")
    QUESTION = "question", _("Question")
    CASE_STUDY = "case_study", _("Case study")


class ReviewStatus(models.TextChoices):
    # Posts other than case studies are published at once ("published").
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Awaiting review")
    RETURNED = "returned", _("Returned")


class Authored(models.Model):
    """Who wrote it: the school (empty: the district), the username and roles when writing, and
    whether the author asked to be shown as anonymous."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    author_username = models.CharField(_("author"), max_length=150)
    author_roles = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    anonymous = models.BooleanField(_("post anonymously"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_by = models.CharField(max_length=150, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def written_by(self, *, school, username: str) -> bool:
        """Whether this account (school None: the district) wrote it."""
        school_id = getattr(school, "pk", None)
        return self.school_id == school_id and self.author_username == username


class Post(Authored):
    kind = models.CharField(_("kind"), max_length=12, choices=PostKind.choices, default=PostKind.SHARING)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(_("reason for return"), blank=True)
    locked = models.BooleanField(_("locked"), default=False)
    last_activity_at = models.DateTimeField(_("last activity"), db_index=True)

    class Meta:
        verbose_name = _("exchange post")
        ordering = ["-last_activity_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=PostKind.values), name="exchange_post_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReviewStatus.values), name="exchange_post_status_known"
            ),
            # Only a case study waits for review or comes back returned.
            models.CheckConstraint(
                condition=models.Q(kind="case_study") | models.Q(status="published"),
                name="exchange_post_review_only_case_study",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ReviewStatus.PUBLISHED


class Reply(Authored):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(_("reply"))

    class Meta:
        verbose_name = _("reply")
        ordering = ["created_at", "id"]


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISMISSED = "dismissed", _("Dismissed")
    HIDDEN = "hidden", _("Hidden")


class PostReport(models.Model):
    """A reader's report of a post or one of its replies, with a reason (read by the district)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    reason = models.TextField(_("reason"))
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reporter_username = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    handled_by = models.CharField(max_length=150, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values), name="exchange_report_status_known"
            ),
        ]


class EventKind(models.TextChoices):
    SEMINAR = "seminar", _("Seminar")
    OPEN_CLASS = "open_class", _("Open class")
    SUPERVISION = "supervision", _("Supervision group")


class Event(models.Model):
    """A seminar, open class or supervision group, organised by the district (school empty) or a
    school."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    remind = models.BooleanField(_("send a reminder the day before"), default=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    school = models.ForeignKey(
        School, verbose_name=_("organiser"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    organiser_username = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=EventKind.values), name="exchange_event_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                name="exchange_event_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title


class SignUp(models.Model):
    """One named staff member of a school signed up for an event (an account of that school, by
    username and display name: never a student)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="signups")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    username = models.CharField(max_length=150)
    display_name = models.CharField(_("name"), max_length=50)
    signed_up_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    # None until the organiser records it.
    attended = models.BooleanField(_("attended"), null=True)

    class Meta:
        ordering = ["school__name", "display_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "school", "username"], name="exchange_signup_once"),
        ]


class DistrictNote(models.Model):
    """A notification for a district account (replies to its posts, review outcomes): district
    accounts have no school schema, so the exchange keeps their short list here. Titles only."""

    recipient_username = models.CharField(max_length=150, db_index=True)
    title = models.CharField(max_length=200)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
