"""The shared resource library (public schema).

An item is published by the district or proposed by a school; a proposal waits for a district
reviewer, who publishes it (under the school's name) or returns it with a reason. Importable kinds
carry structured `content` from which a school's import builds a real record in its own schema
(see library.importing). Public tables never point at school tables: a proposal keeps the school and
the public id of its source record only.
"""

import os
import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from district.models import School

GRADES = list(range(1, 13))


class ItemKind(models.TextChoices):
    COURSEWARE = "courseware", _("Courseware (课件)")
    SESSION_DESIGN = "session_design", _("Class-session design (课例设计)")
    CURRICULUM_UNIT = "curriculum_unit", _("Curriculum unit (课程单元)")
    PLAN_TEMPLATE = "plan_template", _("Plan template (工作计划模板)")
    RULE_TEMPLATE = "rule_template", _("Rule template (制度模板)")
    ACTIVITY_DESIGN = "activity_design", _("Activity design (活动方案)")
    INSTRUMENT = "instrument", _("Screening instrument (测评量表)")
    READING_LIST = "reading_list", _("Reading list for parents (家长书单)")


# Kinds whose import creates a record in the school's workspace.
IMPORTABLE_KINDS = (
    ItemKind.CURRICULUM_UNIT,
    ItemKind.PLAN_TEMPLATE,
    ItemKind.ACTIVITY_DESIGN,
    ItemKind.INSTRUMENT,
)


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    RETURNED = "returned", _("Returned")
    PUBLISHED = "published", _("Published")


class LibraryItem(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=ItemKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("brief introduction"))
    body = models.TextField(_("content"), blank=True)
    tags = ArrayField(models.CharField(max_length=30), verbose_name=_("tags"), default=list, blank=True)
    grades = ArrayField(
        models.PositiveSmallIntegerField(), verbose_name=_("grades"), default=list, blank=True
    )
    # Structured content of importable kinds (library.importing documents each shape).
    content = models.JSONField(_("structured content"), default=dict, blank=True)
    licence = models.TextField(_("licence terms"), blank=True)
    # The school that proposed it; None: published by the district.
    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="library_items",
    )
    # The proposing school's record (model label and public id), never a pointer into its schema.
    source_model = models.CharField(max_length=60, blank=True)
    source_id = models.UUIDField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.PUBLISHED
    )
    submitted_by = models.CharField(_("submitted by"), max_length=150, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.CharField(_("reviewed by"), max_length=150, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("reason"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    import_count = models.PositiveIntegerField(_("imports"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("library item")
        verbose_name_plural = _("library items")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ItemKind.values), name="library_item_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ItemStatus.values), name="library_item_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(grades__contained_by=GRADES), name="library_item_grades_1_to_12"
            ),
            # Only a school's proposal waits or comes back; the district publishes directly.
            models.CheckConstraint(
                condition=models.Q(status="published") | models.Q(school__isnull=False),
                name="library_item_review_is_for_schools",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="library_item_published_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="returned") | ~models.Q(review_reason=""),
                name="library_item_returned_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="instrument") | ~models.Q(licence=""),
                name="library_instrument_has_licence",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self):
        return self.title

    @property
    def source_name(self) -> str:
        """Who published it, as readers see it: the school's name or the district."""
        return self.school.name if self.school_id else str(_("District"))

    @property
    def importable(self) -> bool:
        return self.kind in IMPORTABLE_KINDS

    @property
    def grades_display(self) -> str:
        from tenants.programs.models import grade_label

        return "、".join(grade_label(g) for g in sorted(self.grades or []))


def library_upload_to(instance, filename):
    # MEDIA_ROOT/library/<item>/<file uuid><ext>: the stored name never repeats what was uploaded.
    ext = os.path.splitext(filename)[1].lower()
    return f"library/{instance.item.public_id}/{instance.public_id}{ext}"


class LibraryFile(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=library_upload_to, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name


class LibraryImport(models.Model):
    """One import of an item by a school: what it became there (model label and public id)."""

    item = models.ForeignKey(LibraryItem, on_delete=models.PROTECT, related_name="imports")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    imported_by = models.CharField(max_length=150)
    imported_at = models.DateTimeField(auto_now_add=True)
    target_model = models.CharField(max_length=60)
    target_id = models.UUIDField()

    class Meta:
        ordering = ["-imported_at"]
