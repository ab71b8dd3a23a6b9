"""Both differencing attacks of privacy.md against every published shape, and an exact check.

For every element in the catalog (with and without categories, counts, quantities, rates, medians),
random tables with many small cells are written as MetricValue rows for six schools, published
through the selectors, and attacked:
(a) a category's district cell minus every other school's cell of that category;
(b) a total (a school's, or the district's) minus its other categories;
(c) exactly: with the published cells substituted into every line's equation (total = sum of the
    categories, district = sum of the schools), no withheld cell is determined (rational elimination).
Rates and medians are not additive: a published one must stand on a published numerator and
denominator, so it can never turn a withheld count back into a number.
The same checks run on larger tables straight through figures.disclosure, and a test shows they do
catch a table that has only primary suppression.
"""

import random
from datetime import datetime, timezone
from decimal import Decimal
from fractions import Fraction

import pytest

from figures.catalog import ELEMENTS
from figures.disclosure import DISTRICT, TOTAL, Raw, Rules, Shape, publish
from tests.figures.test_disclosure import ensure_schools

SCHOOLS = ["discsa", "discsb", "discsc", "discsd", "discse", "discsf"]
SEEDS = [1, 2, 3]


# --- the attacks --------------------------------------------------------------------------------


def _grid(cells, categories):
    """{(school, breakdown): Fraction | None} over the additive table, and its schools."""
    grid = {(c.school, c.breakdown): (None if c.suppressed else Fraction(c.value)) for c in cells}
    schools = sorted({c.school for c in cells} - {DISTRICT})
    return grid, schools, [TOTAL, *categories]


def attack_district_minus_schools(cells, categories) -> list:
    """Cells recovered as district minus every other school (one withheld school in a column)."""
    grid, schools, columns = _grid(cells, categories)
    recovered = []
    for b in columns:
        hidden = [s for s in schools if grid[(s, b)] is None]
        if grid.get((DISTRICT, b)) is not None and len(hidden) == 1:
            recovered.append((hidden[0], b))
    return recovered


def attack_total_minus_categories(cells, categories) -> list:
    """Cells recovered as a total minus the other categories (one withheld category in a row)."""
    if not categories:
        return []
    grid, schools, _columns = _grid(cells, categories)
    recovered = []
    for s in [DISTRICT, *schools]:
        if (s, TOTAL) not in grid or grid[(s, TOTAL)] is None:
            continue
        hidden = [b for b in categories if grid[(s, b)] is None]
        if len(hidden) == 1:
            recovered.append((s, hidden[0]))
    return recovered


