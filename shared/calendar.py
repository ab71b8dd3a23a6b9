"""School years and dates, written once.

A school year runs from 1 September to 31 August and is written "2026-2027".

`parse_date` reads a date the way staff write one in a form, a query parameter or a spreadsheet:
2026-09-01, 2026/9/1, 2026.9.1, 2026年9月1日, a spreadsheet's date cell, or an Excel serial day number.
It raises ValueError with a message a person can act on.
"""

import re
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

SCHOOL_YEAR_RE = re.compile(r"([0-9]{4})-([0-9]{4})")
_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?")
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's 1900 date system, including its leap-year slip


def school_year_of(day: date) -> str:
    """The school year a day falls in: 1 Sept 2026 to 31 Aug 2027 is "2026-2027"."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


def school_year_bounds(school_year: str) -> tuple[date, date]:
    """First and last day of a school year written "2026-2027". ValueError if it is not one."""
    match = SCHOOL_YEAR_RE.fullmatch(school_year or "")
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise ValueError(school_year)
    start = int(match.group(1))
    return date(start, 9, 1), date(start + 1, 8, 31)


def validate_school_year(value: str) -> None:
    """A model field validator: the value is a school year written "2026-2027"."""
    from django.core.exceptions import ValidationError

    try:
        school_year_bounds(value)
    except ValueError:
        raise ValidationError(_("Write the school year as two consecutive years, for example 2026-2027."))


def in_school_year(field: str):
    """A filter's `apply` for a date `field` within a school year; a value that is not a school year
    finds nothing."""

    def apply(queryset, value):
        try:
            first, last = school_year_bounds(value)
        except ValueError:
            return queryset.none()
        return queryset.filter(**{f"{field}__gte": first, f"{field}__lte": last})

    return apply


def parse_date(value) -> date:
    """A date from a date or datetime, an Excel serial day number, or text such as 2026-09-01,
    2026/9/1 or 2026年9月1日. ValueError (with a message for the person) when it is none of these."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 80000:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = "" if value is None else str(value).strip()
    match = _DATE_RE.fullmatch(text)
    if match is None and re.fullmatch(r"\d{5}(\.0+)?", text):
        return parse_date(float(text))
    if match is None:
        raise ValueError(_("Write the date as YYYY-MM-DD, for example 2012-09-15."))
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(_("This date does not exist."))
