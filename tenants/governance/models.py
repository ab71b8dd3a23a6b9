"""Leadership group, work plans, rules and information reports.

Only the work plan is defined so far; the ledger links tasks to it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared.models import AuthoredModel
from tenants.common.choices import Term


class PlanKind(models.TextChoices):
    ANNUAL = "annual", _("Annual plan")
    PHASE = "phase", _("Phase plan")


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
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    summary = models.TextField(_("closing summary"), blank=True)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="plan_dates_in_order"),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(summary=""), name="plan_closed_has_summary"
            ),
            models.CheckConstraint(condition=models.Q(school_year__regex=r"^\d{4}-\d{4}$"), name="plan_school_year_format"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date must not be before the start date.")})
        if self.school_year and len(self.school_year) == 9:
            first, _sep, second = self.school_year.partition("-")
            if not (first.isdigit() and second.isdigit() and int(second) == int(first) + 1):
                raise ValidationError({"school_year": _("Write the school year as two consecutive years, e.g. 2026-2027.")})
