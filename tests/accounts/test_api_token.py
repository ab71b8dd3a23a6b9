import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tests.conftest import ALPHA, BETA, host, signed_in

pytestmark = pytest.mark.django_db


def _token(*args):
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue().strip()


def _me(code, key):
    return Client(HTTP_HOST=host(code), HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")


def test_school_token_works_only_at_its_school():
    key = _token("--school", ALPHA, "--username", "alice")
    assert len(key) == 40
    response = _me(ALPHA, key)
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert response.json()["roles"] == ["principal"]
    assert response.json()["site"] == ALPHA
    for elsewhere in (BETA, None):
        refused = _me(elsewhere, key)
        assert refused.status_code == 401
        assert refused.json()["error"]["status"] == 401


def test_district_token_works_only_at_the_district():
    key = _token("--district", "--username", "dora")
    assert _me(None, key).json()["site"] == "district"
    assert _me(ALPHA, key).status_code == 401


def test_new_token_replaces_the_old_one():
    first = _token("--school", ALPHA, "--username", "alice")
    second = _token("--school", ALPHA, "--username", "alice")
    assert first != second
    assert _me(ALPHA, first).status_code == 401
    assert _me(ALPHA, second).status_code == 200


def test_command_names_what_is_missing():
    with pytest.raises(CommandError, match="nosuch"):
        _token("--school", "nosuch", "--username", "alice")
    with pytest.raises(CommandError, match="bob"):
        _token("--school", ALPHA, "--username", "bob")


def test_profile_page_creates_a_token_shown_once():
    client = signed_in(ALPHA, "alice")
    page = client.get("/accounts/profile/")
    assert page.status_code == 200 and "new-token" not in page.content.decode()
    created = client.post("/accounts/profile/token/")
    key = created.context["new_token"]
    assert key and key in created.content.decode()
    assert _me(ALPHA, key).status_code == 200
    assert key not in client.get("/accounts/profile/").content.decode()
    client.post("/accounts/profile/token/revoke/")
    assert _me(ALPHA, key).status_code == 401


def test_api_needs_authentication_and_uses_one_error_shape():
    response = Client(HTTP_HOST=host(ALPHA)).get("/api/v1/me/")
    assert response.status_code == 401
    assert set(response.json()["error"]) >= {"status", "code", "message"}


@pytest.mark.parametrize("code", [ALPHA, None])
def test_openapi_schema_and_docs_are_served(code):
    client = Client(HTTP_HOST=host(code))
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/v1/me/" in schema.json()["paths"]
    assert client.get("/api/docs/").status_code == 200


def test_swagger_ui_loads_nothing_from_a_cdn():
    body = Client(HTTP_HOST=host(ALPHA)).get("/api/docs/").content.decode()
    assert "cdn" not in body.lower() and "/static/drf_spectacular_sidecar/" in body
