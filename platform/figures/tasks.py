"""Celery tasks of the aggregation. They run in the public schema and carry ids and codes only.

- `figures.run_aggregation(run_id)` marks the run running and fans the active schools out in
  batches of BATCH_SIZE schools per task. Measured by bench/district.py (200 schools, 3 periods,
  2 worker processes): 1 school per task ran 15-20 % slower than 20 or 50 (a message, a task start
  and the run's bookkeeping per school; the compiled count queries are reused within a batch);
  20 and 50 were within the noise of each other, and 20 still spreads a small district over both
  workers (50 schools in batches of 50 would keep one worker idle).
- `figures.aggregate_batch(run_id, school_ids)` aggregates each school in turn. A school that fails
  is tried again, up to ATTEMPTS times; its outcome (ok, attempts, the exception's class name, never
  its message) lands in SchoolRunOutcome, and the other schools of the batch go on. Counters of the
  run move with F() expressions, so batches running at once never lose an update; the last school
  to finish closes the run.
- `figures.nightly()` (beat) starts a run for the current month, term and school year.

A batch delivered twice (acks_late after a lost worker) counts each school once: an outcome is
finished only by the update that finds it unfinished.
"""

import time

from celery import shared_task
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from district.models import School
from figures.models import AggregationRun, RunStatus, SchoolRunOutcome
from shared.tenancy.context_helpers import active_schools

BATCH_SIZE = 20
ATTEMPTS = 3
RETRY_DELAYS = (1.0, 3.0)  # seconds before the 2nd and the 3rd attempt


def batches(ids: list[int], size: int = BATCH_SIZE) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


@shared_task(name="figures.run_aggregation")
def run_aggregation(run_id: int, batch_size: int | None = None) -> int:
    run = AggregationRun.objects.get(pk=run_id)
    school_ids = list(active_schools().values_list("id", flat=True))
    SchoolRunOutcome.objects.bulk_create(
        [SchoolRunOutcome(run=run, school_id=school_id) for school_id in school_ids], ignore_conflicts=True
    )
    AggregationRun.objects.filter(pk=run_id).update(status=RunStatus.RUNNING, schools_total=len(school_ids))
    if not school_ids:
        _close(run_id)
        return 0
    for batch in batches(school_ids, batch_size or BATCH_SIZE):
        aggregate_batch.apply_async(args=(run_id, batch), headers={"_schema_name": "public"})
    return len(school_ids)


def _attempt(school: School, periods) -> tuple[bool, int, str]:
    from figures.aggregation import aggregate_school

    error = ""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            aggregate_school(school, periods)
            return True, attempt, ""
        except Exception as exc:  # noqa: BLE001 - recorded by class name, the others go on
            error = type(exc).__name__
            if attempt < ATTEMPTS:
                time.sleep(RETRY_DELAYS[min(attempt - 1, len(RETRY_DELAYS) - 1)])
    return False, ATTEMPTS, error


def _close(run_id: int) -> None:
    """Finish the run once every school has an outcome (only the first caller to see it does)."""
    AggregationRun.objects.filter(
        pk=run_id,
        status=RunStatus.RUNNING,
        schools_done__gte=F("schools_total") - F("schools_failed"),
        schools_failed=0,
    ).update(status=RunStatus.DONE, finished_at=timezone.now())
    AggregationRun.objects.filter(
        pk=run_id,
        status=RunStatus.RUNNING,
        schools_done__gte=F("schools_total") - F("schools_failed"),
        schools_failed__gt=0,
    ).update(status=RunStatus.FAILED, finished_at=timezone.now())


def aggregate_one(run_id: int, school: School, periods, *, close: bool = True) -> bool:
    from figures.aggregation import commit_without_waiting

    ok, attempts, error = _attempt(school, periods)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            commit_without_waiting()  # the outcome is as derived as the values it reports
        finished = SchoolRunOutcome.objects.filter(
            run_id=run_id, school=school, finished_at__isnull=True
        ).update(ok=ok, attempts=attempts, error=error, finished_at=timezone.now())
        if finished:
            counter = "schools_done" if ok else "schools_failed"
            AggregationRun.objects.filter(pk=run_id).update(**{counter: F(counter) + 1})
    if close:
        _close(run_id)
    return ok


@shared_task(name="figures.aggregate_batch")
def aggregate_batch(run_id: int, school_ids: list[int]) -> int:
    run = AggregationRun.objects.get(pk=run_id)
    periods = list(run.periods.all())
    # A redelivered batch skips the schools that already have their outcome.
    finished = set(
        SchoolRunOutcome.objects.filter(
            run_id=run_id, school_id__in=school_ids, finished_at__isnull=False
        ).values_list("school_id", flat=True)
    )
    done = 0
    for school in School.objects.filter(pk__in=school_ids).exclude(pk__in=finished).order_by("id"):
        done += aggregate_one(run_id, school, periods, close=False)
    # Once per batch: the batch that finishes last closes the run.
    _close(run_id)
    return done


@shared_task(name="figures.nightly")
def nightly() -> int:
    """The current month, term and school year, for every active school."""
    from figures.aggregation import run_start
    from figures.counts import today
    from figures.periods import current_periods

    return run_start(current_periods(today()), requested_by="").pk
