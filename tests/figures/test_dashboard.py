"""The district dashboard (/figures/) and one school's drill-down (/figures/schools/<code>/).

Figures are written as raw MetricValue rows for five schools (alpha, beta and three made here) and
one archived school; every number on the pages must be the published (disclosure-controlled) one.
`figures_data()` is shared with the school-side and browser tests.
"""

from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import PASSWORD, client_for, signed_in
from tests.schools import school_for_tests

T1, T2 = "2025-2026-1", "2025-2026-2"
EXTRA_SCHOOLS = (("dash1", "T101"), ("dash2", "T102"), ("dash3", "T103"))
ARCHIVED = ("dashold", "T199")
REGISTRY_ORDER = ["alpha", "beta", "dash1", "dash2", "dash3"]

ENROLMENT = {  # g7, g8, g9
    "alpha": (100, 120, 110),
    "beta": (90, 95, 100),
    "dash1": (200, 210, 190),
    "dash2": (80, 85, 90),
    "dash3": (150, 140, 160),
}
SCREENED = {
    "alpha": (90, 100, 100),
    "beta": (80, 90, 95),
    "dash1": (180, 200, 150),
    "dash2": (70, 80, 85),
    "dash3": (140, 130, 150),
}
PSYCH = {  # full time, part time
    "alpha": (1, 1),
    "beta": (0, 1),
    "dash1": (2, 1),
    "dash2": (1, 0),
    "dash3": (0, 2),
}
ROOMS = {T1: {"alpha": 2, "beta": 1, "dash1": 3, "dash2": 1, "dash3": 4}, T2: {"beta": 2, "dash1": 5}}
ROOM_HOURS = {"alpha": 20, "beta": 10, "dash1": 30, "dash2": 12, "dash3": 25}
# beta's 3 is below k: withheld, and another school's cell with it.
SESSIONS = {"alpha": 40, "beta": 3, "dash1": 25, "dash2": 0, "dash3": 60}


def _school(code, number, *, archived=False):
    from district.models import SchoolStatus

    school = school_for_tests(code, number=number)
    if archived and school.status != SchoolStatus.ARCHIVED:
        school.status = SchoolStatus.ARCHIVED
        school.save(update_fields=["status"])
    return school


def _write(school, period, code, value, breakdown=""):
    from figures.models import DataElement, MetricValue

    MetricValue.objects.update_or_create(
        school=school,
        period=period,
        element=DataElement.objects.get(code=code),
        breakdown=breakdown,
        defaults={"value": Decimal(value), "computed_at": timezone.now()},
    )


def _write_categories(school, period, code, by_category: dict):
    _write(school, period, code, sum(by_category.values()))
    for breakdown, value in by_category.items():
        _write(school, period, code, value, breakdown)


def figures_data():
    """Create (once) the schools, accounts and raw figures the dashboard tests read."""
    from district.models import School
    from figures import selectors
    from figures.catalog import catalog_sync
    from figures.models import Period
    from figures.periods import ensure_school_year
    from shared.accounts.models import User
    from shared.accounts.services import account_create

    connection.set_schema_to_public()
    catalog_sync()
    ensure_school_year("2025-2026")
    for code, number in EXTRA_SCHOOLS:
        _school(code, number)
    old = _school(*ARCHIVED, archived=True)
    schools = {s.code: s for s in School.objects.filter(code__in=REGISTRY_ORDER)}
    t1, t2 = Period.objects.get(code=T1), Period.objects.get(code=T2)
    for code, school in schools.items():
        grades = ("g7", "g8", "g9")
        _write_categories(school, t1, "enrolment", dict(zip(grades, ENROLMENT[code], strict=True)))
        _write_categories(school, t1, "screened_students", dict(zip(grades, SCREENED[code], strict=True)))
        full, part = PSYCH[code]
        _write_categories(school, t1, "psych_teachers", {"full_time": full, "part_time": part})
        _write(school, t1, "counseling_rooms", ROOMS[T1][code])
        _write(school, t1, "room_weekly_hours", ROOM_HOURS[code])
        _write(school, t1, "counseling_sessions", SESSIONS[code])
    for code, value in ROOMS[T2].items():
        _write(schools[code], t2, "counseling_rooms", value)
    _write(old, t1, "counseling_rooms", 9)  # archived, yet its past figures still count
    for username, roles in (("dash_analyst", ["district_analyst"]), ("dash_nobody", [])):
        if not User.objects.filter(username=username).exists():
            account_create(username=username, full_name=username, roles=roles, password=PASSWORD)
    selectors.data_changed()
    connection.set_schema_to_public()
    return schools


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return figures_data()


