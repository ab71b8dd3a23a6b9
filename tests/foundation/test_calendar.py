"""The one school-year helper and the one date parser (shared.calendar), and that the modules which
used to carry copies now hand out these very functions."""

from datetime import date, datetime

import pytest

from shared import calendar


@pytest.mark.parametrize(
    "day, year",
    [
        (date(2026, 9, 1), "2026-2027"),
        (date(2026, 8, 31), "2025-2026"),
        (date(2027, 8, 31), "2026-2027"),
        (date(2027, 1, 15), "2026-2027"),
        (date(2026, 12, 31), "2026-2027"),
    ],
)
def test_school_year_of_starts_on_the_first_of_september(day, year):
    assert calendar.school_year_of(day) == year


def test_school_year_bounds_are_the_first_and_last_day():
    assert calendar.school_year_bounds("2026-2027") == (date(2026, 9, 1), date(2027, 8, 31))
    # 2028 is a leap year: the year still ends on 31 August.
    assert calendar.school_year_bounds("2027-2028") == (date(2027, 9, 1), date(2028, 8, 31))
    for day in (date(2026, 9, 1), date(2027, 3, 1), date(2027, 8, 31)):
        first, last = calendar.school_year_bounds(calendar.school_year_of(day))
        assert first <= day <= last


@pytest.mark.parametrize("bad", ["", "2026", "2026-2028", "2026-2025", "abcd-efgh", "2026/2027", None])
def test_school_year_bounds_refuses_what_is_not_a_school_year(bad):
    # The programs copy accepted "2026" and "2026-2028" and read them as 2026-2027.
    with pytest.raises(ValueError):
        calendar.school_year_bounds(bad)


@pytest.mark.parametrize(
    "value, day",
    [
        ("2026-09-01", date(2026, 9, 1)),
        ("2026-9-1", date(2026, 9, 1)),
        ("2026/09/01", date(2026, 9, 1)),
        ("2026.9.1", date(2026, 9, 1)),
        ("2026年9月1日", date(2026, 9, 1)),
        (" 2026 年 9 月 1 日 ", date(2026, 9, 1)),
        ("2026-09-01 00:00:00", date(2026, 9, 1)),
        (date(2026, 9, 1), date(2026, 9, 1)),
        (datetime(2026, 9, 1, 8, 30), date(2026, 9, 1)),
        (46266, date(2026, 9, 1)),  # an Excel serial day number
        (46266.0, date(2026, 9, 1)),
        ("46266", date(2026, 9, 1)),
    ],
)
def test_parse_date_reads_what_staff_write(value, day):
    assert calendar.parse_date(value) == day


@pytest.mark.parametrize("bad", ["", None, "tomorrow", "01/09/2026", "2026-13-01", "2026-02-30", True])
def test_parse_date_refuses_with_a_message(bad):
    with pytest.raises(ValueError) as caught:
        calendar.parse_date(bad)
    assert str(caught.value)


def test_the_former_copies_are_the_one_helper():
    from tenants.finance import selectors as finance_selectors
    from tenants.programs import selectors as program_selectors
    from tenants.team import models as team_models
    from tenants.workspace import dashboard

    for module in (finance_selectors, program_selectors, dashboard):
        assert module.school_year_of is calendar.school_year_of, module.__name__
    assert program_selectors.school_year_bounds is calendar.school_year_bounds
    # The team's models keep no copy at all: their validator is the calendar's.
    assert (
        getattr(team_models, "school_year_bounds", calendar.school_year_bounds) is calendar.school_year_bounds
    )
    assert team_models.validate_school_year is calendar.validate_school_year


@pytest.mark.parametrize("text", ["2026-2027\n", "202²-2027", "２０２６-２０２７"])
def test_a_school_year_is_exactly_four_ascii_digits_a_hyphen_and_the_next_year(text):
    with pytest.raises(ValueError):
        calendar.school_year_bounds(text)


@pytest.mark.parametrize("text", ["202²-2027", "2026-2028", "2026-2027\n"])
def test_the_models_school_year_validator_is_a_field_error_not_a_crash(text):
    from django.core.exceptions import ValidationError

    from tenants.finance.models import validate_school_year as finance_check
    from tenants.programs.models import validate_school_year as programs_check
    from tenants.team.models import validate_school_year as team_check

    assert finance_check is programs_check is team_check is calendar.validate_school_year
    with pytest.raises(ValidationError):
        calendar.validate_school_year(text)
    calendar.validate_school_year("2026-2027")
