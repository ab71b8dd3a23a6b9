"""Reads of district figures for pages, the API and exports: only disclosure-controlled cells.

Every read of a value for a district user (or for a school comparing itself with the district) goes
through `published()`, never through `MetricValue` directly. A table is computed once per (period,
element, data version, rules) and kept in the cache; `data_changed()` (called after figures are
written) moves the data version on, so no stale table is ever read.

The figures live in the public schema, so the cache keys and the reads are the public schema's even
when a school's page asks (the cache prefixes keys with the current schema).
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from contextlib import contextmanager

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django_tenants.utils import get_public_schema_name, schema_context

from figures.disclosure import DISTRICT, TOTAL, Cell, Raw, Rules, Shape, by_key, distribution_of, publish
from figures.models import DataElement, MetricValue, Period

_VERSION_KEY = "figures:data-version"
_TIMEOUT = 60 * 60 * 24
# Tables already decoded in this process, by cache key (which holds the data version, so an entry is
# never stale: a new version is a new key). Decoding a table of 14,000 cells from the cache costs
# about as much as computing it; the dashboard reads the same tables again and again.
_LOCAL_CELLS = 200_000
_local_lock = threading.Lock()


class _Table:
    """A published table, with its cells by (school, breakdown) for one-cell reads."""

    def __init__(self, cells: list[Cell]):
        self.cells = cells

    @functools.cached_property
    def index(self) -> dict[tuple[str, str], Cell]:
        return by_key(self.cells)


_local: OrderedDict[str, _Table] = OrderedDict()


def _remember(key: str, cells: list[Cell]) -> _Table:
    table = _Table(cells)
    with _local_lock:
        _local[key] = table
        _local.move_to_end(key)
        while sum(len(t.cells) for t in _local.values()) > _LOCAL_CELLS and len(_local) > 1:
            _local.popitem(last=False)
    return table


def _recall(key: str) -> _Table | None:
    with _local_lock:
        table = _local.get(key)
        if table is not None:
            _local.move_to_end(key)
        return table


@contextmanager
def _public():
    public = get_public_schema_name()
    if connection.schema_name == public:
        yield
    else:
        with schema_context(public):
            yield


def _data_version() -> int:
    version = cache.get(_VERSION_KEY)
    if version is None:
        # A fresh number (not 1) so that a lost version key never brings back an old table.
        cache.add(_VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(_VERSION_KEY)
    return version


def _bump() -> None:
    with _public():
        cache.set(_VERSION_KEY, time.time_ns(), timeout=None)


def data_changed() -> None:
    """Figures were written or deleted: every cached table is stale from now on.

    Called inside a transaction, the version moves now and again after the commit: a table computed
    in between (from the rows as they were before the commit) must not outlive it."""
    _bump()
    transaction.on_commit(_bump)


def _raw(period_id: int, element_id: int) -> dict[str, dict[str, Raw]]:
    rows = MetricValue.objects.filter(period_id=period_id, element_id=element_id).values_list(
        "school__code", "breakdown", "value", "numerator", "denominator"
    )
    raw: dict[str, dict[str, Raw]] = {}
    for code, breakdown, value, numerator, denominator in rows:
        raw.setdefault(code, {})[breakdown] = Raw(value, numerator, denominator)
    return raw


def _table(period: Period, element: DataElement, rules: Rules, version: int, seen=()) -> _Table:
    key = (
        f"figures:published:{version}:{rules.k}:{rules.min_schools}:{int(rules.round_to_5)}:"
        f"{period.pk}:{element.pk}"
    )
    table = _recall(key)
    if table is not None:
        return table
    stored = cache.get(key)
    if stored is not None:
        return _remember(key, [Cell(*cell) for cell in stored])
    shape = Shape.of(element)
    sides = {}
    for side in ("numerator", "denominator"):
        code = getattr(shape, side)
        if not code or code in seen:
            continue
        behind = DataElement.objects.filter(code=code).first()
        if behind is None:
            continue
        behind_table = _table(period, behind, rules, version, (*seen, element.code))
        sides[side] = (Shape.of(behind), behind_table.index, _raw(period.pk, behind.pk))
    cells = publish(shape, _raw(period.pk, element.pk), rules, **sides)
    cache.set(key, [(c.school, c.breakdown, c.value, c.suppressed) for c in cells], timeout=_TIMEOUT)
    return _remember(key, cells)


def _current(period: Period, element: DataElement) -> _Table:
    with _public():
        return _table(period, element, Rules.from_settings(), _data_version())


def published(period: Period, element: DataElement, *, schools: Iterable[str] | None = None) -> list[Cell]:
    """Disclosure-controlled cells of one element in one period: the district's rows first, then every
    school that has values (by code), each with its total ("") and then a row per category.

    `schools` (codes) narrows the school rows, for an export of a selection; suppression is still
    computed over all schools, so a selection cannot undo it. The district rows are always included."""
    cells = _current(period, element).cells
    if schools is None:
        return list(cells)  # the caller's own list: the remembered one stays as it is
    wanted = set(schools)
    return [cell for cell in cells if cell.school == DISTRICT or cell.school in wanted]


def published_value(period: Period, element: DataElement, school_code: str, breakdown: str = TOTAL) -> Cell:
    """One published cell; a cell nobody reported is missing (value None, not suppressed)."""
    cell = _current(period, element).index.get((school_code, breakdown))
    return cell if cell is not None else Cell(school_code, breakdown, None, False)


def periods_with_data() -> list[Period]:
    """Periods for which some school has figures, oldest first."""
    with _public():
        return list(
            Period.objects.filter(Exists(MetricValue.objects.filter(period=OuterRef("pk")))).order_by(
                "start", "kind"
            )
        )


def distribution(period: Period, element: DataElement, breakdown: str = TOTAL) -> dict | None:
    """{"n", "min", "q1", "median", "q3", "max"} over the schools' published (not withheld) values of
    one cell; None when fewer schools than the district minimum have one."""
    values = [
        cell.value
        for cell in published(period, element)
        if cell.school != DISTRICT and cell.breakdown == breakdown and not cell.suppressed
    ]
    return distribution_of(values)
