"""Disclosure control with real numbers: primary suppression at k=10 and k=5, zeros, complementary
suppression, the 3-school rule, rounding to 5, rates and medians; then the selectors on real rows."""

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from figures.disclosure import DISTRICT, Cell, Raw, Rules, Shape, by_key, distribution_of, publish
from tests.schools import school_for_tests

D = Decimal


def counts(rows: dict[str, dict[str, int]]) -> dict[str, dict[str, Raw]]:
    """{school: {breakdown: value}} as raw rows; a school's total is added when categories are given."""
    raw = {}
    for school, row in rows.items():
        cells = {b: Raw(D(v)) for b, v in row.items()}
        if "" not in cells:
            cells[""] = Raw(D(sum(row.values())))
        raw[school] = cells
    return raw


def shown(cells) -> dict[tuple[str, str], Decimal | None]:
    return {(c.school, c.breakdown): c.value for c in cells}


def withheld(cells) -> set[tuple[str, str]]:
    return {(c.school, c.breakdown) for c in cells if c.suppressed}


STUDENTS = Shape("referrals", "count", counts_students=True)
GRADES = Shape("enrolment", "count", counts_students=True, categories=("g7", "g8", "g9"))
ROOMS = Shape("counseling_rooms", "count", counts_students=False)


def test_k_is_never_below_five():
    with pytest.raises(ValueError):
        Rules(k=4)


def test_small_count_withheld_with_its_smallest_partner_at_k10():
    cells = publish(
        STUDENTS, counts({"a": {"": 25}, "b": {"": 7}, "c": {"": 40}, "d": {"": 31}}), Rules(k=10)
    )
    assert withheld(cells) == {("b", ""), ("a", "")}  # 7 is small; 25 is the smallest partner
    assert shown(cells)[(DISTRICT, "")] == D(103)
    assert shown(cells)[("c", "")] == D(40) and shown(cells)[("d", "")] == D(31)
    assert all(c.value is None for c in cells if c.suppressed)
    # District total minus the other schools leaves b + a, never b alone.
    assert cells[0] == Cell(DISTRICT, "", D(103), False)


def test_k5_shows_seven_and_withholds_three():
    raw = counts({"a": {"": 25}, "b": {"": 7}, "c": {"": 40}, "d": {"": 3}, "e": {"": 6}})
    cells = publish(STUDENTS, raw, Rules(k=5))
    assert shown(cells)[("b", "")] == D(7)
    assert withheld(cells) == {("d", ""), ("e", "")}  # 3 is small, 6 the smallest partner
    # At k=10 all three small counts are withheld, which already protects each of them.
    assert withheld(publish(STUDENTS, raw, Rules(k=10))) == {("b", ""), ("d", ""), ("e", "")}


def test_zero_is_shown_and_never_taken_as_partner():
    cells = publish(STUDENTS, counts({"a": {"": 0}, "b": {"": 3}, "c": {"": 40}, "d": {"": 50}}), Rules(k=10))
    assert shown(cells)[("a", "")] == D(0)
    assert withheld(cells) == {("b", ""), ("c", "")}


def test_small_district_cell_is_withheld_with_partners():
    # Only 4 cases in the district: the district cell is itself a small count.
    cells = publish(STUDENTS, counts({"a": {"": 0}, "b": {"": 4}, "c": {"": 0}}), Rules(k=10))
    assert withheld(cells) == {("b", ""), (DISTRICT, "")}
    assert shown(cells)[("a", "")] == D(0) and shown(cells)[("c", "")] == D(0)


def test_categories_protect_a_small_cell_in_row_and_column():
    raw = counts(
        {
            "a": {"g7": 120, "g8": 4, "g9": 130},
            "b": {"g7": 110, "g8": 90, "g9": 100},
            "c": {"g7": 100, "g8": 95, "g9": 140},
            "d": {"g7": 105, "g8": 80, "g9": 99},
        }
    )
    cells = publish(GRADES, raw, Rules(k=10))
    hidden = withheld(cells)
    assert ("a", "g8") in hidden
    # a's row: total - g7 - g9 would give g8, so another of a's cells is withheld too; the g8 column
    # likewise; and the four form a rectangle (a cycle) so that none can be recovered.
    assert ("a", "g7") in hidden and ("d", "g8") in hidden and ("d", "g7") in hidden
    assert len(hidden) == 4
    values = shown(cells)
    assert values[("a", "")] == D(254) and values[(DISTRICT, "g8")] == D(269)
    assert values[(DISTRICT, "")] == D(254 + 300 + 335 + 284)


