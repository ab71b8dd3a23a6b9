"""Reporting periods: months, terms and school years.

Codes: "2026-09" (a month), "2026-2027-1" and "2026-2027-2" (the autumn and spring terms),
"2026-2027" (a school year, 1 September to 31 August). The autumn term runs from 1 September to
31 January and the spring term from 1 February to 31 August unless the district changes a term's
dates (the dates are stored on the period).
"""

import calendar
from datetime import date

from shared.calendar import school_year_bounds, school_year_of


def _month(day: date) -> dict:
    last = calendar.monthrange(day.year, day.month)[1]
    return dict(
        code=f"{day.year}-{day.month:02d}",
        kind="month",
        name=f"{day.year}年{day.month}月",
        start=date(day.year, day.month, 1),
        end=date(day.year, day.month, last),
    )


def _term(school_year: str, number: int) -> dict:
    first, last = school_year_bounds(school_year)
    if number == 1:
        start, end = first, date(first.year + 1, 1, 31)
    else:
        start, end = date(first.year + 1, 2, 1), last
    label = "第一学期" if number == 1 else "第二学期"
    return dict(
        code=f"{school_year}-{number}", kind="term", name=f"{school_year}学年{label}", start=start, end=end
    )


def _year(school_year: str) -> dict:
    start, end = school_year_bounds(school_year)
    return dict(code=school_year, kind="year", name=f"{school_year}学年", start=start, end=end)


def periods_of_school_year(school_year: str) -> list[dict]:
    """Every period of a school year: its twelve months, two terms and the year itself."""
    first, _last = school_year_bounds(school_year)
    months = [_month(date(first.year + (m < 9), m, 1)) for m in (*range(9, 13), *range(1, 9))]
    return [*months, _term(school_year, 1), _term(school_year, 2), _year(school_year)]


def ensure_school_year(school_year: str):
    """Create the periods of a school year that are missing; return them all (Period rows)."""
    from figures.models import Period

    rows = []
    for spec in periods_of_school_year(school_year):
        period, _created = Period.objects.get_or_create(code=spec["code"], defaults=spec)
        rows.append(period)
    return rows


def current_periods(today: date):
    """The month, term and school year that contain `today` (created if missing)."""
    from figures.models import Period

    ensure_school_year(school_year_of(today))
    return list(Period.objects.filter(start__lte=today, end__gte=today).order_by("kind"))
