import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from district.services import school_set_status
from tests.conftest import ALPHA, BETA, client_for, signed_in

pytestmark = pytest.mark.django_db

# Django's set_language answers a GET with a redirect, touching no table.
ROUTED_NO_QUERY = "/i18n/setlang/"


def test_district_host_serves_the_district_site(district_client):
    response = district_client.get("/accounts/login/")
    assert response.status_code == 200
    assert response.wsgi_request.is_district is True
    assert response.wsgi_request.tenant is None
    assert "示范区教育局" in response.content.decode()


def test_school_host_serves_that_school(alpha_client, schools):
    response = alpha_client.get("/accounts/login/")
    assert response.status_code == 200
    assert response.wsgi_request.tenant.schema_name == schools[ALPHA].schema_name
    assert schools[ALPHA].name in response.content.decode()


def test_school_urls_are_not_on_the_district_and_back(district_client, alpha_client):
    # The console exists only on the district host.
    assert district_client.get("/console/login/").status_code == 200
    assert alpha_client.get("/console/login/").status_code == 404


@pytest.mark.parametrize("hostname", ["nosuch.localhost", "evil.example.com", "alpha.localhost.evil.com"])
def test_unknown_host_gets_a_plain_404(hostname):
    from django.test import Client

    response = Client(HTTP_HOST=hostname).get("/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Traceback" not in body and "DisallowedHost" not in body


def test_suspended_school_gets_403_page_and_returns_after_reactivation(schools):
    school = schools[BETA]
    client = client_for(BETA)
    assert client.get("/accounts/login/").status_code == 200
    school_set_status(school=school, status="suspended")
    response = client.get("/accounts/login/")
    assert response.status_code == 403
    assert school.name in response.content.decode()
    school_set_status(school=school, status="active")
    assert client.get("/accounts/login/").status_code == 200


def test_archived_school_is_not_found(schools):
    school = schools[BETA]
    school_set_status(school=school, status="archived")
    try:
        assert client_for(BETA).get("/accounts/login/").status_code == 404
    finally:
        school_set_status(school=school, status="active")


def test_host_lookup_costs_no_query_once_cached(alpha_client):
    # A routed page that needs no query of its own (/healthz is answered before routing).
    alpha_client.get(ROUTED_NO_QUERY)  # warm the cache
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert alpha_client.get(ROUTED_NO_QUERY).status_code == 302
    assert len(queries) == 0, [q["sql"] for q in queries]


def test_district_lookup_costs_no_query(district_client):
    with CaptureQueriesContext(connection) as queries:
        assert district_client.get(ROUTED_NO_QUERY).status_code == 302
    assert len(queries) == 0


def test_signed_in_page_uses_one_schema_switch_not_a_domain_lookup():
    client = signed_in(ALPHA, "alice")
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    sql = " ".join(q["sql"] for q in queries)
    assert "district_domain" not in sql and "district_school" not in sql
