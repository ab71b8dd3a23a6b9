"""The district metrics API: disclosure-controlled rows, the catalog, per role, across sites, and
against the district's OpenAPI document."""

import functools

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import ALPHA, PASSWORD, api_client, host
from tests.figures.test_disclosure import ensure_schools, write
from tests.support import openapi

SCHOOLS = ["discsa", "discsb", "discsc", "discsd"]


@functools.cache
def district_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator(urlconf="config.urls_public").get_schema(request=None, public=True)


@pytest.fixture
def conforms(monkeypatch):
    """assert_matches_schema against the district host's document."""
    monkeypatch.setattr(openapi, "school_schema", district_schema)
    return openapi.assert_matches_schema


@pytest.fixture(scope="module")
def figures_setup(django_db_setup, django_db_blocker):
    from shared.accounts.models import User
    from shared.accounts.services import account_create

    with django_db_blocker.unblock():
        schools = ensure_schools(SCHOOLS)
        connection.set_schema_to_public()
        for username, roles in (("disc_analyst", ["district_analyst"]), ("disc_nobody", [])):
            if not User.objects.filter(username=username).exists():
                account_create(username=username, full_name="测试", roles=roles, password=PASSWORD)
    return schools


@pytest.fixture
def table(figures_setup, db):
    """Referrals in the 2026-2027 school year: 25, 7, 40 and 31 (7 is small, 25 its partner)."""
    from figures import selectors
    from figures.models import DataElement
    from figures.periods import ensure_school_year

    period = next(p for p in ensure_school_year("2026-2027") if p.code == "2026-2027")
    element = DataElement.objects.get(code="referrals")
    write(period, element, dict(zip(SCHOOLS, ({"": v} for v in (25, 7, 40, 31)), strict=True)), figures_setup)
    enrolment = DataElement.objects.get(code="enrolment")
    write(period, enrolment, {"discsa": {"": 300, "g7": 100, "g8": 200}}, figures_setup)
    selectors.data_changed()
    yield period
    selectors.data_changed()


URL = "/api/v1/metrics/?period=2026-2027&element=referrals"
EXPECTED = [
    {"school": "district", "breakdown": "", "value": 103.0, "suppressed": False},
    {"school": "discsa", "breakdown": "", "value": None, "suppressed": True},
    {"school": "discsb", "breakdown": "", "value": None, "suppressed": True},
    {"school": "discsc", "breakdown": "", "value": 40.0, "suppressed": False},
    {"school": "discsd", "breakdown": "", "value": 31.0, "suppressed": False},
]


@pytest.mark.parametrize("username", ["dora", "disc_analyst"])
def test_district_readers_get_disclosure_controlled_rows(table, conforms, username):
    response = api_client(None, username).get(URL)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 5 and body["results"] == EXPECTED
    conforms(response)


def test_every_school_that_reported_has_a_total_and_a_row_per_category(table, conforms):
    response = api_client(None, "dora").get("/api/v1/metrics/?period=2026-2027&element=enrolment")
    rows = response.json()["results"]
    grades = [f"g{n}" for n in range(1, 13)]
    assert [(r["school"], r["breakdown"]) for r in rows] == [
        *(("district", b) for b in ["", *grades]),
        *(("discsa", b) for b in ["", *grades]),
    ]
    # One school: the district roll-up is withheld (3-school rule), the school's own figures are not
    # small and stay shown.
    assert all(r["suppressed"] and r["value"] is None for r in rows if r["school"] == "district")
    assert {r["breakdown"]: r["value"] for r in rows if r["school"] == "discsa"}["g8"] == 200.0
    conforms(response)


def test_rows_are_paginated(table, conforms):
    response = api_client(None, "dora").get(URL + "&page_size=2&page=2")
    body = response.json()
    assert body["count"] == 5 and body["results"] == EXPECTED[2:4] and body["next"] and body["previous"]
    conforms(response)


def test_k_follows_the_setting(table, settings):
    settings.DISCLOSURE_K = 5
    client = api_client(None, "dora")
    assert [r["value"] for r in client.get(URL).json()["results"]] == [103.0, 25.0, 7.0, 40.0, 31.0]
    assert client.get("/api/v1/metrics/catalog/").json()["k"] == 5


