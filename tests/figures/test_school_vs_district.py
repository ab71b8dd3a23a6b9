"""Each school against the district, on the school's home page and on /evaluation/.

The school's own figure is its own raw value; the district side is the median and quartiles of the
schools' published values, and nothing at all below three schools. Data: tests.figures.test_dashboard.
"""

from decimal import Decimal

import pytest

from tests.conftest import signed_in
from tests.figures.test_dashboard import ROOMS, SESSIONS, T1, T2, figures_data

LEADERS = ("r_principal", "r_deputy", "r_member", "r_secretary")
NOT_LEADERS = (
    "r_homeroom_teacher",
    "r_invited_attendee",
    "r_psychology_teacher",
    "r_counselor",
    "r_school_admin",
)
PAGES = ("/", "/evaluation/")


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return figures_data()


def _row(html: str, element: str) -> str:
    return html.split(f'data-element="{element}"')[1].split("</tr>")[0]


def _own(html: str, element: str) -> str:
    return _row(html, element).split('class="num own">')[1].split("</td>")[0]


@pytest.mark.django_db
def test_principal_sees_own_figures_beside_the_district_quartiles(data):
    client = signed_in("alpha", "r_principal")
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        card = response.context["vs_district"]
        assert card["period"].code == T1  # alpha's latest term with figures
        rows = {r["element"].code: r for r in card["rows"]}
        # Rooms in the autumn term: 1, 1, 2, 3, 4 and the archived school's 9 (inclusive quartiles).
        assert rows["counseling_rooms"]["own"] == ROOMS[T1]["alpha"] == 2
        assert rows["counseling_rooms"]["summary"] == {
            "q1": Decimal("1.25"),
            "median": Decimal("2.5"),
            "q3": Decimal("3.75"),
            "n": 6,
        }
        assert "min" not in rows["counseling_rooms"]["summary"]  # one school's value: never shown
        # Counseling sessions count students: the principal sees the school's own number.
        assert rows["counseling_sessions"]["own"] == SESSIONS["alpha"] == 40
        assert not rows["counseling_sessions"]["own_hidden"]
        html = response.content.decode()
        assert 'id="school-vs-district"' in html
        assert _own(html, "counseling_sessions").strip() == "40"
        assert _own(html, "counseling_rooms").strip() == "2"
        assert ">2.50<" in _row(html, "counseling_rooms")


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["r_deputy", "r_member", "r_secretary"])
def test_other_leaders_see_the_card_without_student_counts(data, username):
    client = signed_in("alpha", username)
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        rows = {r["element"].code: r for r in response.context["vs_district"]["rows"]}
        assert rows["counseling_rooms"]["own"] == 2
        assert rows["counseling_sessions"]["own"] is None and rows["counseling_sessions"]["own_hidden"]
        own = _own(response.content.decode(), "counseling_sessions")
        assert "40" not in own


@pytest.mark.django_db
@pytest.mark.parametrize("username", NOT_LEADERS)
def test_others_see_no_comparison(data, username):
    client = signed_in("alpha", username)
    for url in PAGES:
        response = client.get(url)
        if response.status_code != 200:
            assert url == "/evaluation/" and response.status_code == 404
            continue
        assert response.context.get("vs_district") is None
        assert 'id="school-vs-district"' not in response.content.decode()


@pytest.mark.django_db
def test_below_three_schools_the_district_side_is_empty(data):
    # Only beta and dash1 reported rooms in the spring term: beta's card shows its own 2 and
    # nothing of the district, so dash1's 5 cannot be read off it.
    response = signed_in("beta", "r_principal").get("/")
    card = response.context["vs_district"]
    assert card["period"].code == T2
    rows = {r["element"].code: r for r in card["rows"]}
    assert list(rows) == ["counseling_rooms"]
    assert rows["counseling_rooms"]["own"] == ROOMS[T2]["beta"] == 2
    assert rows["counseling_rooms"]["summary"] is None and rows["counseling_rooms"]["bar"] is None
    row = _row(response.content.decode(), "counseling_rooms")
    assert str(ROOMS[T2]["dash1"]) not in row.replace(str(ROOMS[T2]["beta"]), "")


@pytest.mark.django_db
def test_a_school_never_sees_another_schools_own_figure(data):
    alpha = signed_in("alpha", "r_principal").get("/").content.decode()
    beta = signed_in("beta", "r_principal").get("/").content.decode()
    # beta's withheld 3 sessions and its own figures never appear as "own" on alpha's page.
    assert _own(alpha, "counseling_sessions").strip() == "40"
    assert 'data-element="counseling_sessions"' not in beta  # beta reported none in its latest term
    for element in ("counseling_rooms", "counseling_sessions", "room_weekly_hours"):
        assert f">{SESSIONS['beta']}<" not in _row(alpha, element)


@pytest.mark.django_db
def test_selector_only_reads_the_schools_own_rows(data):
    from django.contrib.auth.models import AnonymousUser

    from district.models import School
    from figures.school_view import school_vs_district
    from shared.accounts.models import User

    dash2 = School.objects.get(code="dash2")
    assert school_vs_district(AnonymousUser(), dash2) is None
    user = User(username="x", roles=["principal"])
    card = school_vs_district(user, dash2)
    rows = {r["element"].code: r["own"] for r in card["rows"]}
    assert rows == {"counseling_rooms": 1, "room_weekly_hours": 12, "counseling_sessions": 0}


@pytest.mark.django_db
def test_a_school_sees_the_distribution_only_from_enough_schools(data, settings):
    """With three schools, a school's own figure, the median and the quartiles would give the other
    two schools' figures: schools see the district side only from SCHOOL_COMPARISON_MIN_SCHOOLS."""
    page = signed_in("alpha", "r_principal")

    def rooms():
        rows = {r["element"].code: r for r in page.get("/").context["vs_district"]["rows"]}
        return rows["counseling_rooms"]["summary"]

    shown = rooms()
    assert shown is not None and shown["n"] >= settings.SCHOOL_COMPARISON_MIN_SCHOOLS == 5
    settings.SCHOOL_COMPARISON_MIN_SCHOOLS = shown["n"] + 1
    assert rooms() is None
