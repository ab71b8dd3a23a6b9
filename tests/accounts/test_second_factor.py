"""Accounts that can read clinical detail sign in with a TOTP second factor, set up at first sign-in."""

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from shared.accounts.models import User
from tests.conftest import ALPHA, PASSWORD, api_client, client_for, signed_in, totp_token

pytestmark = pytest.mark.django_db


def _fresh_account(username, roles):
    from shared.accounts.services import account_create

    with schema_context("school_alpha"):
        User.objects.filter(username=username).delete()
        account_create(username=username, full_name="测试" + username, roles=roles, password=PASSWORD)
    connection.set_schema_to_public()


def test_first_sign_in_sets_up_the_authenticator_then_asks_for_codes():
    _fresh_account("otp_counselor", ["counselor"])
    client = client_for(ALPHA)
    assert (
        client.post("/accounts/login/", {"username": "otp_counselor", "password": PASSWORD}).status_code
        == 302
    )
    # Every page sends them to the second factor until it is done.
    response = client.get("/care/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/?next=/care/")
    setup = client.get(response["Location"])
    assert setup.status_code == 200 and setup.context["setting_up"] and "<svg" in setup.content.decode()
    with schema_context("school_alpha"):
        device = TOTPDevice.objects.get(user__username="otp_counselor")
        assert not device.confirmed
    wrong = client.post(
        "/accounts/otp/", {"code": "000000" if totp_token(device) != "000000" else "111111", "next": "/care/"}
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors["code"]
    with schema_context("school_alpha"):
        device.refresh_from_db()
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )
        code = totp_token(device)
    done = client.post("/accounts/otp/", {"code": code, "next": "/care/"})
    assert done.status_code == 302 and done["Location"] == "/care/"
    with schema_context("school_alpha"):
        assert TOTPDevice.objects.get(user__username="otp_counselor").confirmed
    assert client.get("/").status_code == 200

    # The next sign-in asks for a code, with no QR code shown again.
    again = client_for(ALPHA)
    again.post("/accounts/login/", {"username": "otp_counselor", "password": PASSWORD})
    page = again.get("/accounts/otp/")
    assert page.status_code == 200 and not page.context["setting_up"] and "<svg" not in page.content.decode()


def test_unverified_session_gets_403_from_the_api_and_a_token_still_works():
    _fresh_account("otp_psych", ["psychology_teacher"])
    client = client_for(ALPHA)
    client.post("/accounts/login/", {"username": "otp_psych", "password": PASSWORD})
    assert client.get("/api/v1/me/").status_code == 403
    assert api_client(ALPHA, "otp_psych").get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize("role", ["homeroom_teacher", "secretary", "member", "deputy"])
def test_roles_without_clinical_access_need_no_second_factor(role):
    client = client_for(ALPHA)
    assert client.post("/accounts/login/", {"username": f"r_{role}", "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200


def test_principal_needs_it_too_and_signed_in_completes_it():
    client = client_for(ALPHA)
    client.post("/accounts/login/", {"username": "r_principal", "password": PASSWORD})
    assert client.get("/").status_code == 302
    assert signed_in(ALPHA, "r_principal").get("/").status_code == 200


def test_school_admin_resets_a_lost_second_factor():
    signed_in(ALPHA, "r_counselor")  # makes sure a device exists
    admin = signed_in(ALPHA, "r_school_admin")
    with schema_context("school_alpha"):
        counselor = User.objects.get(username="r_counselor")
        assert TOTPDevice.objects.filter(user=counselor, confirmed=True).exists()
    connection.set_schema_to_public()
    assert admin.get(f"/accounts/manage/{counselor.public_id}/second-factor/").status_code == 200
    assert admin.post(f"/accounts/manage/{counselor.public_id}/second-factor/").status_code == 302
    with schema_context("school_alpha"):
        assert not TOTPDevice.objects.filter(user=counselor).exists()
    # Nobody else may reset it.
    other = signed_in(ALPHA, "r_secretary")
    assert other.post(f"/accounts/manage/{counselor.public_id}/second-factor/").status_code == 404


def test_every_role_that_reads_clinical_detail_or_status_needs_the_second_factor():
    from shared.accounts.roles import SECOND_FACTOR_ROLES
    from tenants.care.access import STATUS_READERS

    assert set(SECOND_FACTOR_ROLES) == set(STATUS_READERS)
