"""What the district dashboard and a school's drill-down show, shaped from published cells.

Every number here comes from `figures.selectors` (disclosure-controlled, cached): nothing in this
module reads `MetricValue`. A withheld cell stays withheld all the way to the page and the export
(value None, suppressed True); it is never counted as zero. Schools are listed in registry order
(`School.number`), never ranked.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from district.models import School, SchoolStatus
from figures import selectors
from figures.models import DataElement, PeriodKind

DISTRICT = "district"
DEFAULT_ELEMENT = "psych_teachers_per_1000"


def number(value):
    """A published value as people read it: an int when whole, else two decimals; None stays None."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def as_float(value):
    return None if value is None else float(value)


@dataclass(frozen=True)
class Shown:
    """One value on a page: a number, or withheld (never a zero in its place), or missing."""

    value: object = None
    suppressed: bool = False

    @property
    def missing(self) -> bool:
        return self.value is None and not self.suppressed


def shown(cell) -> Shown:
    if cell is None:
        return Shown()
    return Shown(number(cell.value), bool(cell.suppressed))


# ---------------------------------------------------------------------------------------------
# Periods and elements


def periods() -> list:
    """Periods that have figures, latest first."""
    return sorted(selectors.periods_with_data(), key=lambda p: (p.end, p.start), reverse=True)


def period_pick(code: str | None):
    """The asked-for period if it has figures, else the latest term (else the latest period)."""
    found = periods()
    if not found:
        return None
    for period in found:
        if period.code == code:
            return period
    terms = [p for p in found if p.kind == PeriodKind.TERM]
    return (terms or found)[0]


def element_pick(code: str | None) -> DataElement | None:
    elements = {e.code: e for e in DataElement.objects.all()}
    return elements.get(code or "") or elements.get(DEFAULT_ELEMENT) or next(iter(elements.values()), None)


def breakdown_pick(element: DataElement, code: str | None) -> str:
    return code if code and code in element.category_codes else ""


def breakdown_label(element: DataElement, breakdown: str) -> str:
    if not breakdown:
        return _("Total")
    return next((c["name"] for c in element.categories if c["code"] == breakdown), breakdown)


def _elements(*codes) -> dict:
    return {e.code: e for e in DataElement.objects.filter(code__in=codes)}


def _schools(codes) -> list[School]:
    return list(School.objects.filter(code__in=list(codes)).order_by("number"))


def _cells(period, element, breakdown=None) -> list:
    if period is None or element is None:
        return []
    cells = selectors.published(period, element)
    if breakdown is not None:
        cells = [c for c in cells if c.breakdown == breakdown]
    return cells


def _district(cells, breakdown=""):
    """The district's cell, or None when no school reported (missing, which is not withheld)."""
    if not any(c.school != DISTRICT for c in cells):
        return None
    return next((c for c in cells if c.school == DISTRICT and c.breakdown == breakdown), None)


def _district_row(cells) -> dict:
    """The district's cells by category; empty when no school reported."""
    if not any(c.school != DISTRICT for c in cells):
        return {}
    return {c.breakdown: c for c in cells if c.school == DISTRICT}


# ---------------------------------------------------------------------------------------------
# Distribution across schools


def distribution_block(period, element: DataElement, breakdown: str = "") -> dict:
    """Every reporting school's published value for one element and category, in registry order,
    with how many are withheld and the five-number summary over the published ones."""
    cells = _cells(period, element, breakdown)
    by_school = {c.school: c for c in cells if c.school != DISTRICT}
    rows = [
        {
            "code": school.code,
            "name": school.name,
            "number": school.number,
            "linked": school.status != SchoolStatus.ARCHIVED,
            "cell": shown(by_school[school.code]),
        }
        for school in _schools(by_school)
    ]
    stats = selectors.distribution(period, element, breakdown) if rows else None
    summary = None
    if stats:
        summary = {key: number(stats[key]) for key in ("min", "q1", "median", "q3", "max")}
        summary["n"] = stats["n"]
    withheld = sum(1 for r in rows if r["cell"].suppressed)
    return {
        "element": element,
        "breakdown": breakdown,
        "breakdown_label": breakdown_label(element, breakdown),
        "rows": rows,
        "reporting": len(rows),
        "withheld": withheld,
        "published": len(rows) - withheld,
        "summary": summary,
        "district": shown(_district(cells, breakdown)),
        "min_schools": settings.DISCLOSURE_MIN_SCHOOLS,
        "chart": {
            "box": [as_float(summary[k]) for k in ("min", "q1", "median", "q3", "max")] if summary else None,
            "histogram": histogram([r["cell"].value for r in rows if r["cell"].value is not None]),
        },
    }


