"""The aggregation job: a rerun replaces, locked pairs keep their values, a failing school is retried
and reported while the others land, and the real Celery path end to end."""

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from figures import counts, tasks
from figures.aggregation import aggregate_school, run_start
from figures.models import (
    AggregationRun,
    DataElement,
    MetricValue,
    Period,
    RunStatus,
    SchoolRunOutcome,
    ValidationViolation,
)
from figures.periods import ensure_school_year
from tests.figures.known_data import MONTH, SCHOOL_YEAR, make_known_data


def _value(school, period, code, breakdown=""):
    return MetricValue.objects.get(
        school=school, period=period, element__code=code, breakdown=breakdown
    ).value


def _add_lecture(schema, day):
    from shared.accounts.models import User
    from tenants.programs.models import Activity

    with schema_context(schema):
        Activity.objects.create(
            kind="lecture", title="加场", held_on=day, organiser=User.objects.get(username="r_principal"),
            participant_count=7,
        )  # fmt: skip
    connection.set_schema_to_public()


@pytest.fixture
def october(schools):
    ensure_school_year(SCHOOL_YEAR)
    with schema_context(schools["alpha"].schema_name):
        make_known_data()
    connection.set_schema_to_public()
    return Period.objects.get(code=MONTH)


@pytest.mark.django_db
def test_rerun_replaces_and_never_duplicates(schools, october):
    alpha = schools["alpha"]
    term = Period.objects.get(code=f"{SCHOOL_YEAR}-1")
    first = aggregate_school(alpha, [october, term])
    count = MetricValue.objects.filter(school=alpha).count()
    assert count == first.written
    assert _value(alpha, october, "activities", "lecture") == 2

    _add_lecture(alpha.schema_name, date(2025, 10, 28))
    aggregate_school(alpha, [october, term])
    assert MetricValue.objects.filter(school=alpha).count() == count
    assert _value(alpha, october, "activities", "lecture") == 3
    assert _value(alpha, october, "activities") == 4
    assert _value(alpha, term, "activity_participants", "lecture") == 157
    # Other periods of the school are left alone by a run for these two.
    year = Period.objects.get(code=SCHOOL_YEAR)
    aggregate_school(alpha, [year])
    aggregate_school(alpha, [october])
    assert MetricValue.objects.filter(school=alpha, period=year).exists()


@pytest.mark.django_db
def test_a_locked_pair_keeps_its_value_on_rerun(schools, october):
    from reporting.models import ReportForm, Submission

    alpha = schools["alpha"]
    aggregate_school(alpha, [october])
    form = ReportForm.objects.create(code="agg-lock", name="锁定测试", period_kind="month")
    activities = DataElement.objects.get(code="activities")
    form.elements.add(activities)
    Submission.objects.create(form=form, school=alpha, period=october, status="approved")

    _add_lecture(alpha.schema_name, date(2025, 10, 28))
    result = aggregate_school(alpha, [october])
    assert result.kept_locked == 7  # the total and six kinds
    assert _value(alpha, october, "activities", "lecture") == 2  # locked: as approved
    assert _value(alpha, october, "activity_participants", "lecture") == 157  # not in the form: recomputed
    assert MetricValue.objects.filter(school=alpha, period=october, element=activities).count() == 7


def _break_for(schema_name):
    original = counts.COUNTERS["class_sessions"]
    calls = []

    def flaky(period):
        if connection.schema_name == schema_name:
            calls.append(schema_name)
            raise ZeroDivisionError("a record says: 张三")
        return original(period)

    return flaky, calls


