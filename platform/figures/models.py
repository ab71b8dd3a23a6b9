"""District figures in the public schema.

Only counts and quantities arrive here, one row per (school, period, data element, breakdown). No
student-level row, name, number or free text about a student is ever stored in this app. The raw
values are never shown as they are: every read for a district user goes through
`figures.disclosure`, which withholds small cells first.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from district.models import School


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    TERM = "term", _("Term")
    YEAR = "year", _("School year")


class Period(models.Model):
    """A reporting period. Codes: 2026-09 (month), 2026-2027-1 (term), 2026-2027 (school year)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("period type"), max_length=10, choices=PeriodKind.choices)
    name = models.CharField(_("name"), max_length=60)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["start", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="period_end_after_start"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=PeriodKind.values), name="period_kind_known"),
        ]

    def __str__(self):
        return self.name


class ValueType(models.TextChoices):
    COUNT = "count", _("Count")
    MEASURE = "measure", _("Quantity")
    RATE = "rate", _("Rate")
    MEDIAN = "median", _("Median")


class DataElement(models.Model):
    """One figure the district collects (declared in figures.catalog, synced here)."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20)
    value_type = models.CharField(_("value type"), max_length=10, choices=ValueType.choices)
    # Only elements that count students (or cases about students) get small-cell rules.
    counts_students = models.BooleanField(_("counts students"), default=False)
    breakdown_name = models.CharField(_("breakdown"), max_length=40, blank=True)
    # [{"code": "g7", "name": "七年级"}, ...]; empty when the element has only a total.
    categories = models.JSONField(_("categories"), default=list, blank=True)
    # For rates and medians: the count elements behind them (codes), so that a rate is withheld
    # wherever its numerator is, and wherever its denominator is below k.
    numerator = models.CharField(max_length=60, blank=True)
    denominator = models.CharField(max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name

    @property
    def category_codes(self) -> list[str]:
        return [c["code"] for c in self.categories]


class MetricValue(models.Model):
    """A school's raw value for one element, period and category ("" is the total).

    `numerator` and `denominator` are kept for rates and medians (the counts behind them)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="metric_values")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="values")
    element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="values")
    breakdown = models.CharField(max_length=40, blank=True, default="")
    value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "period", "element", "breakdown"], name="metric_value_once"
            ),
        ]
        indexes = [models.Index(fields=["period", "element"], name="metric_value_period_element")]


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Finished with failures")


class AggregationRun(models.Model):
    """One computation of figures for some periods across the active schools."""

    periods = models.ManyToManyField(Period, related_name="runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    # The username of the district account that asked, or "" for the nightly run.
    requested_by = models.CharField(max_length=150, blank=True)
    schools_total = models.PositiveIntegerField(default=0)
    schools_done = models.PositiveIntegerField(default=0)
    schools_failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        if not self.schools_total:
            return 100 if self.status in (RunStatus.DONE, RunStatus.FAILED) else 0
        return round(100 * (self.schools_done + self.schools_failed) / self.schools_total)


class SchoolRunOutcome(models.Model):
    """How one school fared in a run. `error` names the exception class only, never its message,
    which could quote a record."""

    run = models.ForeignKey(AggregationRun, on_delete=models.CASCADE, related_name="outcomes")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="run_outcomes")
    ok = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "school"], name="run_outcome_once")]


# --- Validation rules (DHIS2-style) -------------------------------------------------------------


class Operator(models.TextChoices):
    LE = "<=", "≤"
    LT = "<", "<"
    GE = ">=", "≥"
    GT = ">", ">"
    EQ = "==", "="
    NE = "!=", "≠"


class Importance(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class ValidationRule(models.Model):
    """left (element + breakdown) operator right (element + breakdown, or a constant).

    Declared in figures.validation and synced here. A side with no value is missing, and a rule with
    a missing side is not evaluated (never read as zero)."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    left_element = models.CharField(_("left element"), max_length=60)
    left_breakdown = models.CharField(_("left breakdown"), max_length=40, blank=True)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices)
    right_element = models.CharField(_("right element"), max_length=60, blank=True)
    right_breakdown = models.CharField(_("right breakdown"), max_length=40, blank=True)
    right_constant = models.DecimalField(
        _("right constant"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    importance = models.CharField(
        _("importance"), max_length=10, choices=Importance.choices, default=Importance.MEDIUM
    )
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(operator__in=Operator.values), name="rule_operator_known"
            ),
            models.CheckConstraint(
                condition=models.Q(importance__in=Importance.values), name="rule_importance_known"
            ),
            # The right side is an element or a constant, exactly one of them.
            models.CheckConstraint(
                condition=(models.Q(right_constant__isnull=True) & ~models.Q(right_element=""))
                | (models.Q(right_constant__isnull=False) & models.Q(right_element="")),
                name="rule_right_side_one_kind",
            ),
        ]

    def __str__(self):
        return self.name


class ValidationViolation(models.Model):
    """A rule a school's raw values broke in a period. Replaced each time the school is aggregated."""

    rule = models.ForeignKey(ValidationRule, on_delete=models.CASCADE, related_name="violations")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="violations")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="violations")
    left_value = models.DecimalField(max_digits=16, decimal_places=4)
    right_value = models.DecimalField(max_digits=16, decimal_places=4)
    found_at = models.DateTimeField()

    class Meta:
        ordering = ["-found_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "school", "period"], name="violation_once"),
        ]
