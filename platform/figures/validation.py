"""Validation rules (DHIS2-style): left side, operator, right side, importance.

A side is a data element with a breakdown ("" for the total), or a constant on the right. Rules are
declared here and synced into ValidationRule (`rules_sync`); `evaluate(school, *periods)` runs after
each school's aggregation, on the school's RAW values, and replaces that school's violations for the
period.

Missing is never zero: a side without a value (no row, or a rate without a denominator) makes the
rule "not evaluable" for that school and period, and no violation is recorded. The district list
goes one step further (`district_view`): a side whose cell the district sees as withheld by
disclosure control is missing too, so the district reads "not evaluable" instead of the two values,
which would give the withheld number away. The school reads its own violations with their values.

Rules are chosen to hold within one period whatever the school does right; none compares figures
of different periods (e.g. plans closed ≤ plans approved does not hold: a plan approved last year
may close this one).
"""

import operator as op
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from figures.models import Importance, MetricValue, ValidationRule, ValidationViolation


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    left: tuple[str, str]
    operator: str
    right: tuple[str, str] | None = None
    constant: Decimal | None = None
    importance: str = Importance.MEDIUM
    description: str = ""


def _grade_rules() -> list[Rule]:
    return [
        Rule(
            f"screened_le_enrolled_g{grade}",
            f"{grade}年级参加筛查的学生不多于在籍学生",
            ("screened_students", f"g{grade}"),
            "<=",
            right=("enrolment", f"g{grade}"),
            importance=Importance.HIGH,
            description="目标年级：期内参加筛查的学生数不能超过期末在籍学生数。",
        )
        for grade in settings.SCREENING_TARGET_GRADES
    ]


RULES: tuple[Rule, ...] = (
    Rule("screened_le_enrolled", "参加筛查的学生不多于在籍学生", ("screened_students", ""), "<=",
         right=("enrolment", ""), importance=Importance.HIGH,
         description="全校：期内参加筛查的学生数不能超过期末在籍学生数。"),
    *_grade_rules(),
    Rule("screened_le_screenings", "参加筛查的学生不多于测评人次", ("screened_students", ""), "<=",
         right=("screenings", ""), importance=Importance.MEDIUM,
         description="每名参加筛查的学生至少有一次完整测评。"),
    Rule("enrolment_positive", "在籍学生数大于零", ("enrolment", ""), ">", constant=Decimal(0),
         importance=Importance.HIGH, description="学生名册为空时，其余以学生为单位的数字都无法解读。"),
    Rule("sessions_not_negative", "个别辅导次数不为负", ("counseling_sessions", ""), ">=", constant=Decimal(0),
         importance=Importance.LOW),
    Rule("crisis_cases_not_negative", "危机个案数不为负", ("crisis_cases", ""), ">=", constant=Decimal(0),
         importance=Importance.LOW),
    Rule("referrals_not_negative", "医疗转介数不为负", ("referrals", ""), ">=", constant=Decimal(0),
         importance=Importance.LOW),
    Rule("psych_teacher_present", "至少配备一名心理教师", ("psych_teachers", ""), ">=", constant=Decimal(1),
         importance=Importance.MEDIUM, description="每所学校至少配备一名专职或兼职心理教师。"),
    Rule("budget_not_overspent", "经费支出不超过预算", ("budget_spent_share", ""), "<=",
         constant=Decimal(100), importance=Importance.MEDIUM,
         description="学年内已支出金额不超过该学年预算（执行率不超过100%）。"),
)  # fmt: skip

OPERATORS = {"<=": op.le, "<": op.lt, ">=": op.ge, ">": op.gt, "==": op.eq, "!=": op.ne}

_synced = False


def rules_sync() -> int:
    """Create or update the declared rules; deactivate rules no longer declared."""
    global _synced
    for rule in RULES:
        ValidationRule.objects.update_or_create(
            code=rule.code,
            defaults=dict(
                name=rule.name,
                left_element=rule.left[0],
                left_breakdown=rule.left[1],
                operator=rule.operator,
                right_element=rule.right[0] if rule.right else "",
                right_breakdown=rule.right[1] if rule.right else "",
                right_constant=rule.constant if rule.right is None else None,
                importance=rule.importance,
                description=rule.description,
                active=True,
            ),
        )
    ValidationRule.objects.exclude(code__in=[r.code for r in RULES]).update(active=False)
    _synced = True
    return len(RULES)


def ensure_rules() -> None:
    """Sync the declared rules once per process (and again if the table was emptied)."""
    if not _synced or not ValidationRule.objects.exists():
        rules_sync()


def holds(rule: ValidationRule, left: Decimal | None, right: Decimal | None) -> bool | None:
    """True or False; None when a side is missing (not evaluable)."""
    if left is None or right is None:
        return None
    return OPERATORS[rule.operator](left, right)


def _right(rule: ValidationRule, values: dict) -> Decimal | None:
    if rule.right_element:
        return values.get((rule.right_element, rule.right_breakdown))
    return rule.right_constant


def evaluate(school, *periods) -> int:
    """Evaluate every active rule on the school's raw values for each of `periods`; replace its
    violations for those periods. Returns how many rules were broken in all.

    One query each for the rules, the values, the delete and the insert, whatever the number of
    periods: aggregation calls this for every school on every run."""
    ensure_rules()
    rules = list(ValidationRule.objects.filter(active=True))
    codes = {r.left_element for r in rules} | {r.right_element for r in rules if r.right_element}
    period_ids = [period.pk for period in periods]
    values: dict[int, dict] = {pk: {} for pk in period_ids}
    for period_id, code, breakdown, value in MetricValue.objects.filter(
        school=school, period__in=period_ids, element__code__in=codes
    ).values_list("period_id", "element__code", "breakdown", "value"):
        values[period_id][(code, breakdown)] = value
    # A plain DELETE: QuerySet.delete() first fetches every row (django-tenants listens to
    # post_delete for every model); violations have no dependants and no signals.
    stale = ValidationViolation.objects.filter(school=school, period__in=period_ids)
    stale._raw_delete(stale.db)
    now = timezone.now()
    broken = []
    for period_id in period_ids:
        found = values[period_id]
        for rule in rules:
            left = found.get((rule.left_element, rule.left_breakdown))
            right = _right(rule, found)
            if holds(rule, left, right) is False:
                broken.append(
                    ValidationViolation(
                        rule=rule,
                        school=school,
                        period_id=period_id,
                        left_value=left,
                        right_value=right,
                        found_at=now,
                    )
                )
    ValidationViolation.objects.bulk_create(broken)
    return len(broken)


@dataclass(frozen=True)
class DistrictRow:
    """A violation as the district sees it: values only when neither side is withheld."""

    violation: ValidationViolation
    evaluable: bool
    left: Decimal | None
    right: Decimal | None


def _withheld(period, element_code: str, school_code: str, breakdown: str) -> bool:
    from figures.models import DataElement
    from figures.selectors import published_value

    element = DataElement.objects.get(code=element_code)
    return published_value(period, element, school_code, breakdown).suppressed


def district_view(violation: ValidationViolation) -> DistrictRow:
    rule, school, period = violation.rule, violation.school, violation.period
    hidden = _withheld(period, rule.left_element, school.code, rule.left_breakdown) or (
        bool(rule.right_element) and _withheld(period, rule.right_element, school.code, rule.right_breakdown)
    )
    if hidden:
        return DistrictRow(violation, False, None, None)
    return DistrictRow(violation, True, violation.left_value, violation.right_value)