def histogram(values, bins: int = 8) -> list[dict]:
    """How many schools fall in each of up to `bins` equal ranges of the published values (counts of
    schools, never which ones)."""
    values = [Decimal(v) for v in values]
    if not values:
        return []
    low, high = min(values), max(values)
    if low == high:
        return [{"label": str(number(low)), "schools": len(values)}]
    width = (high - low) / bins
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - low) / width))] += 1
    return [
        {"label": f"{number(low + width * i)}–{number(low + width * (i + 1))}", "schools": counts[i]}
        for i in range(bins)
    ]


# ---------------------------------------------------------------------------------------------
# Trends by term


def trend_block(element: DataElement, breakdown: str = "") -> dict:
    """The district roll-up of one element per term that has figures; a withheld term is a gap."""
    terms = sorted((p for p in periods() if p.kind == PeriodKind.TERM), key=lambda p: p.start)
    points = []
    for period in terms:
        cell = _district(_cells(period, element, breakdown), breakdown)
        points.append({"period": period, "cell": shown(cell)})
    return {
        "element": element,
        "breakdown_label": breakdown_label(element, breakdown),
        "points": points,
        "chart": {
            "labels": [p["period"].name for p in points],
            "values": [as_float(p["cell"].value) for p in points],
        },
    }


# ---------------------------------------------------------------------------------------------
# Policy figures


