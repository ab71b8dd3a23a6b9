"""Screening (心理测评): the instrument registry, campaigns, responses and one-time student links.

Built-in instruments (PHQ-9, GAD-7, K6) are defined in code (tenants.care.instruments); admin-defined
ones are rows of InstrumentDefinition. A response keeps its answers encrypted; total, band and the
safety flag are plain columns, because follow-up lists and anonymized counts are built from them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared.crypto import EncryptedTextField
from shared.models import AuthoredModel, PublicModel
from tenants.students.models import SchoolClass, Student


class InstrumentDefinition(AuthoredModel):
    """An admin-defined instrument: item count, one range for every item, sum scoring, bands
    (a JSON list of {"code", "lower", "upper", "label_zh"}) and its licence terms."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    items = models.PositiveSmallIntegerField(_("number of items"))
    item_min = models.SmallIntegerField(_("lowest answer"), default=0)
    item_max = models.SmallIntegerField(_("highest answer"))
    bands = models.JSONField(_("bands"))
    # One text per item, shown to whoever answers; empty: items show as "第 N 题".
    item_texts = models.JSONField(_("item wording"), default=list, blank=True)
    licence = models.TextField(_("licence terms"))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(items__gte=1), name="screening_instrument_has_items"),
            models.CheckConstraint(
                condition=models.Q(item_max__gt=models.F("item_min")), name="screening_instrument_range"
            ),
        ]

    def __str__(self):
        return self.name


class Campaign(AuthoredModel):
    """A screening of one grade, or one class, with one instrument, between two dates."""

    title = models.CharField(_("title"), max_length=200)
    instrument_code = models.CharField(_("instrument"), max_length=30)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    school_class = models.ForeignKey(
        SchoolClass,
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="screening_campaign_dates"
            ),
            models.CheckConstraint(
                condition=models.Q(grade__isnull=False, school_class__isnull=True)
                | models.Q(grade__isnull=True, school_class__isnull=False),
                name="screening_campaign_grade_or_class",
            ),
        ]

    def __str__(self):
        return self.title


class Response(PublicModel):
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="screenings")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    instrument_code = models.CharField(max_length=30)
    answers = EncryptedTextField()  # a JSON list
    complete = models.BooleanField(default=True)
    total = models.SmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=30, blank=True)
    safety_flag = models.BooleanField(default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    via_link = models.BooleanField(default=False)
    taken_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["campaign", "student"])]


class StudentLink(models.Model):
    """A one-time link for a student to answer a campaign's instrument. Only the token's SHA-256
    is stored; the link works once and until it expires."""

    token_hash = models.CharField(max_length=64, unique=True)
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="links")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