@pytest.fixture
def analyst(data, db):
    return signed_in(None, "dash_analyst")


def _element(code):
    from figures.models import DataElement

    return DataElement.objects.get(code=code)


def _period(code):
    from figures.models import Period

    return Period.objects.get(code=code)


# ---------------------------------------------------------------------------------------------
# Who reads the pages


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(data):
    for url in ("/figures/", "/figures/schools/alpha/"):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_district_account_without_a_figures_role_gets_404(data):
    client = signed_in(None, "dash_nobody")
    assert client.get("/figures/").status_code == 404
    assert client.get("/figures/schools/alpha/").status_code == 404
    assert client.get("/figures/?export=xlsx").status_code == 404


@pytest.mark.django_db
def test_school_hosts_do_not_serve_the_dashboard(data):
    client = signed_in("alpha", "r_principal")
    assert client.get("/figures/").status_code == 404
    assert client.get("/figures/schools/alpha/").status_code == 404


@pytest.mark.django_db
def test_analyst_and_admin_read_the_dashboard(data):
    for username in ("dash_analyst", "dora"):
        response = signed_in(None, username).get(f"/figures/?period={T1}")
        assert response.status_code == 200
        assert response.context["period"].code == T1
    # Only the admin is pointed at the runs page.
    assert signed_in(None, "dora").get("/figures/").context["can_run_jobs"] is True
    assert signed_in(None, "dash_analyst").get("/figures/").context["can_run_jobs"] is False


@pytest.mark.django_db
def test_default_period_is_the_latest_term_with_figures(analyst):
    assert analyst.get("/figures/").context["period"].code == T2
    assert analyst.get("/figures/?period=nonsense").context["period"].code == T2


# ---------------------------------------------------------------------------------------------
# Numbers


@pytest.mark.django_db
def test_policy_figures(analyst):
    policy = analyst.get(f"/figures/?period={T1}").context["policy"]
    # alpha, dash1 and dash2 have a full-time psychology teacher; the archived school reported no
    # psychology teachers, so it is not among the reporting schools.
    assert policy["full_time"] == {
        "schools": 3,
        "reporting": 5,
        "withheld": 0,
        "known": 5,
        "share": Decimal("60.0"),
    }
    screening = policy["screening"]
    # Grades 7-9 only (no students in the other target grades): 1740 screened of 1920 enrolled.
    assert [g["grade"] for g in screening["grades"]] == ["g7", "g8", "g9"]
    assert screening["total"].value == Decimal("90.6") and not screening["total"].suppressed
    by_grade = {g["grade"]: g for g in screening["grades"]}
    assert by_grade["g7"]["screened"].value == 560 and by_grade["g7"]["enrolled"].value == 620
    assert by_grade["g7"]["coverage"].value == Decimal("90.3")
    # Rooms: the district total includes the archived school's 9; the median is over published values.
    assert policy["rooms"]["district"].value == 11 + 9
    assert policy["rooms"]["summary"]["median"] == Decimal("2.5")  # 1, 1, 2, 3, 4, 9
    assert policy["room_hours"]["district"].value == 97
    assert policy["room_hours"]["summary"]["median"] == 20


@pytest.mark.django_db
def test_a_withheld_school_is_counted_as_withheld_never_as_zero(analyst):
    from figures import selectors

    response = analyst.get(f"/figures/?period={T1}&element=counseling_sessions")
    dist = response.context["distribution"]
    assert [r["code"] for r in dist["rows"]] == REGISTRY_ORDER  # registry order, never ranked
    cells = {r["code"]: r["cell"] for r in dist["rows"]}
    assert cells["beta"].suppressed and cells["beta"].value is None
    assert cells["alpha"].value == 40 and cells["dash2"].value == 0 and not cells["dash2"].suppressed
    published = [
        c
        for c in selectors.published(_period(T1), _element("counseling_sessions"))
        if c.school != "district" and c.breakdown == ""
    ]
    withheld = sum(1 for c in published if c.suppressed)
    assert withheld >= 2  # beta's, and a partner so that it cannot be worked out
    assert dist["withheld"] == withheld and dist["published"] == 5 - withheld
    assert dist["summary"]["n"] == 5 - withheld
    # The zero is in the distribution; the withheld ones are not.
    values = sorted(c.value for c in published if not c.suppressed)
    assert dist["summary"]["min"] == values[0] == 0
    html = response.content.decode()
    beta_row = html.split('data-school="beta"')[1].split("</tr>")[0]
    assert "badge-withheld" in beta_row and ">3<" not in beta_row and ">0<" not in beta_row
    title = beta_row.split('title="')[1].split('"')[0]
    assert str(settings.DISCLOSURE_K) in title  # the tooltip says why: fewer than k students