def test_three_school_rule_withholds_the_district_row_only():
    raw = counts({"a": {"": 2}, "b": {"": 3}})
    cells = publish(ROOMS, raw, Rules(k=10))
    assert withheld(cells) == {(DISTRICT, "")}  # rooms are not students: small numbers are shown
    assert shown(cells)[("a", "")] == D(2)
    raw = counts({"a": {"": 2}, "b": {"": 3}, "c": {"": 1}})
    assert withheld(publish(ROOMS, raw, Rules(k=10))) == set()
    # The district's grand total with zero cells is shown when three schools contribute.
    assert shown(publish(STUDENTS, counts({"a": {"": 0}, "b": {"": 0}, "c": {"": 0}}), Rules()))[
        (DISTRICT, "")
    ] == D(0)


def test_two_schools_with_a_small_cell_still_do_not_leak_through_the_hidden_district():
    raw = counts({"a": {"g7": 3, "g8": 50, "g9": 60}, "b": {"g7": 40, "g8": 45, "g9": 50}})
    cells = publish(GRADES, raw, Rules(k=10))
    hidden = withheld(cells)
    assert {(DISTRICT, b) for b in ("", "g7", "g8", "g9")} <= hidden
    assert ("a", "g7") in hidden
    # a's row: total minus g8 minus g9 must not give g7, so a second cell of a's row is withheld.
    assert len([b for s, b in hidden if s == "a"]) >= 2


def test_rounding_to_five_after_suppression():
    raw = counts({"a": {"": 12}, "b": {"": 13}, "c": {"": 0}, "d": {"": 27}, "e": {"": 8}})
    cells = publish(STUDENTS, raw, Rules(k=10, round_to_5=True))
    values = shown(cells)
    assert withheld(cells) == {("e", ""), ("a", "")}
    assert values[("b", "")] == D(15) and values[("c", "")] == D(0) and values[("d", "")] == D(25)
    assert values[(DISTRICT, "")] == D(60)  # 60 exactly
    # Quantities that are not students are never rounded.
    rooms = publish(ROOMS, counts({"a": {"": 12}, "b": {"": 13}, "c": {"": 1}}), Rules(round_to_5=True))
    assert shown(rooms)[("b", "")] == D(13)


RATE = Shape(
    "screening_coverage",
    "rate",
    counts_students=True,
    categories=("g7",),
    numerator="screened_students",
    denominator="enrolment",
    unit="%",
)
SCREENED = Shape("screened_students", "count", counts_students=True, categories=("g7",))
ENROLLED = Shape("enrolment", "count", counts_students=True, categories=("g7",))


def _rate_tables(screened, enrolled):
    num_raw = counts({s: {"g7": v} for s, v in screened.items()})
    den_raw = counts({s: {"g7": v} for s, v in enrolled.items()})
    num_cells = publish(SCREENED, num_raw, Rules())
    den_cells = publish(ENROLLED, den_raw, Rules())
    rate_raw = {
        s: {
            b: Raw(
                (D(num_raw[s][b].value) / den_raw[s][b].value * 100).quantize(D("0.0001")),
                num_raw[s][b].value,
                den_raw[s][b].value,
            )
            for b in ("", "g7")
        }
        for s in screened
    }
    return publish(
        RATE,
        rate_raw,
        Rules(),
        numerator=(SCREENED, by_key(num_cells), num_raw),
        denominator=(ENROLLED, by_key(den_cells), den_raw),
    )


def test_rate_withheld_where_its_numerator_is_and_district_rate_is_sum_over_sum():
    cells = _rate_tables({"a": 5, "b": 40, "c": 90, "d": 0}, {"a": 50, "b": 50, "c": 100, "d": 20})
    hidden = withheld(cells)
    # a's 5 screened is small; b's 40 is its partner (smallest non-zero): both rates are withheld.
    assert {("a", ""), ("a", "g7"), ("b", ""), ("b", "g7")} <= hidden
    values = shown(cells)
    assert values[("c", "g7")] == D(90) and values[("d", "g7")] == D(0)  # zero numerator: a true 0 %
    assert values[(DISTRICT, "g7")] == (D(135) / D(220) * 100).quantize(D("0.0001"))


def test_rate_withheld_where_its_denominator_is_small():
    cells = _rate_tables({"a": 0, "b": 40, "c": 90, "d": 30}, {"a": 6, "b": 50, "c": 100, "d": 40})
    # a: 0 of 6 enrolled. The denominator is below k, so 0 % is withheld (and so is enrolment 6).
    assert ("a", "g7") in withheld(cells)


MEDIAN = Shape("crisis_hours_to_assessment", "median", counts_students=True, numerator="crisis_cases")
CASES = Shape("crisis_cases", "count", counts_students=True)


