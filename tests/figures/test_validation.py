"""Validation rules on raw values, missing and withheld sides, and the pages that list violations:
the district's (admin, analyst, others) and each school's own."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from figures import selectors, tasks
from figures.catalog import BY_CODE
from figures.models import (
    AggregationRun,
    DataElement,
    MetricValue,
    Period,
    RunStatus,
    SchoolRunOutcome,
    ValidationRule,
    ValidationViolation,
)
from figures.periods import ensure_school_year
from figures.validation import RULES, district_view, evaluate, rules_sync
from tests.conftest import PASSWORD, client_for, host, signed_in

pytestmark = pytest.mark.django_db


def _not_evaluable() -> str:
    from django.utils.translation import gettext, override

    with override("zh-hans"):
        return gettext("Not evaluable (withheld)")


@pytest.fixture
def period():
    ensure_school_year("2021-2022")
    return Period.objects.get(code="2021-10")


def put(school, period, code, total, **categories):
    """Raw rows of one element: the total and every category (0 unless given)."""
    element = DataElement.objects.get(code=code)
    rows = {"": total, **{c: categories.get(c, 0) for c in element.category_codes}}
    MetricValue.objects.filter(school=school, period=period, element=element).delete()
    MetricValue.objects.bulk_create(
        MetricValue(school=school, period=period, element=element, breakdown=b,
                    value=None if v is None else Decimal(v), computed_at=timezone.now())
        for b, v in rows.items()
    )  # fmt: skip
    selectors.data_changed()


def _broken(school, period) -> dict[str, tuple]:
    return {
        v.rule.code: (v.left_value, v.right_value)
        for v in ValidationViolation.objects.filter(school=school, period=period).select_related("rule")
    }


def test_declared_rules_are_synced():
    assert rules_sync() == len(RULES)
    codes = set(ValidationRule.objects.filter(active=True).values_list("code", flat=True))
    assert codes == {r.code for r in RULES}
    for rule in RULES:
        assert rule.left[0] in BY_CODE and (rule.right is None or rule.right[0] in BY_CODE)
    assert "screened_le_enrolled_g4" in codes and "screened_le_enrolled_g12" in codes


def test_broken_rules_are_recorded_with_raw_values(schools, period):
    alpha = schools["alpha"]
    put(alpha, period, "enrolment", 100, g7=100)
    put(alpha, period, "screened_students", 120, g7=120)
    put(alpha, period, "screenings", 130, other=130)
    put(alpha, period, "psych_teachers", 0)
    put(alpha, period, "counseling_sessions", 0)
    assert evaluate(alpha, period) == 3
    assert _broken(alpha, period) == {
        "screened_le_enrolled": (Decimal(120), Decimal(100)),
        "screened_le_enrolled_g7": (Decimal(120), Decimal(100)),
        "psych_teacher_present": (Decimal(0), Decimal(1)),
    }
    # Fixed records, next evaluation: the violations are replaced, not added to.
    put(alpha, period, "screened_students", 90, g7=90)
    assert evaluate(alpha, period) == 1
    assert set(_broken(alpha, period)) == {"psych_teacher_present"}


def test_several_periods_are_evaluated_each_on_its_own_values(schools, period):
    """One call for the periods of a run: each period's violations come from its own values and
    replace only that period's."""
    alpha, beta = schools["alpha"], schools["beta"]
    november = Period.objects.get(code="2021-11")
    put(alpha, period, "enrolment", 100, g7=100)
    put(alpha, period, "screened_students", 120, g7=120)
    put(alpha, november, "enrolment", 100, g7=100)
    put(alpha, november, "screened_students", 80, g7=80)
    put(beta, period, "enrolment", 10, g7=10)
    put(beta, period, "screened_students", 20, g7=20)
    evaluate(beta, period)
    assert evaluate(alpha, period, november) == 2
    assert set(_broken(alpha, period)) == {"screened_le_enrolled", "screened_le_enrolled_g7"}
    assert _broken(alpha, november) == {}
    # Another school's violations are untouched by alpha's evaluation.
    assert set(_broken(beta, period)) == {"screened_le_enrolled", "screened_le_enrolled_g7"}
    put(alpha, period, "screened_students", 90, g7=90)
    put(alpha, november, "screened_students", 130, g7=130)
    assert evaluate(alpha, period, november) == 2
    assert _broken(alpha, period) == {}
    assert set(_broken(alpha, november)) == {"screened_le_enrolled", "screened_le_enrolled_g7"}