@pytest.mark.django_db
def test_a_failing_school_is_retried_and_reported_while_the_others_land(schools, october, monkeypatch):
    alpha, beta = schools["alpha"], schools["beta"]
    flaky, calls = _break_for(beta.schema_name)
    monkeypatch.setitem(counts.COUNTERS, "class_sessions", flaky)
    monkeypatch.setattr(tasks, "RETRY_DELAYS", (0, 0))
    monkeypatch.setattr(
        tasks.aggregate_batch, "apply_async", lambda args, headers: tasks.aggregate_batch(*args)
    )
    run = AggregationRun.objects.create(requested_by="dora")
    run.periods.set([october])
    tasks.run_aggregation(run.pk, batch_size=1)

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert run.schools_failed == 1
    assert run.schools_done == run.schools_total - 1
    failed = SchoolRunOutcome.objects.get(run=run, school=beta)
    assert (failed.ok, failed.attempts, failed.error) == (False, 3, "ZeroDivisionError")
    assert len(calls) == 3
    landed = SchoolRunOutcome.objects.get(run=run, school=alpha)
    assert (landed.ok, landed.attempts, landed.error) == (True, 1, "")
    assert _value(alpha, october, "activities", "lecture") == 2
    assert not MetricValue.objects.filter(school=beta, period=october).exists()

    # Delivered again (acks_late after a lost worker): nothing is counted twice.
    tasks.aggregate_batch(run.pk, [alpha.pk, beta.pk])
    run.refresh_from_db()
    assert run.schools_done + run.schools_failed == run.schools_total


@pytest.mark.django_db
def test_a_school_that_fails_once_succeeds_on_the_second_attempt(schools, october, monkeypatch):
    alpha = schools["alpha"]
    original = counts.COUNTERS["class_sessions"]
    calls = []

    def once(period):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError
        return original(period)

    monkeypatch.setitem(counts.COUNTERS, "class_sessions", once)
    monkeypatch.setattr(tasks, "RETRY_DELAYS", (0, 0))
    run = AggregationRun.objects.create(status=RunStatus.RUNNING, schools_total=1)
    run.periods.set([october])
    SchoolRunOutcome.objects.create(run=run, school=alpha)
    tasks.aggregate_batch(run.pk, [alpha.pk])
    outcome = SchoolRunOutcome.objects.get(run=run, school=alpha)
    assert (outcome.ok, outcome.attempts) == (True, 2)
    run.refresh_from_db()
    assert (run.status, run.schools_done, run.percent) == (RunStatus.DONE, 1, 100)


def test_batches():
    assert tasks.batches(list(range(45)), 20) == [list(range(20)), list(range(20, 40)), list(range(40, 45))]
    assert tasks.batches([], 20) == []


@pytest.mark.django_db
def test_run_start_sends_after_commit(october, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(
        tasks.run_aggregation, "apply_async", lambda args, headers: sent.append((args, headers))
    )
    with django_capture_on_commit_callbacks(execute=True):
        run = run_start([october], requested_by="dora")
        assert sent == []
    assert sent == [((run.pk,), {"_schema_name": "public"})]
    assert list(run.periods.all()) == [october] and run.requested_by == "dora"


# --- a real worker ----------------------------------------------------------------------------


def test_a_run_on_a_real_worker_lands_every_school(worker, django_db_blocker, monkeypatch):
    from district.models import School
    from shared.tenancy.context_helpers import active_schools

    monkeypatch.setattr(tasks, "RETRY_DELAYS", (0, 0))
    with django_db_blocker.unblock():
        period = next(p for p in ensure_school_year("2022-2023") if p.code == "2022-11")
        _add_lecture("school_beta", date(2022, 11, 3))
        try:
            run = run_start([period], requested_by="dora")
            deadline = timezone.now() + timedelta(seconds=60)
            while timezone.now() < deadline:
                run.refresh_from_db()
                if run.status in (RunStatus.DONE, RunStatus.FAILED):
                    break
                time.sleep(0.2)
            assert run.status == RunStatus.DONE, (run.status, list(run.outcomes.values("error")))
            expected = set(active_schools().values_list("id", flat=True))
            assert run.schools_done == run.schools_total == len(expected)
            assert set(run.outcomes.filter(ok=True).values_list("school_id", flat=True)) == expected
            beta = School.objects.get(code="beta")
            assert _value(beta, period, "activities", "lecture") == Decimal(1)
        finally:
            MetricValue.objects.filter(period=period).delete()
            ValidationViolation.objects.filter(period=period).delete()
            AggregationRun.objects.filter(periods=period).delete()
            with schema_context("school_beta"):
                from tenants.programs.models import Activity

                Activity.objects.filter(title="加场", held_on=date(2022, 11, 3)).delete()
            connection.set_schema_to_public()
