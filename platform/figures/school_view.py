"""A school against the district: the school's own figures beside the district's distribution.

Shown on the school's home page and on /evaluation/ to the leadership group (principal, deputy,
members, secretary). The school's own figure is its own raw value (its own data); the district side
is only a median and quartiles over the schools' published values (figures.selectors.distribution),
shown from SCHOOL_COMPARISON_MIN_SCHOOLS schools up: never the minimum or maximum, which are one
school's value, and never so few schools that a school knowing its own figure could work out the
others' from the quartiles (with three schools, the median and the two quartiles give all three). A figure that counts students is shown
as the school's own number only to the roles that already see the school's care figures (the
principal and the care team).
"""

from decimal import Decimal

from django.conf import settings

from shared.accounts.roles import CLINICAL_READER_ROLES, SchoolRole

LEADERSHIP = (SchoolRole.PRINCIPAL, SchoolRole.DEPUTY, SchoolRole.MEMBER, SchoolRole.SECRETARY)

# The figures a leadership group compares itself on, in this order.
COMPARED = (
    "psych_teachers_per_1000",
    "counseling_rooms",
    "room_weekly_hours",
    "training_hours_per_teacher",
    "group_meetings",
    "class_sessions",
    "activities",
    "parent_events",
    "screening_coverage",
    "counseling_sessions",
    "crisis_cases",
    "referrals",
    "budget_spent_share",
)


def sees_comparison(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*LEADERSHIP))


def sees_student_figures(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*CLINICAL_READER_ROLES))


def _latest_period(school):
    from figures.models import MetricValue, PeriodKind

    periods = {
        v.period for v in MetricValue.objects.filter(school=school, breakdown="").select_related("period")
    }
    if not periods:
        return None
    terms = [p for p in periods if p.kind == PeriodKind.TERM]
    return max(terms or periods, key=lambda p: (p.end, p.start))


def _pct(value, scale):
    if value is None or not scale:
        return None
    return round(float(Decimal(value) * 100 / scale), 1)


def school_vs_district(user, school) -> dict | None:
    """What the card shows `user` of `school`: None when they are not in the leadership group."""
    from figures import selectors
    from figures.dashboard import number
    from figures.models import DataElement, MetricValue

    if school is None or not sees_comparison(user):
        return None
    period = _latest_period(school)
    if period is None:
        return {"period": None, "rows": []}
    own = {
        v.element.code: v.value
        for v in MetricValue.objects.filter(school=school, period=period, breakdown="").select_related(
            "element"
        )
    }
    student_figures = sees_student_figures(user)
    rows = []
    for element in DataElement.objects.filter(code__in=COMPARED).order_by("position"):
        if element.code not in own:
            continue
        hidden = element.counts_students and not student_figures
        value = None if hidden else number(own[element.code])
        stats = selectors.distribution(period, element, "")
        if stats and stats["n"] < settings.SCHOOL_COMPARISON_MIN_SCHOOLS:
            stats = None
        summary = {k: number(stats[k]) for k in ("q1", "median", "q3")} | {"n": stats["n"]} if stats else None
        row = {"element": element, "own": value, "own_hidden": hidden, "summary": summary, "bar": None}
        if summary:
            scale = max(
                Decimal(summary["q3"]), Decimal(value) if value is not None else Decimal(0)
            ) * Decimal("1.15")
            if scale:
                row["bar"] = {
                    "q1": _pct(summary["q1"], scale),
                    "q3": _pct(summary["q3"], scale),
                    "width": round(_pct(summary["q3"], scale) - _pct(summary["q1"], scale), 1),
                    "median": _pct(summary["median"], scale),
                    "own": _pct(value, scale),
                }
        rows.append(row)
    return {
        "period": period,
        "rows": rows,
        "student_figures": student_figures,
        "min_schools": settings.SCHOOL_COMPARISON_MIN_SCHOOLS,
    }
