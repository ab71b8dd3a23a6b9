"""Budget (经费预算) and spending against it (经费保障)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared import calendar
from shared.models import AuthoredModel, one_of

SCHOOL_YEAR_REGEX = r"^\d{4}-\d{4}$"


# Named here too: the migrations refer to it by this path.
validate_school_year = calendar.validate_school_year


class BudgetCategory(models.TextChoices):
    ROOM = "room", _("Counseling room (咨询室建设)")
    MATERIALS = "materials", _("Textbooks and materials (教材资料)")
    TRAINING = "training", _("Training (培训)")
    ACTIVITIES = "activities", _("Activities (活动)")
    ASSESSMENT = "assessment", _("Assessment (测评)")
    OTHER = "other", _("Other (其他)")


class BudgetLine(AuthoredModel):
    """One line of a school year's budget, in yuan."""

    school_year = models.CharField(
        _("school year"),
        max_length=9,
        validators=[validate_school_year],
        help_text=_("For example 2026-2027"),
    )
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(
        _("budget (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["-school_year", "category", "title"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("category", BudgetCategory.values), name="budget_line_category_known"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_line_amount_not_negative"),
            models.CheckConstraint(
                condition=models.Q(school_year__regex=SCHOOL_YEAR_REGEX),
                name="budget_line_school_year_format",
            ),
            models.UniqueConstraint(fields=["school_year", "title"], name="budget_line_title_once_per_year"),
        ]

    def __str__(self):
        return f"{self.school_year} {self.title}"


class Spending(AuthoredModel):
    """Money spent against a budget line. Spending that takes the line past its budget carries the
    reason why (the service enforces it: a CHECK constraint cannot see the line's total)."""

    line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="spendings"
    )
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    payee = models.CharField(_("payee"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=300)
    over_budget_reason = models.TextField(
        _("reason for exceeding the budget"),
        blank=True,
        help_text=_("Required when this spending takes the line past its budget."),
    )

    class Meta:
        verbose_name = _("spending record")
        verbose_name_plural = _("spending records")
        ordering = ["-spent_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="spending_amount_positive"),
        ]
        indexes = [models.Index(fields=["line", "spent_on"])]

    def __str__(self):
        return f"{self.spent_on} {self.payee} {self.amount}"