def determined_cells(cells, categories) -> list:
    """Withheld cells that the published ones determine exactly: e_x lies in the row space of the
    line equations restricted to the unknowns (Gaussian elimination over the rationals)."""
    grid, schools, columns = _grid(cells, categories)
    rows = [DISTRICT, *schools]
    unknowns = [key for key, value in grid.items() if value is None]
    index = {key: i for i, key in enumerate(unknowns)}
    equations = []

    def equation(total_key, part_keys):
        coeffs = [Fraction(0)] * len(unknowns)
        for key, sign in [(total_key, 1), *((k, -1) for k in part_keys)]:
            if key in index:
                coeffs[index[key]] += sign
        equations.append(coeffs)

    for b in columns:  # district = sum of the schools
        equation((DISTRICT, b), [(s, b) for s in schools])
    if categories:  # total = sum of the categories
        for s in rows:
            equation((s, TOTAL), [(s, b) for b in categories])
    # Reduced row echelon form.
    pivots = []
    matrix = [row[:] for row in equations if any(row)]
    r = 0
    for col in range(len(unknowns)):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        lead = matrix[r][col]
        matrix[r] = [v / lead for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][col] != 0:
                factor = matrix[i][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append((col, r))
        r += 1
    found = []
    for key, col in index.items():
        vector = [Fraction(0)] * len(unknowns)
        vector[col] = Fraction(1)
        for pcol, prow in pivots:
            if vector[pcol] != 0:
                factor = vector[pcol]
                vector = [a - factor * b for a, b in zip(vector, matrix[prow], strict=True)]
        if not any(vector):
            found.append(key)
    return found


def assert_safe(cells, shape: Shape, rules: Rules):
    categories = list(shape.categories)
    schools = {c.school for c in cells} - {DISTRICT}
    exempt = len(schools) < rules.min_schools
    a = attack_district_minus_schools(cells, categories)
    b = attack_total_minus_categories(cells, categories)
    assert not a, f"{shape.code}: district minus other schools recovers {a}"
    assert not b, f"{shape.code}: total minus other categories recovers {b}"
    determined = [key for key in determined_cells(cells, categories) if not (exempt and key[0] == DISTRICT)]
    assert not determined, f"{shape.code}: determined by the published cells: {determined}"


# --- random tables ----------------------------------------------------------------------------


def _small_heavy(rnd: random.Random, k: int) -> int:
    roll = rnd.random()
    if roll < 0.15:
        return 0
    if roll < 0.5:
        return rnd.randint(1, k - 1)
    return rnd.randint(k, 150)


def random_values(rnd: random.Random, k: int) -> dict[str, dict[str, dict[str, dict]]]:
    """{element: {school: {breakdown: {"value", "numerator", "denominator"}}}} for the catalog."""
    data: dict = {}
    by_code = {e.code: e for e in ELEMENTS}
    for element in ELEMENTS:
        if element.value_type in ("rate", "median"):
            continue
        data[element.code] = {}
        for school in SCHOOLS:
            if element.counts_students:
                cats = {c["code"]: _small_heavy(rnd, k) for c in element.categories}
                total = sum(cats.values()) if cats else _small_heavy(rnd, k)
            else:
                cats = {c["code"]: rnd.randint(0, 12) for c in element.categories}
                total = sum(cats.values()) if cats else rnd.randint(0, 40)
            row = {b: {"value": v} for b, v in cats.items()}
            row[TOTAL] = {"value": total}
            data[element.code][school] = row
    # Screened students never exceed enrolment.
    for school in SCHOOLS:
        screened, enrolled = data["screened_students"][school], data["enrolment"][school]
        for b in screened:
            screened[b]["value"] = min(screened[b]["value"], enrolled[b]["value"])
        screened[TOTAL]["value"] = sum(v["value"] for b, v in screened.items() if b != TOTAL)
    for element in ELEMENTS:
        if element.value_type not in ("rate", "median"):
            continue
        data[element.code] = {}
        for school in SCHOOLS:
            row = {}
            for b in [TOTAL, *(c["code"] for c in element.categories)]:
                num = data[element.numerator][school][b]["value"] if element.numerator else None
                den = data[element.denominator][school][b]["value"] if element.denominator else None
                if element.value_type == "median":
                    value = rnd.randint(1, 96) if num else None
                elif num is None:
                    value = rnd.randint(0, 100)
                elif den:
                    scale = 100 if element.unit == "%" else 1000 if element.code.endswith("_per_1000") else 1
                    value = Decimal(num * scale) / Decimal(den)
                else:
                    value = None
                row[b] = {"value": value, "numerator": num, "denominator": den}
            data[element.code][school] = row
        assert by_code[element.code]
    return data


def as_raw(table) -> dict[str, dict[str, Raw]]:
    def dec(v):
        return None if v is None else Decimal(v).quantize(Decimal("0.0001"))

    return {
        school: {
            b: Raw(dec(v["value"]), dec(v.get("numerator")), dec(v.get("denominator")))
            for b, v in row.items()
        }
        for school, row in table.items()
    }


def check_derived(cells_of: dict, element) -> None:
    """A published rate or median stands on published counts; a withheld numerator withholds it."""
    for cell in cells_of[element.code]:
        for side in (element.numerator, element.denominator):
            if not side:
                continue
            behind = {(c.school, c.breakdown): c for c in cells_of[side]}.get((cell.school, cell.breakdown))
            if behind is None:
                continue
            if behind.suppressed:
                assert cell.suppressed, f"{element.code} {cell} shown over a withheld {side}"
            if not cell.suppressed and cell.value is not None:
                assert not behind.suppressed


# --- through the selectors, on MetricValue rows -----------------------------------------------


@pytest.fixture(scope="module")
def six_schools(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return ensure_schools(SCHOOLS)


@pytest.mark.parametrize("k", [10, 5])
@pytest.mark.parametrize("seed", SEEDS)
def test_every_catalog_shape_resists_both_attacks(six_schools, db, settings, seed, k):
    from figures import selectors
    from figures.models import DataElement, MetricValue
    from figures.periods import ensure_school_year

    settings.DISCLOSURE_K = k
    periods = {p.code: p for p in ensure_school_year("2026-2027")}
    period = periods[f"2026-{9 + SEEDS.index(seed):02d}"]
    rnd = random.Random(seed * 100 + k)
    data = random_values(rnd, k)
    elements = {e.code: e for e in DataElement.objects.all()}
    now = datetime.now(timezone.utc)
    MetricValue.objects.filter(period=period).delete()
    MetricValue.objects.bulk_create(
        MetricValue(
            school=six_schools[school],
            period=period,
            element=elements[code],
            breakdown=b,
            value=as_raw({school: {b: v}})[school][b].value,
            numerator=v.get("numerator"),
            denominator=v.get("denominator"),
            computed_at=now,
        )
        for code, table in data.items()
        for school, row in table.items()
        for b, v in row.items()
    )
    selectors.data_changed()
    rules = Rules.from_settings()
    cells_of = {code: selectors.published(period, elements[code]) for code in data}
    withheld_somewhere = 0
    for element in ELEMENTS:
        cells = cells_of[element.code]
        shape = Shape.of(elements[element.code])
        # Every school that reported has a total row and a row per category; so has the district.
        expected = {(s, b) for s in [DISTRICT, *SCHOOLS] for b in [TOTAL, *shape.categories]}
        assert {(c.school, c.breakdown) for c in cells} == expected
        assert all((c.value is None) for c in cells if c.suppressed)
        if shape.derived:
            check_derived(cells_of, element)
        else:
            assert_safe(cells, shape, rules)
        withheld_somewhere += sum(c.suppressed for c in cells)
        if not element.counts_students and not shape.derived:  # no small-cell rule: only the 3-school one
            assert not any(c.suppressed for c in cells if c.school != DISTRICT), element.code
    assert withheld_somewhere > 20  # the tables did exercise suppression
    selectors.data_changed()


# --- larger tables straight through disclosure ------------------------------------------------


def _big_table(rnd, n, categories, k, small):
    raw = {}
    for i in range(n):
        values = {}
        for b in categories:
            roll = rnd.random()
            values[b] = (
                0 if roll < small / 3 else rnd.randint(1, k - 1) if roll < small else rnd.randint(k, 300)
            )
        total = (
            sum(values.values()) if categories else (rnd.randint(1, k - 1) if rnd.random() < small else 50)
        )
        row = {b: Raw(Decimal(v)) for b, v in values.items()}
        row[TOTAL] = Raw(Decimal(total))
        raw[f"s{i:03d}"] = row
    return raw


@pytest.mark.parametrize("seed", range(12))
def test_larger_random_tables_resist_both_attacks(seed):
    rnd = random.Random(seed)
    n = rnd.choice([2, 3, 4, 7, 15, 25])
    m = rnd.choice([0, 2, 4, 6])
    k = rnd.choice([5, 10])
    small = rnd.choice([0.1, 0.4, 0.8])
    categories = tuple(f"c{j}" for j in range(m))
    shape = Shape("x", "count", True, categories)
    rules = Rules(k=k)
    cells = publish(shape, _big_table(rnd, n, categories, k, small), rules)
    assert_safe(cells, shape, rules)


def test_the_attacks_catch_primary_suppression_alone():
    """Without complementary suppression both attacks and the exact check find the small cells."""
    from figures.disclosure import Cell

    values = {"a": {"": 254, "g7": 120, "g8": 4, "g9": 130}, "b": {"": 300, "g7": 110, "g8": 90, "g9": 100}}
    values["c"] = {"": 335, "g7": 100, "g8": 95, "g9": 140}
    district = {b: sum(v[b] for v in values.values()) for b in ("", "g7", "g8", "g9")}
    cells = [Cell(DISTRICT, b, Decimal(v), False) for b, v in district.items()]
    cells += [
        Cell(s, b, None if v < 10 else Decimal(v), v < 10)
        for s, row in values.items()
        for b, v in row.items()
    ]
    categories = ["g7", "g8", "g9"]
    assert attack_district_minus_schools(cells, categories) == [("a", "g8")]
    assert attack_total_minus_categories(cells, categories) == [("a", "g8")]
    assert determined_cells(cells, categories) == [("a", "g8")]
    # Two withheld cells or more in every line is not enough: two cycles joined by one cell (b's g9)
    # leave that cell determined, which only the exact check sees.
    values["d"] = {"": 280, "g7": 90, "g8": 90, "g9": 100}
    district = {b: sum(v[b] for v in values.values()) for b in ("", "g7", "g8", "g9")}
    hidden = {("a", "g7"), ("a", "g8"), ("b", "g7"), ("b", "g8"), ("b", "g9")}
    hidden |= {("c", "g9"), ("c", ""), ("d", "g9"), ("d", "")}
    cells = [Cell(DISTRICT, b, Decimal(v), False) for b, v in district.items()]
    cells += [
        Cell(s, b, None if (s, b) in hidden else Decimal(v), (s, b) in hidden)
        for s, row in values.items()
        for b, v in row.items()
    ]
    assert attack_district_minus_schools(cells, categories) == []
    assert attack_total_minus_categories(cells, categories) == []
    assert determined_cells(cells, categories) == [("b", "g9")]


def test_the_audit_closes_a_cell_that_joins_two_cycles():
    """Every line already holds two withheld cells, yet b's g9 joins two cycles and is determined:
    the audit (not the line rule) must withhold more until it lies on a cycle."""
    from figures.disclosure import Cell, _protect

    rows = {
        "a": [120, 90, 100],
        "b": [110, 90, 95],
        "c": [100, 95, 140],
        "d": [90, 90, 100],
        "e": [80, 85, 70],
    }
    codes = sorted(rows)
    grid = [[Decimal(sum(v)), *map(Decimal, v)] for v in (rows[c] for c in codes)]
    grid.insert(0, [sum((row[c] for row in grid), Decimal(0)) for c in range(4)])
    r = {code: i + 1 for i, code in enumerate(codes)}
    withheld = {(r["a"], 1), (r["a"], 2), (r["b"], 1), (r["b"], 2), (r["b"], 3)}
    withheld |= {(r["c"], 3), (r["c"], 0), (r["d"], 3), (r["d"], 0)}
    before = set(withheld)
    _protect(grid, len(codes), 3, withheld, False)
    assert withheld > before
    breakdowns = [TOTAL, "g7", "g8", "g9"]
    cells = [
        Cell(DISTRICT if i == 0 else codes[i - 1], breakdowns[c], None if (i, c) in withheld else grid[i][c],
             (i, c) in withheld)
        for i in range(len(grid))
        for c in range(4)
    ]  # fmt: skip
    shape = Shape("enrolment", "count", True, ("g7", "g8", "g9"))
    assert_safe(cells, shape, Rules())
