"""Counting several periods at once (figures.counts.count_periods, what the aggregation runs) gives
exactly what counting each period alone gives, with a number of queries that does not grow with
the periods."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from figures import counts
from figures.counts import count_all, count_periods
from figures.models import Period
from figures.periods import ensure_school_year
from tests.figures.known_data import SCHOOL_YEAR, make_known_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def periods(schools):
    ensure_school_year(SCHOOL_YEAR)
    with schema_context(schools["alpha"].schema_name):
        make_known_data()
    connection.set_schema_to_public()
    codes = ["2025-09", "2025-10", "2025-11", f"{SCHOOL_YEAR}-1", f"{SCHOOL_YEAR}-2", SCHOOL_YEAR]
    return [Period.objects.get(code=code) for code in codes]


def _selects(captured) -> int:
    return sum(1 for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT"))


def test_many_periods_at_once_equal_each_period_alone(schools, periods):
    with schema_context(schools["alpha"].schema_name):
        alone = [count_all(period) for period in periods]
        together = count_periods(periods)
        # Another order, and a period asked twice, change nothing.
        shuffled = count_periods([periods[5], periods[1], periods[1], periods[3]])
    assert together == alone
    assert shuffled == [alone[5], alone[1], alone[1], alone[3]]
    # The known data is not empty in these periods: the comparison compares something.
    assert alone[1]["activities"][""][0] > 0 and alone[3]["enrolment"][""][0] > 0


def test_queries_do_not_grow_with_the_periods(schools, periods):
    with schema_context(schools["alpha"].schema_name):
        with CaptureQueriesContext(connection) as captured:
            count_periods(periods)
        one, six = counts._prefetch(periods[1:2]), counts._prefetch(periods)
    # Every query was sent in the pipeline (none one by one), the same queries for one period or six.
    assert _selects(captured) == 0
    assert len(one) == len(six) == len(counts.QUERIES) <= 25


def test_a_counter_without_many_is_called_per_period(schools, periods, monkeypatch):
    calls = []
    original = counts.COUNTERS["class_sessions"]

    def plain(period):
        calls.append(period.code)
        return original(period)

    monkeypatch.setitem(counts.COUNTERS, "class_sessions", plain)
    with schema_context(schools["alpha"].schema_name):
        found = count_periods(periods[:3])
        expected = [original(period) for period in periods[:3]]
    assert calls == [p.code for p in periods[:3]]
    assert [f["class_sessions"] for f in found] == expected