def test_median_withheld_over_few_cases_and_district_is_median_of_schools():
    cases_raw = counts({"a": {"": 4}, "b": {"": 12}, "c": {"": 30}, "d": {"": 15}})
    case_cells = publish(CASES, cases_raw, Rules())
    raw = {s: {"": Raw(D(h), cases_raw[s][""].value)} for s, h in {"a": 5, "b": 20, "c": 30, "d": 10}.items()}
    cells = publish(MEDIAN, raw, Rules(), numerator=(CASES, by_key(case_cells), cases_raw))
    assert withheld(cells) == {("a", ""), ("b", "")}  # 4 cases; 12 is the cases' partner cell
    assert shown(cells)[(DISTRICT, "")] == D("15.0000")


def test_distribution_needs_three_values():
    assert distribution_of([D(1), None, D(3)]) is None
    summary = distribution_of([D(10), D(20), D(30), D(40), D(50)])
    assert summary == {"n": 5, "min": D(10), "q1": D(20), "median": D(30), "q3": D(40), "max": D(50)}


# --- selectors, on real rows -------------------------------------------------------------------


def ensure_schools(codes: list[str]) -> dict:
    """Schools for figures tests, created once (the test database is kept between runs)."""
    schools = {}
    for index, code in enumerate(codes):
        school = school_for_tests(code, number=f"DISC{index:03d}{code[-2:]}", name=f"披露测试{code}")
        schools[code] = school
    return schools


@pytest.fixture(scope="module")
def disc_schools(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return ensure_schools(["discsa", "discsb", "discsc", "discsd"])


@pytest.fixture
def fresh_figures(db):
    from figures import selectors

    selectors.data_changed()
    yield
    selectors.data_changed()


def write(period, element, values: dict, schools) -> None:
    from figures.models import MetricValue

    now = datetime.now(timezone.utc)
    for code, row in values.items():
        for breakdown, value in row.items():
            MetricValue.objects.update_or_create(
                school=schools[code],
                period=period,
                element=element,
                breakdown=breakdown,
                defaults={"value": value, "computed_at": now},
            )


def test_published_reads_rows_caches_and_narrows_a_selection(
    disc_schools, fresh_figures, django_assert_num_queries
):
    from figures import selectors
    from figures.models import DataElement
    from figures.periods import ensure_school_year

    period = next(p for p in ensure_school_year("2026-2027") if p.code == "2026-2027-1")
    element = DataElement.objects.get(code="referrals")
    write(
        period,
        element,
        {"discsa": {"": 25}, "discsb": {"": 7}, "discsc": {"": 40}, "discsd": {"": 31}},
        disc_schools,
    )
    selectors.data_changed()

    cells = selectors.published(period, element)
    assert withheld(cells) == {("discsb", ""), ("discsa", "")}
    assert cells[0] == Cell(DISTRICT, "", D(103), False)
    with django_assert_num_queries(0):
        assert selectors.published(period, element) == cells  # from the cache

    # A selection of one published school and one withheld one: suppression stays as computed over all.
    chosen = selectors.published(period, element, schools=["discsb", "discsc"])
    assert [(c.school, c.value, c.suppressed) for c in chosen] == [
        (DISTRICT, D(103), False),
        ("discsb", None, True),
        ("discsc", D(40), False),
    ]
    assert selectors.published_value(period, element, "discsb") == Cell("discsb", "", None, True)
    assert selectors.published_value(period, element, "nosuch") == Cell("nosuch", "", None, False)

    # New data is read after data_changed(), never the stale table.
    write(period, element, {"discsb": {"": 70}}, disc_schools)
    assert selectors.published_value(period, element, "discsb").suppressed  # still cached
    selectors.data_changed()
    assert selectors.published_value(period, element, "discsb") == Cell("discsb", "", D(70), False)

    assert period in selectors.periods_with_data()
    summary = selectors.distribution(period, element)
    assert summary["n"] == 4 and summary["median"] == D("35.5000")


def test_published_from_a_school_schema_reads_the_same_cache(disc_schools, fresh_figures):
    from django_tenants.utils import schema_context

    from figures import selectors
    from figures.models import DataElement
    from figures.periods import ensure_school_year

    period = next(p for p in ensure_school_year("2026-2027") if p.code == "2026-2027-2")
    element = DataElement.objects.get(code="counseling_rooms")
    write(period, element, {"discsa": {"": 1}, "discsb": {"": 2}, "discsc": {"": 3}}, disc_schools)
    selectors.data_changed()
    with schema_context("school_alpha"):
        summary = selectors.distribution(period, element)
        assert summary["median"] == D(2)
        write(period, element, {"discsd": {"": 9}}, disc_schools)
        selectors.data_changed()  # bumped from a school's schema: the district sees it too
    assert selectors.distribution(period, element)["n"] == 4


def test_data_changed_moves_the_version_again_after_commit(db, django_capture_on_commit_callbacks):
    """A table computed between the write and its commit (from the old rows) must not outlive it."""
    from figures import selectors

    before = selectors._data_version()
    with django_capture_on_commit_callbacks(execute=True):
        selectors.data_changed()
        during = selectors._data_version()
    assert before != during != selectors._data_version()