@pytest.mark.django_db
def test_rows_follow_the_registry_not_the_values(analyst):
    dist = analyst.get(f"/figures/?period={T1}&element=counseling_rooms").context["distribution"]
    codes = [r["code"] for r in dist["rows"]]
    assert codes == [*REGISTRY_ORDER, "dashold"]
    assert [r["cell"].value for r in dist["rows"]] == [2, 1, 3, 1, 4, 9]
    assert dist["rows"][-1]["linked"] is False  # an archived school has no drill-down link


@pytest.mark.django_db
def test_trend_by_term_leaves_a_gap_where_the_district_is_withheld(analyst):
    trend = analyst.get(f"/figures/?period={T1}&element=counseling_rooms").context["trend"]
    points = {p["period"].code: p["cell"] for p in trend["points"]}
    assert points[T1].value == 20 and not points[T1].suppressed
    # Only two schools reported in the spring term: the district figure needs three.
    assert points[T2].value is None and points[T2].suppressed
    assert trend["chart"]["values"] == [20.0, None]


@pytest.mark.django_db
def test_breakdown_picker(analyst):
    response = analyst.get(f"/figures/?period={T1}&element=psych_teachers&breakdown=full_time")
    dist = response.context["distribution"]
    assert [r["cell"].value for r in dist["rows"]] == [1, 0, 2, 1, 0]
    assert dist["district"].value == 4
    # A category the element does not have falls back to the total.
    response = analyst.get(f"/figures/?period={T1}&element=psych_teachers&breakdown=g7")
    assert response.context["breakdown"] == ""


# ---------------------------------------------------------------------------------------------
# Drill-down


@pytest.mark.django_db
def test_drill_down_shows_only_published_cells(analyst):
    response = analyst.get(f"/figures/schools/beta/?period={T1}")
    assert response.status_code == 200
    rows = {r["element"].code: r for r in response.context["rows"]}
    assert rows["counseling_sessions"]["total"].suppressed
    assert rows["counseling_sessions"]["total"].value is None
    assert rows["counseling_rooms"]["total"].value == 1
    psych = {c["code"]: c["cell"].value for c in rows["psych_teachers"]["categories"]}
    assert psych == {"full_time": 0, "part_time": 1}
    enrolment = {c["code"]: c["cell"].value for c in rows["enrolment"]["categories"]}
    assert enrolment["g8"] == 95
    html = response.content.decode()
    sessions_row = html.split('data-element="counseling_sessions" data-breakdown=""')[1].split("</tr>")[0]
    assert "badge-withheld" in sessions_row and ">3<" not in sessions_row
    # Only beta's own cells: no other school's figure on its page.
    assert "dash1" not in html and "测试学校alpha" not in html


@pytest.mark.django_db
def test_drill_down_refuses_unknown_archived_and_odd_codes(analyst):
    for code in ("nosuchschool", "dashold", "public", "..", "ALPHA", "alpha%20"):
        assert analyst.get(f"/figures/schools/{code}/").status_code == 404, code


