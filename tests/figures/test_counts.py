"""Every data element counted inside a school, against known records, and stored by the aggregation."""

from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from figures.aggregation import aggregate_school
from figures.catalog import BY_CODE, ELEMENTS
from figures.counts import count_all, weekly_hours
from figures.models import MetricValue, Period
from figures.periods import ensure_school_year
from shared.tenancy.context_helpers import PublicSchemaRefused
from tests.figures.known_data import EXPECTED, EXPECTED_PARTS, MONTH, SCHOOL_YEAR, make_known_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(schools):
    ensure_school_year(SCHOOL_YEAR)
    with schema_context(schools["alpha"].schema_name):
        make_known_data()
    connection.set_schema_to_public()
    return Period.objects.get(code=MONTH)


def test_every_element_has_a_known_expectation():
    assert set(EXPECTED) == set(BY_CODE)


def test_counts_inside_the_school_match_the_known_records(schools, october):
    with schema_context(schools["alpha"].schema_name):
        found = count_all(october)
    for element in ELEMENTS:
        rows = found[element.code]
        # A total row and a row for every category, zeros included.
        assert set(rows) == {"", *(c["code"] for c in element.categories)}, element.code
        values = {breakdown: row[0] for breakdown, row in rows.items()}
        assert values == EXPECTED[element.code], element.code
        if element.value_type == "count" and element.categories:
            assert rows[""][0] == sum(row[0] for b, row in rows.items() if b), element.code
    for code, (numerator, denominator) in EXPECTED_PARTS.items():
        assert found[code][""][1:] == (numerator, denominator), code


def test_aggregation_stores_what_was_counted(schools, october):
    alpha = schools["alpha"]
    result = aggregate_school(alpha, [october])
    rows = MetricValue.objects.filter(school=alpha, period=october).select_related("element")
    stored = {}
    for row in rows:
        stored.setdefault(row.element.code, {})[row.breakdown] = row.value
    assert result.written == rows.count() == sum(len(v) for v in EXPECTED.values())
    for code, expected in EXPECTED.items():
        assert stored[code] == expected, code
    coverage = rows.get(element__code="screening_coverage", breakdown="g7")
    assert (coverage.numerator, coverage.denominator) == (Decimal(1), Decimal(4))


def test_nothing_leaves_the_school_but_numbers(schools, october):
    aggregate_school(schools["alpha"], [october])
    breakdowns = set(MetricValue.objects.values_list("breakdown", flat=True))
    allowed = {""} | {c["code"] for e in ELEMENTS for c in e.categories}
    assert breakdowns <= allowed


def test_counting_refuses_the_public_schema(october):
    with pytest.raises(PublicSchemaRefused):
        count_all(october)


@pytest.mark.parametrize(
    "text, hours",
    [
        ("周一至周五 8:00-17:30", "47.5"),
        ("周一、三、五 13:30-17:30", "12"),
        ("周一至周五 12:00-13:00；16:30-17:30", "10"),
        ("每天午休及放学后 16:30-17:30", "5"),
        ("周一至周五 8:00-12:00；周六 9:00-11:00", "22"),
        ("预约开放", "0"),
        ("", "0"),
    ],
)
def test_weekly_hours_from_opening_hours(text, hours):
    assert weekly_hours(text) == Decimal(hours)
