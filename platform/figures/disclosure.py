"""Disclosure control: which of a table's cells a district user may see (privacy.md, rules 1-5, 7).

A table is one data element in one period: schools x categories, with each school's total (the row
sum) and the district roll-up (the column sums and the grand total). This module is pure: it takes
raw values and settings, and returns `Cell`s. `figures.selectors` reads the rows and caches the result.

Additive elements (counts and quantities):
1. Primary suppression, for elements that count students: any non-zero cell below k is withheld,
   district cells included. A zero is shown.
2. The district row needs `min_schools` contributing schools; with fewer it is withheld whole. Those
   cells are unknowns to an attacker, but they are not themselves protected: with every school's cells
   published the district is their sum, which is no disclosure.
3. Complementary suppression. With the signs of the totals flipped, every line (a school's row with its
   total, a category's column with its district cell) sums to zero, so the table is a bipartite graph:
   a node per line, an edge per cell. Given the published cells, a withheld cell is determined exactly
   when it is a bridge of the graph of withheld cells (a cell on a cycle can move by +t/-t around the
   cycle without changing any published line). So:
   a. every line holding exactly one unknown gets a partner: its smallest non-zero published cell;
   b. audit: every withheld cell that is not an exempt district cell must lie on a cycle. A bridge is
      closed by the cheapest path of published non-zero cells between its two ends (Dijkstra, cost =
      the value lost), and the audit runs again. If no path exists, the whole lines are withheld.
   Zeros are never withheld: a line with one non-zero unknown always has another non-zero cell, so
   paths through non-zero cells exist (withholding every non-zero cell always passes the audit).
4. Optional rounding to base 5 of the published counts of student elements, after suppression.

Derived elements (rates and medians) are not additive, so they have no complementary suppression.
A cell is withheld when the same cell of its numerator element is withheld (a rate never recovers a
count), when the same cell of its denominator element is withheld (rate x numerator would recover it),
when the numerator count is non-zero below k, or when the denominator is below k (each when the
element behind it counts students). District rows follow the 3-school rule too.
"""

from __future__ import annotations

import heapq
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DISTRICT = "district"
TOTAL = ""
_ZERO = Decimal(0)
_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Cell:
    school: str  # a school's code, or "district" for the roll-up
    breakdown: str  # "" for the total, else a category code of the element
    value: Decimal | None  # None when withheld
    suppressed: bool  # True when withheld by disclosure control (never for a true zero)