def _ratio(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def full_time_block(period, element) -> dict:
    """Schools with at least one full-time psychology teacher, among the reporting schools."""
    cells = _cells(period, element)
    reporting = {c.school for c in cells if c.school != DISTRICT and c.breakdown == ""}
    full_time = [c for c in cells if c.school in reporting and c.breakdown == "full_time"]
    withheld = sum(1 for c in full_time if c.suppressed)
    with_one = sum(1 for c in full_time if not c.suppressed and c.value and c.value > 0)
    known = len(reporting) - withheld
    return {
        "schools": with_one,
        "reporting": len(reporting),
        "withheld": withheld,
        "known": known,
        "share": _ratio(with_one, known),
    }


def screening_block(period, screened_element, enrolment_element) -> dict:
    """Screening coverage of the target grades from the district's published cells: screened students
    over enrolled students, per grade and over all target grades. Withheld whenever any cell it needs
    is withheld (never computed around it)."""
    grades = [f"g{n}" for n in settings.SCREENING_TARGET_GRADES]
    screened = _district_row(_cells(period, screened_element))
    enrolled = _district_row(_cells(period, enrolment_element))
    names = {c["code"]: c["name"] for c in (enrolment_element.categories if enrolment_element else [])}
    rows = []
    for grade in grades:
        s, e = screened.get(grade), enrolled.get(grade)
        suppressed = bool((s and s.suppressed) or (e and e.suppressed))
        if not suppressed and not (s and s.value) and not (e and e.value):
            continue  # no students in this grade anywhere (or no figures): nothing to cover
        coverage = None if suppressed or s is None or e is None else _ratio(s.value, e.value)
        rows.append(
            {
                "grade": grade,
                "name": names.get(grade, grade),
                "screened": shown(s),
                "enrolled": shown(e),
                "coverage": Shown(coverage, suppressed),
            }
        )
    needed = rows
    total_suppressed = any(r["screened"].suppressed or r["enrolled"].suppressed for r in needed)
    total = Shown()
    if needed and not total_suppressed:
        screened_sum = sum((r["screened"].value or 0) for r in needed)
        enrolled_sum = sum((r["enrolled"].value or 0) for r in needed)
        total = Shown(_ratio(screened_sum, enrolled_sum))
    elif total_suppressed:
        total = Shown(None, True)
    return {
        "grades": rows,
        "total": total,
        "target": f"{settings.SCREENING_TARGET_GRADES[0]}–{settings.SCREENING_TARGET_GRADES[-1]}",
        "chart": {
            "labels": [r["name"] for r in rows],
            "values": [as_float(r["coverage"].value) for r in rows],
        },
    }


def total_and_spread(period, element) -> dict:
    """An element's district total and its distribution across schools."""
    if element is None:
        return {"element": None, "district": Shown(), "summary": None}
    cells = _cells(period, element, "")
    stats = selectors.distribution(period, element, "") if cells else None
    return {
        "element": element,
        "district": shown(_district(cells)),
        "summary": {k: number(stats[k]) for k in ("q1", "median", "q3")} | {"n": stats["n"]}
        if stats
        else None,
    }


def policy_block(period) -> dict:
    els = _elements(
        "psych_teachers",
        "screened_students",
        "enrolment",
        "counseling_rooms",
        "room_weekly_hours",
        "training_hours_per_teacher",
    )
    return {
        "full_time": full_time_block(period, els.get("psych_teachers")),
        "screening": screening_block(period, els.get("screened_students"), els.get("enrolment")),
        "rooms": total_and_spread(period, els.get("counseling_rooms")),
        "room_hours": total_and_spread(period, els.get("room_weekly_hours")),
        "training": total_and_spread(period, els.get("training_hours_per_teacher")),
    }


# ---------------------------------------------------------------------------------------------
# Reporting completeness (reporting.selectors, when it is there)


def completeness_block(period) -> dict:
    """Expected, submitted and on time, by school (registry order) and by term."""
    from reporting.selectors import completeness  # reporting reads figures: imported when called

    current = completeness(period)
    order = {s.code: s.number for s in School.objects.all()}
    by_school = sorted(current["by_school"], key=lambda r: order.get(r["school_code"], r["school_code"]))
    by_period = []
    for other in sorted((p for p in periods() if p.kind == PeriodKind.TERM), key=lambda p: p.start):
        found = current if other.pk == period.pk else completeness(other)
        by_period.append(
            {
                "period": other,
                "expected": found["expected"],
                "submitted": found["submitted"],
                "on_time": found["on_time"],
            }
        )
    return {
        "expected": current["expected"],
        "submitted": current["submitted"],
        "on_time": current["on_time"],
        "by_school": by_school,
        "by_period": by_period,
    }


# ---------------------------------------------------------------------------------------------
# One school


def school_block(period, school: School) -> list[dict]:
    """One school's published cells for every element it reported in the period: the total and
    each category. Suppression is computed over all schools (selectors.published does)."""
    found = []
    for element in DataElement.objects.all():
        cells = {c.breakdown: c for c in selectors.published(period, element, schools=[school.code])
                 if c.school == school.code}  # fmt: skip
        if not cells:
            continue
        found.append(
            {
                "element": element,
                "total": shown(cells.get("")),
                "categories": [
                    {"code": c["code"], "name": c["name"], "cell": shown(cells.get(c["code"]))}
                    for c in element.categories
                    if c["code"] in cells
                ],
            }
        )
    return found


def dashboard_context(*, period_code=None, element_code=None, breakdown=None) -> dict:
    period = period_pick(period_code)
    if period is None:
        return {"period": None, "periods": []}
    element = element_pick(element_code)
    chosen_breakdown = breakdown_pick(element, breakdown) if element else ""
    return {
        "period": period,
        "periods": periods(),
        "elements": list(DataElement.objects.all()),
        "element": element,
        "breakdown": chosen_breakdown,
        "distribution": distribution_block(period, element, chosen_breakdown) if element else None,
        "trend": trend_block(element, chosen_breakdown) if element else None,
        "policy": policy_block(period),
        "completeness": completeness_block(period),
    }