@pytest.mark.django_db
def test_drill_down_export(analyst):
    response = analyst.get(f"/figures/schools/beta/?period={T1}&export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    header, body = rows[0], rows[1:]
    assert len(header) == 5
    by_key = {(r[0], r[1]): r for r in body}
    sessions = by_key[("个别辅导次数", _total())]
    assert sessions[2] is None and sessions[4]  # withheld: no value, and the flag
    rooms = by_key[("心理辅导室", _total())]
    assert rooms[2] == 1 and not rooms[4]
    assert by_key[("在籍学生数", "8年级")][2] == 95


def _total():
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("zh-hans"):
        return gettext("Total")


# ---------------------------------------------------------------------------------------------
# Dashboard export


@pytest.mark.django_db
def test_dashboard_export_has_every_table_and_the_withheld_flag(analyst):
    response = analyst.get(f"/figures/?period={T1}&element=counseling_sessions&export=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    sheets = workbook.worksheets
    assert len(sheets) >= 4  # distribution, trend, policy figures, screening by grade
    dist = [tuple(r) for r in sheets[0].iter_rows(values_only=True)]
    by_school = {r[1]: r for r in dist[1:]}
    assert list(by_school)[:5] == REGISTRY_ORDER
    assert by_school["alpha"][5] == 40 and not by_school["alpha"][7]
    assert by_school["beta"][5] is None and by_school["beta"][7]  # the flag column
    assert by_school["dash2"][5] == 0 and not by_school["dash2"][7]  # a true zero is not withheld
    assert "district" in by_school
    screening = [tuple(r) for r in sheets[3].iter_rows(values_only=True)]
    assert screening[1][:2] == ("7年级", 560)
    policy = [tuple(r) for r in sheets[2].iter_rows(values_only=True)]
    assert policy[1][1] == 3 and policy[2][1] == 5  # schools with a full-time teacher, reporting schools


# ---------------------------------------------------------------------------------------------
# Empty state


@pytest.mark.django_db
def test_empty_state_says_what_to_do_first(data):
    from figures.models import MetricValue

    MetricValue.objects.all().delete()  # rolled back after the test
    response = signed_in(None, "dora").get("/figures/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="figures-empty"' in html and 'href="/figures/runs/"' in html
    response = signed_in(None, "dash_analyst").get("/figures/")
    assert 'id="figures-empty"' in response.content.decode()
    assert signed_in(None, "dash_analyst").get("/figures/?export=xlsx").status_code == 200


@pytest.mark.django_db
def test_a_figure_nobody_reported_is_missing_not_withheld(analyst):
    policy = analyst.get(f"/figures/?period={T1}").context["policy"]
    assert policy["training"]["district"].missing and not policy["training"]["district"].suppressed
    trend = analyst.get(f"/figures/?period={T1}&element=referrals").context["trend"]
    assert all(p["cell"].missing for p in trend["points"])


@pytest.mark.django_db
def test_reporting_completeness_by_school_and_by_term(analyst):
    from reporting.selectors import completeness

    found = analyst.get(f"/figures/?period={T1}").context["completeness"]
    direct = completeness(_period(T1))
    assert (found["expected"], found["submitted"], found["on_time"]) == (
        direct["expected"],
        direct["submitted"],
        direct["on_time"],
    )
    codes = [r["school_code"] for r in found["by_school"]]
    assert [c for c in codes if c in REGISTRY_ORDER] == REGISTRY_ORDER
    assert [p["period"].code for p in found["by_period"]] == [T1, T2]


@pytest.mark.django_db
def test_the_district_overview_shows_each_schools_published_enrolment(data):
    """The registry's student column comes from the figures, not from what was typed at onboarding."""
    page = signed_in(None, "dash_analyst").get("/")
    assert page.status_code == 200
    rows = {s.code: s.enrolment for s in page.context["schools"]}
    assert page.context["enrolment_term"].code == T1
    for code, grades in ENROLMENT.items():
        assert rows[code].value == sum(grades) and not rows[code].suppressed
    html = page.content.decode()
    assert f">{sum(ENROLMENT['dash1'])}<" in html


@pytest.mark.django_db
def test_schools_are_listed_a_page_at_a_time(analyst, monkeypatch):
    """With a thousand schools the page lists them a page at a time; the export holds them all."""
    from figures import dashboard_views

    monkeypatch.setattr(dashboard_views, "SCHOOLS_PER_PAGE", 2)
    first = analyst.get(f"/figures/?period={T1}&element=counseling_sessions")
    third = analyst.get(f"/figures/?period={T1}&element=counseling_sessions&page=3")
    assert [r["code"] for r in first.context["distribution_page"]] == REGISTRY_ORDER[:2]
    assert [r["code"] for r in third.context["distribution_page"]] == REGISTRY_ORDER[4:]
    html = first.content.decode()
    assert 'data-school="dash1"' not in html and "page=2" in html and "element=counseling_sessions" in html
    assert len(first.context["completeness_page"]) <= 2
    exported = analyst.get(f"/figures/?period={T1}&element=counseling_sessions&page=3&export=xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(BytesIO(exported.content)).worksheets[0]
    codes = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes[:5] == REGISTRY_ORDER