@dataclass(frozen=True)
class Raw:
    """One school's stored value of one cell, with the counts behind it for rates and medians."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class Rules:
    k: int = 10
    min_schools: int = 3
    round_to_5: bool = False

    def __post_init__(self):
        if self.k < 5:
            raise ValueError("k is never below 5")

    @classmethod
    def from_settings(cls) -> Rules:
        from django.conf import settings

        return cls(
            k=max(5, int(settings.DISCLOSURE_K)),
            min_schools=int(settings.DISCLOSURE_MIN_SCHOOLS),
            round_to_5=bool(settings.DISCLOSURE_ROUND_TO_5),
        )


@dataclass(frozen=True)
class Shape:
    """What disclosure control needs to know about an element (a DataElement or catalog Element)."""

    code: str
    value_type: str
    counts_students: bool
    categories: tuple[str, ...] = ()
    numerator: str = ""
    denominator: str = ""
    unit: str = ""

    @classmethod
    def of(cls, element) -> Shape:
        return cls(
            code=element.code,
            value_type=element.value_type,
            counts_students=bool(element.counts_students),
            categories=tuple(c["code"] for c in element.categories),
            numerator=element.numerator or "",
            denominator=element.denominator or "",
            unit=getattr(element, "unit", "") or "",
        )

    @property
    def derived(self) -> bool:
        return self.value_type in ("rate", "median")


def _to_decimal(value) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def _round5(value: Decimal) -> Decimal:
    return (value / 5).quantize(Decimal(1), rounding=ROUND_HALF_UP) * 5


# --- additive tables ---------------------------------------------------------------------------


def publish_additive(shape: Shape, raw: dict[str, dict[str, Raw]], rules: Rules) -> list[Cell]:
    """Cells of a count or quantity element: every school with a value, then the district."""
    cats = list(shape.categories)
    m = len(cats)
    codes: list[str] = []
    grid: list[list[Decimal]] = []  # row 0 is the district; column 0 is the total
    for code in sorted(raw):
        row = raw[code]
        values = [_to_decimal(row[c].value) if c in row else None for c in cats]
        total = _to_decimal(row[TOTAL].value) if TOTAL in row else None
        if total is None and not any(v is not None for v in values):
            continue  # this school reported nothing for the element
        values = [v if v is not None else _ZERO for v in values]
        if total is None:
            total = sum(values, _ZERO)
        codes.append(code)
        grid.append([total, *values])
    n = len(codes)
    district = [sum((grid[i][c] for i in range(n)), _ZERO) for c in range(m + 1)]
    grid.insert(0, district)

    exempt = n < rules.min_schools
    withheld: set[tuple[int, int]] = set()
    if shape.counts_students:
        k = rules.k
        withheld = {
            (r, c)
            for r in range(n + 1)
            for c in range(m + 1)
            if _ZERO < grid[r][c] < k and not (exempt and r == 0)
        }
        if withheld:
            _protect(grid, n, m, withheld, exempt)

    rounding = rules.round_to_5 and shape.counts_students and shape.value_type == "count"
    out = []
    breakdowns = [TOTAL, *cats]
    for r in range(n + 1):
        school = DISTRICT if r == 0 else codes[r - 1]
        hidden_row = exempt and r == 0
        for c in range(m + 1):
            if hidden_row or (r, c) in withheld:
                out.append(Cell(school, breakdowns[c], None, True))
            else:
                value = grid[r][c]
                out.append(Cell(school, breakdowns[c], _round5(value) if rounding else value, False))
    return out


def _protect(grid, n: int, m: int, withheld: set, exempt: bool) -> None:
    """Complementary suppression in place: add cells to `withheld` until no withheld cell (other than
    exempt district cells) is determined by the published ones."""
    cols = m + 1

    def unknown(r, c):
        return (r, c) in withheld or (exempt and r == 0)

    # a. Lines with exactly one unknown, which is a protected cell, get a partner.
    def line_cells(line):
        kind, index = line
        if kind == "row":
            return [(index, c) for c in range(cols)]
        return [(r, index) for r in range(n + 1)]

    def lines_of(cell):
        r, c = cell
        return [("row", r), ("col", c)] if m > 0 else [("col", c)]

    unknowns_in: dict = {}
    for cell in [*withheld, *([(0, c) for c in range(cols)] if exempt else [])]:
        for line in lines_of(cell):
            unknowns_in[line] = unknowns_in.get(line, 0) + 1

    def other_line(cell, line):
        others = [other for other in lines_of(cell) if other != line]
        return others[0] if others else None

    # A deterministic order (sets of strings iterate in a per-process order).
    pending = sorted({line for cell in withheld for line in lines_of(cell)})
    heapq.heapify(pending)
    while pending:
        line = heapq.heappop(pending)
        if unknowns_in.get(line, 0) != 1:
            continue
        cells = line_cells(line)
        if not any(cell in withheld for cell in cells):
            continue  # its one unknown is an exempt district cell
        candidates = [cell for cell in cells if not unknown(*cell) and grid[cell[0]][cell[1]] != 0]
        if not candidates:
            continue  # cannot happen for consistent data (see the module's docstring); audit decides

        # Smallest first, but a partner whose other line already holds an unknown comes before one
        # that would leave its other line with a single unknown: chains close into cycles sooner.
        def preference(cell, line=line):
            other = other_line(cell, line)
            lonely = other is not None and unknowns_in.get(other, 0) == 0
            return (lonely, grid[cell[0]][cell[1]], cell)

        partner = min(candidates, key=preference)
        withheld.add(partner)
        for other in lines_of(partner):
            unknowns_in[other] = unknowns_in.get(other, 0) + 1
            heapq.heappush(pending, other)

    # b. Audit: no protected cell may be a bridge of the graph of unknown cells.
    while True:
        bridges = [cell for cell in _bridges(grid, n, m, withheld, exempt) if cell in withheld]
        if not bridges:
            return
        cell = bridges[0]
        path = _cheapest_closing_path(grid, n, m, withheld, exempt, cell)
        if path:
            withheld.update(path)
        else:
            # Only inconsistent data (a total that is not the sum of its parts, a negative value)
            # leaves no path: withhold every cell that may be withheld, and stop.
            withheld.update((r, c) for r in range(n + 1) for c in range(cols) if not (exempt and r == 0))
            return


def _node_ids(n: int, m: int):
    """Node of a row and of a column. Without categories the rows have no line of their own: they
    are one ground node, and the column is the only constraint."""
    row_nodes = n + 1 if m > 0 else 1

    def row_node(r):
        return r if m > 0 else 0

    def col_node(c):
        return row_nodes + c

    return row_nodes + m + 1, row_node, col_node


def _bridges(grid, n, m, withheld, exempt) -> list[tuple[int, int]]:
    size, row_node, col_node = _node_ids(n, m)
    edges = list(withheld)
    if exempt:
        edges += [(0, c) for c in range(m + 1) if (0, c) not in withheld]
    adjacency: list[list[tuple[int, int]]] = [[] for _ in range(size)]
    for index, (r, c) in enumerate(edges):
        a, b = row_node(r), col_node(c)
        adjacency[a].append((b, index))
        adjacency[b].append((a, index))
    order = [0] * size  # discovery time, 0 = unvisited
    low = [0] * size
    time = 0
    found = []
    for root in range(size):
        if order[root] or not adjacency[root]:
            continue
        time += 1
        order[root] = low[root] = time
        stack = [(root, -1, iter(adjacency[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            advanced = False
            for other, edge in neighbours:
                if edge == via:
                    continue
                if order[other]:
                    low[node] = min(low[node], order[other])
                else:
                    time += 1
                    order[other] = low[other] = time
                    stack.append((other, edge, iter(adjacency[other])))
                    advanced = True
                    break
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    found.append(edges[via])
    return found


def _cheapest_closing_path(grid, n, m, withheld, exempt, bridge) -> list[tuple[int, int]]:
    """Published non-zero cells that, withheld, put `bridge` on a cycle: the cheapest path between
    its two ends that avoids it (unknown cells cost nothing)."""
    size, row_node, col_node = _node_ids(n, m)
    row_count = size - (m + 1)
    start, goal = row_node(bridge[0]), col_node(bridge[1])
    dist = {start: 0.0}
    back: dict[int, tuple[int, tuple[int, int]]] = {}
    heap = [(0.0, start)]
    rows_of_node = (lambda node: range(n + 1)) if m == 0 else (lambda node: (node,))
    done = set()
    while heap:
        d, node = heapq.heappop(heap)
        if node in done:
            continue
        done.add(node)
        if node == goal:
            break
        if node < row_count:
            steps = [((r, c), col_node(c)) for r in rows_of_node(node) for c in range(m + 1)]
        else:
            c = node - row_count
            steps = [((r, c), row_node(r)) for r in range(n + 1)]
        for cell, other in steps:
            if cell == bridge or other in done:
                continue
            r, c = cell
            if cell in withheld or (exempt and r == 0):
                cost = 0.0
            elif grid[r][c] != 0:
                cost = float(grid[r][c])
            else:
                continue
            nd = d + cost
            if nd < dist.get(other, float("inf")):
                dist[other] = nd
                back[other] = (node, cell)
                heapq.heappush(heap, (nd, other))
    if goal not in done:
        return []
    path = []
    node = goal
    while node != start:
        node, cell = back[node]
        if cell not in withheld and not (exempt and cell[0] == 0):
            path.append(cell)
    return path


# --- derived tables (rates and medians) --------------------------------------------------------


def _scale(shape: Shape, raw: dict[str, dict[str, Raw]]) -> Decimal:
    """Rates are stored as numerator / denominator x scale (1, 100 or 1000): read it off the rows."""
    for row in raw.values():
        for item in row.values():
            if item.value and item.numerator and item.denominator:
                ratio = float(_to_decimal(item.value) * item.denominator / item.numerator)
                return Decimal(min((1, 100, 1000), key=lambda s: abs(ratio - s) / s))
    return Decimal(100 if shape.unit == "%" else 1000 if shape.code.endswith("_per_1000") else 1)


def publish_derived(
    shape: Shape,
    raw: dict[str, dict[str, Raw]],
    rules: Rules,
    *,
    numerator: tuple[Shape, dict[tuple[str, str], Cell], dict[str, dict[str, Raw]]] | None = None,
    denominator: tuple[Shape, dict[tuple[str, str], Cell], dict[str, dict[str, Raw]]] | None = None,
) -> list[Cell]:
    """Cells of a rate or median. `numerator`/`denominator`: (shape, published cells by (school,
    breakdown), raw rows) of the count elements behind it, when the catalog names them."""
    k = rules.k
    breakdowns = [TOTAL, *shape.categories]
    num_students = numerator[0].counts_students if numerator else shape.counts_students
    den_students = bool(denominator and denominator[0].counts_students)

    def count_behind(item: Raw, side, school, breakdown, field) -> Decimal | None:
        own = getattr(item, field)
        if own is not None:
            return _to_decimal(own)
        if side is None:
            return None
        behind = side[2].get(school, {}).get(breakdown)
        return _to_decimal(behind.value) if behind else None

    def withheld(school, breakdown, num: Decimal | None, den: Decimal | None) -> bool:
        for side in (numerator, denominator):
            if side is not None:
                cell = side[1].get((school, breakdown))
                if cell is not None and cell.suppressed:
                    return True
        if num_students and num is not None and _ZERO < num < k:
            return True
        if den_students and den is not None and den < k:
            return True
        return False

    codes = sorted(code for code, row in raw.items() if any(item.value is not None for item in row.values()))
    out = []
    for code in codes:
        row = raw[code]
        for breakdown in breakdowns:
            item = row.get(breakdown)
            if item is None or item.value is None:
                out.append(Cell(code, breakdown, None, False))
                continue
            num = count_behind(item, numerator, code, breakdown, "numerator")
            den = count_behind(item, denominator, code, breakdown, "denominator")
            if withheld(code, breakdown, num, den):
                out.append(Cell(code, breakdown, None, True))
            else:
                out.append(Cell(code, breakdown, _to_decimal(item.value), False))

    scale = _scale(shape, raw) if shape.value_type == "rate" else None
    district = []
    for breakdown in breakdowns:
        items = [(code, raw[code][breakdown]) for code in codes if breakdown in raw[code]]
        items = [(code, item) for code, item in items if item.value is not None]
        if len(codes) < rules.min_schools:
            district.append(Cell(DISTRICT, breakdown, None, True))
            continue
        if not items:
            district.append(Cell(DISTRICT, breakdown, None, False))
            continue
        pairs = [
            (
                count_behind(item, numerator, code, breakdown, "numerator"),
                count_behind(item, denominator, code, breakdown, "denominator"),
            )
            for code, item in items
        ]
        num = sum((p[0] for p in pairs), _ZERO) if all(p[0] is not None for p in pairs) else None
        den = sum((p[1] for p in pairs), _ZERO) if all(p[1] is not None for p in pairs) else None
        if scale is not None and num is not None and den:
            value = (num / den * scale).quantize(_PLACES)
        else:  # a median, or a rate without its counts: the median of the schools' values
            value = Decimal(statistics.median(_to_decimal(item.value) for _code, item in items)).quantize(
                _PLACES
            )
        if withheld(DISTRICT, breakdown, num, den):
            district.append(Cell(DISTRICT, breakdown, None, True))
        else:
            district.append(Cell(DISTRICT, breakdown, value, False))
    return _district_first(district, out)


def _district_first(district: list[Cell], schools: list[Cell]) -> list[Cell]:
    return [*district, *schools]


def by_key(cells: list[Cell]) -> dict[tuple[str, str], Cell]:
    return {(cell.school, cell.breakdown): cell for cell in cells}


def publish(
    shape: Shape,
    raw: dict[str, dict[str, Raw]],
    rules: Rules,
    *,
    numerator=None,
    denominator=None,
) -> list[Cell]:
    """Disclosure-controlled cells of one element in one period: the district's, then each school's
    (by code), each with its total first and then its categories in catalog order."""
    if shape.derived:
        return publish_derived(shape, raw, rules, numerator=numerator, denominator=denominator)
    cells = publish_additive(shape, raw, rules)
    return _district_first(
        [c for c in cells if c.school == DISTRICT], [c for c in cells if c.school != DISTRICT]
    )


def distribution_of(values) -> dict | None:
    """Five-number summary of published values; None when fewer than the 3-school minimum."""
    from django.conf import settings

    values = sorted(_to_decimal(v) for v in values if v is not None)
    if len(values) < int(settings.DISCLOSURE_MIN_SCHOOLS):
        return None
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return {
        "n": len(values),
        "min": values[0],
        "q1": Decimal(q1).quantize(_PLACES),
        "median": Decimal(median).quantize(_PLACES),
        "q3": Decimal(q3).quantize(_PLACES),
        "max": values[-1],
    }