@pytest.mark.parametrize(
    "query, fields",
    [
        ("", {"period", "element"}),
        ("?period=2026-2027", {"element"}),
        ("?element=referrals", {"period"}),
        ("?period=1999-13&element=referrals", {"period"}),
        ("?period=2026-2027&element=nosuch", {"element"}),
    ],
)
def test_missing_or_unknown_parameters_answer_400_naming_them(table, conforms, query, fields):
    response = api_client(None, "dora").get("/api/v1/metrics/" + query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == fields
    if "nosuch" in query:
        assert "nosuch" in error["fields"]["element"][0]
    conforms(response)


def test_catalog_lists_elements_periods_with_data_and_k(table, conforms):
    from figures.catalog import ELEMENTS

    response = api_client(None, "disc_analyst").get("/api/v1/metrics/catalog/")
    assert response.status_code == 200
    body = response.json()
    assert [e["code"] for e in body["elements"]] == [e.code for e in ELEMENTS]
    enrolment = next(e for e in body["elements"] if e["code"] == "enrolment")
    assert (
        enrolment["counts_students"] is True
        and enrolment["unit"] == "人"
        and enrolment["name"] == "在籍学生数"
    )
    assert enrolment["breakdowns"][6] == {"code": "g7", "name": "7年级"}
    rooms = next(e for e in body["elements"] if e["code"] == "counseling_rooms")
    assert rooms["counts_students"] is False and rooms["breakdowns"] == []
    codes = [p["code"] for p in body["periods"]]
    assert "2026-2027" in codes and "2026-2027-1" not in codes  # a period without data is not listed
    year = next(p for p in body["periods"] if p["code"] == "2026-2027")
    assert year == {"code": "2026-2027", "name": "2026-2027学年", "kind": "year", "start": "2026-09-01",
                    "end": "2027-08-31"}  # fmt: skip
    assert body["k"] == 10
    conforms(response)


@pytest.mark.parametrize("url", [URL, "/api/v1/metrics/catalog/"])
def test_a_district_account_without_a_figures_role_is_refused(table, conforms, url):
    response = api_client(None, "disc_nobody").get(url)
    assert response.status_code == 403
    assert "results" not in response.json() and "elements" not in response.json()
    conforms(response)


@pytest.mark.parametrize("url", [URL, "/api/v1/metrics/catalog/"])
def test_anonymous_answers_401(table, conforms, url):
    response = Client(HTTP_HOST=host(None)).get(url)
    assert response.status_code == 401
    conforms(response)


@pytest.mark.parametrize("username", ["alice", "r_principal", "r_school_admin"])
def test_a_school_token_means_nothing_on_the_district_host(table, conforms, username):
    school = api_client(ALPHA, username)
    token = school.defaults["HTTP_AUTHORIZATION"]
    assert school.get("/api/v1/me/").status_code == 200  # a good token, at its own school
    response = Client(HTTP_HOST=host(None), HTTP_AUTHORIZATION=token).get(URL)
    assert response.status_code == 401
    conforms(response)


def test_a_district_token_means_nothing_at_a_school(table):
    district = api_client(None, "dora")
    token = district.defaults["HTTP_AUTHORIZATION"]
    assert district.get("/api/v1/me/").status_code == 200
    at_school = Client(HTTP_HOST=host(ALPHA), HTTP_AUTHORIZATION=token)
    assert at_school.get("/api/v1/me/").status_code == 401
    # The school host has no metrics API at all.
    assert at_school.get(URL).status_code == 404


def test_both_operations_are_in_the_district_document_only(db):
    paths = district_schema()["paths"]
    assert "get" in paths["/api/v1/metrics/"] and "get" in paths["/api/v1/metrics/catalog/"]
    parameters = {p["name"]: p for p in paths["/api/v1/metrics/"]["get"]["parameters"]}
    assert parameters["period"]["required"] and parameters["element"]["required"]
    assert set(paths["/api/v1/metrics/"]["get"]["responses"]) >= {"200", "400", "401", "403"}
    assert "/api/v1/metrics/" not in openapi.school_schema()["paths"]
    response = api_client(None, "dora").get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    served = response.json()["paths"]
    assert "/api/v1/metrics/catalog/" in served and "/api/v1/students/" not in served