def test_a_missing_side_is_not_evaluated_never_zero(schools, period):
    alpha = schools["alpha"]
    # Screened students but no enrolment row at all: missing, not 0, so "screened <= enrolled" is not
    # broken; a rate with no denominator (no budget) is None, so "spent <= 100%" is not either.
    put(alpha, period, "screened_students", 50, g7=50)
    put(alpha, period, "budget_spent_share", None)
    evaluate(alpha, period)
    broken = _broken(alpha, period)
    assert "screened_le_enrolled" not in broken and "budget_not_overspent" not in broken
    assert "enrolment_positive" not in broken


def test_the_district_sees_a_withheld_side_as_not_evaluable(schools, period):
    alpha = schools["alpha"]
    put(alpha, period, "enrolment", 2, g5=2)  # below k: withheld
    put(alpha, period, "screened_students", 3, g5=3)
    evaluate(alpha, period)
    violation = ValidationViolation.objects.get(
        school=alpha, period=period, rule__code="screened_le_enrolled_g5"
    )
    assert (violation.left_value, violation.right_value) == (3, 2)  # the school's raw values
    shown = district_view(violation)
    assert (shown.evaluable, shown.left, shown.right) == (False, None, None)


def test_the_district_sees_both_values_when_both_are_published(schools, period):
    alpha = schools["alpha"]
    put(alpha, period, "enrolment", 20, g5=20)
    put(alpha, period, "screened_students", 30, g5=30)
    evaluate(alpha, period)
    violation = ValidationViolation.objects.get(
        school=alpha, period=period, rule__code="screened_le_enrolled_g5"
    )
    shown = district_view(violation)
    assert (shown.evaluable, shown.left, shown.right) == (True, Decimal(30), Decimal(20))


# --- pages -------------------------------------------------------------------------------------


@pytest.fixture
def analyst():
    from shared.accounts.models import User
    from shared.accounts.services import account_create

    if not User.objects.filter(username="agg_analyst").exists():
        account_create(
            username="agg_analyst", full_name="分析员", roles=["district_analyst"], password=PASSWORD
        )
    return signed_in(None, "agg_analyst")


@pytest.fixture
def violations(schools, period):
    alpha, beta = schools["alpha"], schools["beta"]
    put(alpha, period, "enrolment", 2, g5=2)
    put(alpha, period, "screened_students", 3, g5=3)
    put(beta, period, "enrolment", 40, g9=40)
    put(beta, period, "screened_students", 55, g9=55)
    put(beta, period, "psych_teachers", 0)
    evaluate(alpha, period)
    evaluate(beta, period)
    return period


def _cells(response, column: int) -> list:
    return [row[column][0] for row in response.context["rows"]]


def test_district_admin_reads_violations_with_withheld_sides_hidden(violations):
    client = signed_in(None, "dora")
    response = client.get("/figures/validation/", {"period": violations.code})
    assert response.status_code == 200
    by_school = {}
    for row in response.context["rows"]:
        by_school.setdefault(row[1][0], []).append((row[2][0], row[4][0], row[6][0]))
    withheld = _not_evaluable()
    assert by_school["测试学校alpha"] and all(
        (left, right) == (withheld, withheld) for _rule, left, right in by_school["测试学校alpha"]
    )
    beta_rows = {rule: (left, right) for rule, left, right in by_school["测试学校beta"]}
    assert beta_rows["9年级参加筛查的学生不多于在籍学生"] == (Decimal(55), Decimal(40))
    # Filter by school, and the XLSX export carries the same: no number behind a withheld side.
    response = client.get(
        "/figures/validation/", {"period": violations.code, "school": "alpha", "export": "xlsx"}
    )
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows and all(row[1] == "测试学校alpha" for row in rows)
    assert all(not isinstance(row[4], (int, float)) and not isinstance(row[6], (int, float)) for row in rows)


