"""District admins and reviewers sign in with a TOTP second factor on the district host, set up at
their first sign-in like the clinical roles of a school; the analyst needs none."""

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from shared.accounts.models import User
from tests.conftest import PASSWORD, api_client, client_for, signed_in, totp_token

pytestmark = pytest.mark.django_db


def _district_account(username, roles):
    from shared.accounts.services import account_create

    connection.set_schema_to_public()
    User.objects.filter(username=username).delete()
    return account_create(username=username, full_name="测试" + username, roles=roles, password=PASSWORD)


@pytest.mark.parametrize("role", ["district_admin", "district_reviewer"])
def test_first_sign_in_on_the_district_host_sets_up_the_authenticator(role):
    user = _district_account(f"otp_{role}", [role])
    client = client_for(None)
    assert (
        client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    )
    response = client.get("/figures/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/?next=/figures/")
    assert client.get("/").status_code == 302
    setup = client.get(response["Location"])
    assert setup.status_code == 200 and setup.context["setting_up"] and "<svg" in setup.content.decode()
    # The device is kept in the public schema, beside the district's accounts.
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    wrong = "000000" if totp_token(device) != "000000" else "111111"
    refused = client.post("/accounts/otp/", {"code": wrong, "next": "/"})
    assert refused.status_code == 200 and refused.context["form"].errors["code"]
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()
    done = client.post("/accounts/otp/", {"code": totp_token(device), "next": "/"})
    assert done.status_code == 302 and done["Location"] == "/"
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/").status_code == 200

    # The next sign-in asks for a code only.
    again = client_for(None)
    again.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    page = again.get("/accounts/otp/")
    assert page.status_code == 200 and not page.context["setting_up"]
    assert "<svg" not in page.content.decode()


def test_dora_needs_it_and_signed_in_completes_it():
    client = client_for(None)
    client.post("/accounts/login/", {"username": "dora", "password": PASSWORD})
    assert client.get("/").status_code == 302
    assert signed_in(None, "dora").get("/").status_code == 200


def test_the_analyst_needs_no_second_factor():
    _district_account("otp_analyst", ["district_analyst"])
    client = client_for(None)
    assert (
        client.post("/accounts/login/", {"username": "otp_analyst", "password": PASSWORD}).status_code == 302
    )
    assert client.get("/figures/").status_code == 200
    assert not TOTPDevice.objects.filter(user__username="otp_analyst").exists()


def test_unverified_district_session_gets_403_from_the_api_and_a_token_still_works():
    _district_account("otp_api_admin", ["district_admin"])
    client = client_for(None)
    client.post("/accounts/login/", {"username": "otp_api_admin", "password": PASSWORD})
    assert client.get("/api/v1/me/").status_code == 403
    assert api_client(None, "otp_api_admin").get("/api/v1/me/").status_code == 200
