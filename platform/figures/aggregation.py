"""Aggregation services: compute a school's figures inside its schema and store them in public.

- `aggregate_school(school, periods)` counts every data element in the school's schema
  (figures.counts), then REPLACES that school's rows for those periods in one transaction: the old
  rows are deleted and the new ones inserted, under a lock on the school's row, so two runs never
  interleave, a rerun never duplicates, and a failure leaves the previous rows as they were.
  Pairs (period, element) locked by an approved report submission (reporting.locks) keep their
  rows. The validation rules are evaluated on the new values in the same transaction.
  Cost per school (bench/district.py): the counts in one pipelined round trip, one DELETE, one
  INSERT of unnested arrays, the validation rules, and a commit that does not wait for the WAL
  flush.
- `run_start(periods, requested_by="")` records an AggregationRun and sends the Celery work
  (figures.tasks), with ids and codes only.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import tenant_context

from district.models import School
from figures.models import AggregationRun, DataElement, MetricValue, Period, RunStatus
from figures.selectors import data_changed
from shared.tenancy.context_helpers import active_schools


@dataclass(frozen=True)
class SchoolResult:
    written: int
    kept_locked: int
    violations: int


def _locked_pairs(school) -> set[tuple[int, int]]:
    from reporting.locks import locked_elements  # reporting reads figures: imported when called

    return set(locked_elements(school))


def commit_without_waiting() -> None:
    """Let the current transaction's COMMIT return before its WAL reaches the disk (PostgreSQL's
    synchronous_commit off, for this transaction only): a flush per school was a tenth of the
    aggregation's time. A crash of the database server can lose the last fraction of a second of
    commits, never part of one, and never a later one without the earlier: the values are derived
    from the schools' records and the next run recomputes them. Call it only in the outermost
    transaction, so that nobody else's writes are made asynchronous."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


# The per-value columns of MetricValue, with their PostgreSQL array types for unnest().
_UNNESTED = (("period", "bigint"), ("element", "bigint"), ("breakdown", "text"), ("value", "numeric"),
             ("numerator", "numeric"), ("denominator", "numeric"))  # fmt: skip


def _insert(school_id: int, rows: list[tuple], computed_at) -> None:
    """Insert a school's values in one statement: one array per column, unnested by PostgreSQL
    (what bulk_create does, without building and preparing a model instance per value)."""
    if not rows:
        return
    meta, quote = MetricValue._meta, connection.ops.quote_name
    columns = [quote(meta.get_field(name).column) for name in ("school", "computed_at")]
    columns += [quote(meta.get_field(name).column) for name, _type in _UNNESTED]
    aliases = ", ".join(f"c{i}" for i in range(len(_UNNESTED)))
    arrays = ", ".join(f"%s::{kind}[]" for _name, kind in _UNNESTED)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) "
            f"SELECT %s, %s, {aliases} FROM unnest({arrays}) AS t({aliases})",
            [school_id, computed_at, *(list(column) for column in zip(*rows, strict=True))],
        )


def aggregate_school(school: School, periods) -> SchoolResult:
    """Compute and store `school`'s figures for `periods` (Period rows); see the module docstring."""
    from figures.counts import count_periods
    from figures.validation import evaluate

    periods = list(periods)
    with tenant_context(school):
        computed = {period.pk: found for period, found in zip(periods, count_periods(periods), strict=True)}
    now = timezone.now()
    elements = dict(DataElement.objects.values_list("code", "id"))
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            commit_without_waiting()
        # One writer per school at a time: a second run for the same school waits here.
        School.objects.select_for_update().filter(pk=school.pk).first()
        locked = _locked_pairs(school)
        existing = MetricValue.objects.filter(school=school, period__in=[p.pk for p in periods])
        kept_pairs = Q(pk__in=[])
        for period_id, element_id in locked:
            kept_pairs |= Q(period_id=period_id, element_id=element_id)
        kept = existing.filter(kept_pairs).count() if locked else 0
        # A plain DELETE: QuerySet.delete() would first fetch every row, because django-tenants
        # listens to post_delete for every model. MetricValue has no dependants and no signals.
        stale = existing.exclude(kept_pairs) if locked else existing
        stale._raw_delete(stale.db)
        rows = [
            (period_id, elements[code], breakdown, value, numerator, denominator)
            for period_id, by_element in computed.items()
            for code, by_breakdown in by_element.items()
            if code in elements and (period_id, elements[code]) not in locked
            for breakdown, (value, numerator, denominator) in by_breakdown.items()
        ]
        _insert(school.pk, rows, now)
        violations = evaluate(school, *periods)
        transaction.on_commit(data_changed)
    return SchoolResult(written=len(rows), kept_locked=kept, violations=violations)


def run_start(periods, requested_by: str = "") -> AggregationRun:
    """Record a run over every active school for `periods` and send it to Celery after commit."""
    from figures.tasks import run_aggregation

    periods = list(periods)
    if not periods:
        raise ValueError("A run needs at least one period.")
    with transaction.atomic():
        run = AggregationRun.objects.create(
            requested_by=requested_by, status=RunStatus.QUEUED, schools_total=active_schools().count()
        )
        run.periods.set(periods)
        transaction.on_commit(
            lambda: run_aggregation.apply_async(args=(run.pk,), headers={"_schema_name": "public"})
        )
    return run


def period_for_code(code: str) -> Period:
    return Period.objects.get(code=code)