def test_analyst_reads_the_pages_but_cannot_start_a_run(analyst, violations):
    assert analyst.get("/figures/validation/").status_code == 200
    response = analyst.get("/figures/runs/")
    assert response.status_code == 200 and not response.context["can_run"]
    assert b'name="period"' not in response.content
    assert analyst.post("/figures/runs/", {"period": violations.code}).status_code == 404
    assert not AggregationRun.objects.exists()


def test_others_on_the_district_host_get_nothing(violations):
    anonymous = client_for(None)
    for url in ("/figures/runs/", "/figures/validation/"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # A school account's session means nothing on the district host.
    school = signed_in("alpha", "alice")
    response = school.get("/figures/validation/", HTTP_HOST=host(None))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert school.get("/figures/runs/", HTTP_HOST=host(None)).status_code == 302


def test_district_admin_starts_a_run_and_sees_its_progress(
    schools, period, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.run_aggregation, "apply_async", lambda args, headers: sent.append(args))
    client = signed_in(None, "dora")
    page = client.get("/figures/runs/")
    assert page.status_code == 200 and page.context["can_run"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/figures/runs/", {"period": period.code})
    assert response.status_code == 302
    run = AggregationRun.objects.get()
    assert run.requested_by == "dora" and list(run.periods.all()) == [period]
    assert sent == [(run.pk,)]
    assert client.post("/figures/runs/", {"period": "1999-01"}).status_code == 302
    assert AggregationRun.objects.count() == 1  # an unknown period starts nothing

    progress = client.get(f"/figures/runs/{run.pk}/progress/")
    assert b"hx-trigger" in progress.content  # queued: the bar keeps refreshing
    AggregationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, schools_total=2, schools_done=1, schools_failed=1
    )
    SchoolRunOutcome.objects.create(
        run=run,
        school=schools["beta"],
        ok=False,
        attempts=3,
        error="ZeroDivisionError",
        finished_at=timezone.now(),
    )
    progress = client.get(f"/figures/runs/{run.pk}/progress/")
    assert b"hx-trigger" not in progress.content
    assert "测试学校beta" in progress.content.decode() and "ZeroDivisionError" in progress.content.decode()
    listing = client.get("/figures/runs/").content.decode()
    assert "测试学校beta" in listing and "width: 100%" in listing


# --- the school's own page ---------------------------------------------------------------------


def test_a_school_sees_its_own_violations_only(violations):
    alice = signed_in("alpha", "alice")
    response = alice.get("/evaluation/figures-checks/")
    assert response.status_code == 200
    rules = _cells(response, 1)
    assert rules and all("9年级" not in str(rule) for rule in rules)  # beta's rule on grade 9 is not here
    assert "5年级参加筛查的学生不多于在籍学生" in rules
    left = dict(zip(rules, _cells(response, 3), strict=True))
    assert left["5年级参加筛查的学生不多于在籍学生"] == Decimal(3)  # its own raw value
    bob = signed_in("beta", "bob")
    rules = _cells(bob.get("/evaluation/figures-checks/"), 1)
    assert "至少配备一名心理教师" in rules and "5年级参加筛查的学生不多于在籍学生" not in rules


@pytest.mark.parametrize("role, status", [
    ("deputy", 200), ("member", 200), ("secretary", 200),
    ("homeroom_teacher", 404), ("counselor", 404), ("invited_attendee", 404), ("school_admin", 404),
])  # fmt: skip
def test_school_page_per_role(violations, role, status):
    assert signed_in("alpha", f"r_{role}").get("/evaluation/figures-checks/").status_code == status


def test_a_district_account_means_nothing_on_a_school_host(violations):
    dora = signed_in(None, "dora")
    response = dora.get("/evaluation/figures-checks/", HTTP_HOST=host("alpha"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
