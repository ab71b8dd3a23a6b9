"""The district registry (public schema): schools, their hosts, and the schema pool."""

import uuid

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

SCHOOL_CODE_PATTERN = r"^[a-z][a-z0-9]{1,29}$"
# Codes that would collide with a host or schema the platform uses itself.
RESERVED_CODES = frozenset({"www", "api", "admin", "static", "media", "public", "district", "mail", "pool"})


class SchoolType(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary school")
    SENIOR = "senior", _("Senior secondary school")
    NINE_YEAR = "nine_year", _("Nine-year school")
    TWELVE_YEAR = "twelve_year", _("Twelve-year school")
    SPECIAL = "special", _("Special education school")


class SchoolStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ARCHIVED = "archived", _("Archived")


class School(TenantMixin):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        _("code"),
        max_length=30,
        unique=True,
        validators=[
            RegexValidator(
                SCHOOL_CODE_PATTERN, _("Use 2-30 lowercase letters or digits, starting with a letter.")
            )
        ],
        help_text=_("Used as the school's subdomain."),
    )
    name = models.CharField(_("name"), max_length=100)
    school_type = models.CharField(_("type"), max_length=20, choices=SchoolType.choices)
    number = models.CharField(_("district school number"), max_length=30, unique=True)
    student_count = models.PositiveIntegerField(
        _("student count"), default=0, validators=[MinValueValidator(0)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SchoolStatus.choices, default=SchoolStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Schemas are built by district.provisioning, never by migrating on save.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=SCHOOL_CODE_PATTERN), name="school_code_format"
            ),
            models.CheckConstraint(
                condition=models.Q(student_count__gte=0), name="school_student_count_nonnegative"
            ),
            models.CheckConstraint(
                condition=models.Q(school_type__in=SchoolType.values), name="school_type_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SchoolStatus.values), name="school_status_known"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.status == SchoolStatus.ACTIVE


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


class PooledSchema(models.Model):
    """An empty school schema built ahead of time; provisioning renames it into a school."""

    schema_name = models.CharField(max_length=63, unique=True)
    fingerprint = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)


class SchemaTemplate(models.Model):
    """The DDL of the migrated template schema, for one state of the migration graph."""

    fingerprint = models.CharField(max_length=64, unique=True)
    ddl = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)


class DistrictAuditEvent(models.Model):
    """One district action, append-only: who, what, when, and which school. `summary` is written by
    the platform from codes and names of district records, never from a student's data."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.CharField(_("who"), max_length=150, blank=True)  # a username; "" for the platform
    action = models.CharField(_("action"), max_length=60, db_index=True)
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target = models.CharField(_("record"), max_length=200, blank=True)
    summary = models.CharField(_("what"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("district action")
        verbose_name_plural = _("district actions")
        ordering = ["-at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("District audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("District audit events are append-only.")


class OnboardingStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class OnboardingJob(models.Model):
    """Schools onboarded from one CSV file, by a Celery task sent with the job's id only.

    `rows` holds one entry per line: {"line", "code", "name", "state" ("waiting", "created",
    "refused"), "errors"}. `links` holds the new school admins' one-time set-password links by line,
    shown once to the admin who ran the job and then cleared; `csv_text` is cleared when the job ends.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.CharField(_("requested by"), max_length=150)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    csv_text = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OnboardingStatus.choices, default=OnboardingStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    rows = models.JSONField(default=list)
    links = models.JSONField(default=dict)
    links_shown = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("onboarding job")
        verbose_name_plural = _("onboarding jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=OnboardingStatus.values), name="onboarding_status_known"
            ),
        ]

    @property
    def progress(self) -> int:
        return 100 if not self.total else min(100, round(self.processed * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (OnboardingStatus.DONE, OnboardingStatus.FAILED)

    @property
    def created_count(self) -> int:
        return sum(1 for row in self.rows if row.get("state") == "created")

    @property
    def refused_count(self) -> int:
        return sum(1 for row in self.rows if row.get("state") == "refused")
