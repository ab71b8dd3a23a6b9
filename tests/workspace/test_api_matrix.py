"""Every workspace endpoint x every school role, and a cross-school 404 for each endpoint."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.conftest import ALPHA, BETA, api_client
from tests.support.matrix import ALL_ROLES, all_endpoints
from tests.support.openapi import assert_matches_schema

ENDPOINTS = all_endpoints()
pytestmark = pytest.mark.django_db


def _make(endpoint, code=ALPHA):
    with schema_context(f"school_{code}"):
        obj = endpoint.make()
    connection.set_schema_to_public()
    return obj


def _payload(endpoint, code=ALPHA):
    with schema_context(f"school_{code}"):
        body = endpoint.payload()
    connection.set_schema_to_public()
    return body


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_role_matrix(endpoint, role):
    obj = _make(endpoint)
    client = api_client(ALPHA, f"r_{role}")
    detail = f"{endpoint.url}{obj.public_id}/"

    listed = client.get(endpoint.url)
    assert listed.status_code == (200 if role in endpoint.read else 403), (role, listed.content[:300])
    assert_matches_schema(listed)
    if role in endpoint.read:
        assert str(obj.public_id) in {item["id"] for item in listed.json()["results"]}

    shown = client.get(detail)
    assert shown.status_code == (200 if role in endpoint.read else 404), (role, shown.content[:300])
    assert_matches_schema(shown)

    created = client.post(endpoint.url, _payload(endpoint), content_type="application/json")
    assert created.status_code == (201 if role in endpoint.create else 403), (role, created.content[:500])
    assert_matches_schema(created)

    if endpoint.patch is not None:
        changed = client.patch(detail, endpoint.patch(obj), content_type="application/json")
        expected = 200 if role in endpoint.changers else (403 if role in endpoint.read else 404)
        assert changed.status_code == expected, (role, changed.content[:500])
        assert_matches_schema(changed)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_other_schools_objects_answer_404(endpoint):
    obj = _make(endpoint, ALPHA)
    detail = f"{endpoint.url}{obj.public_id}/"
    # beta's principal may do everything at beta, and still finds nothing of alpha's.
    beta = api_client(BETA, "r_principal")
    assert beta.get(detail).status_code == 404
    listed = beta.get(endpoint.url)
    assert str(obj.public_id) not in {item["id"] for item in listed.json().get("results", [])}
    if endpoint.patch is not None:
        assert beta.patch(detail, endpoint.patch(obj), content_type="application/json").status_code == 404
    if endpoint.deletable:
        assert beta.delete(detail).status_code == 404
    # The district host has no school API at all.
    district = api_client(None, "dora")
    assert district.get(detail).status_code == 404
    # And the object is still there at alpha, for someone who may read it.
    reader = "principal" if "principal" in endpoint.read else sorted(endpoint.read)[0]
    assert api_client(ALPHA, f"r_{reader}").get(detail).status_code == 200


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.deletable], ids=lambda e: e.name)
def test_delete_by_a_manager(endpoint):
    obj = _make(endpoint)
    manager = "principal" if "principal" in endpoint.changers else sorted(endpoint.changers)[0]
    client = api_client(ALPHA, f"r_{manager}")
    detail = f"{endpoint.url}{obj.public_id}/"
    response = client.delete(detail)
    assert response.status_code in (204, 400), response.content[:300]
    if response.status_code == 204 and not endpoint.extra.get("delete_keeps"):
        assert client.get(detail).status_code == 404


def test_every_endpoint_is_in_the_matrix():
    declared = {e.url for e in ENDPOINTS}
    from tests.support.openapi import school_schema

    listed = {p for p in school_schema()["paths"] if p.startswith("/api/v1/") and "{" not in p}
    # Each person's own: tested in tests/accounts and tests/ledger instead of the role matrix.
    personal = {"/api/v1/me/", "/api/v1/notifications/"}
    # Actions that are not resources: tested in tests/students/test_import.py.
    actions = {"/api/v1/students/import/"}
    undeclared = sorted(listed - declared - personal - actions)
    assert undeclared == [], f"endpoints without a matrix entry: {undeclared}"
