import pytest
from django.db import connection

from tests.conftest import ALPHA, BETA, PASSWORD, client_for, signed_in

pytestmark = pytest.mark.django_db


def test_sign_in_at_own_school_reaches_home():
    client = signed_in(ALPHA, "alice")
    response = client.get("/")
    assert response.status_code == 200
    assert "艾丽丝" in response.content.decode()


def test_home_requires_sign_in(alpha_client):
    response = alpha_client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("other", [BETA, None], ids=["other-school", "district"])
def test_same_credentials_fail_elsewhere(other):
    client = client_for(other)
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors["__all__"]


def test_district_account_cannot_sign_in_at_a_school():
    client = client_for(ALPHA)
    response = client.post("/accounts/login/", {"username": "dora", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.parametrize("other", [BETA, None], ids=["other-school", "district"])
def test_session_cookie_is_worthless_on_another_host(other, settings):
    alpha = signed_in(ALPHA, "alice")
    cookie = alpha.cookies[settings.SESSION_COOKIE_NAME].value
    stranger = client_for(other)
    stranger.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = stranger.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # The cookie still works where it was issued.
    assert alpha.get("/").status_code == 200


def test_session_cookie_is_host_only(settings):
    client = signed_in(ALPHA, "alice")
    morsel = client.cookies[settings.SESSION_COOKIE_NAME]
    assert morsel["domain"] == ""
    assert morsel["httponly"]


def test_sign_out_ends_the_session():
    client = signed_in(ALPHA, "alice")
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_throttling_is_per_school(settings):
    from axes.models import AccessAttempt

    limit = settings.AXES_FAILURE_LIMIT
    alpha = client_for(ALPHA)
    for _ in range(limit):
        alpha.post("/accounts/login/", {"username": "alice", "password": "wrong-password"})
    locked = alpha.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    assert "15" in locked.content.decode()
    # The same username at another school is untouched, and the attempts live in alpha's schema.
    connection.set_schema_to_public()
    assert not AccessAttempt.objects.exists()
    beta = client_for(BETA)
    beta.post("/accounts/login/", {"username": "alice", "password": "wrong-password"})
    assert signed_in(BETA, "bob").get("/").status_code == 200


def test_password_validators_apply():
    from django.core.exceptions import ValidationError

    from shared.accounts.services import account_create

    with pytest.raises(ValidationError) as raised:
        account_create(username="weak", roles=["member"], password="12345678")
    assert raised.value.messages


def test_school_roles_only_at_schools_and_district_roles_only_at_district(schools):
    from django.core.exceptions import ValidationError
    from django_tenants.utils import schema_context

    from shared.accounts.services import account_create

    with pytest.raises(ValidationError) as raised:
        account_create(username="x1", roles=["principal"], password=PASSWORD)
    assert "roles" in raised.value.message_dict
    with schema_context(schools[ALPHA].schema_name):
        with pytest.raises(ValidationError):
            account_create(username="x2", roles=["district_admin"], password=PASSWORD)
        user = account_create(username="x3", roles=["counselor", "homeroom_teacher"], password=PASSWORD)
        assert user.has_role("counselor") and user.has_role("homeroom_teacher")


def test_pages_are_chinese_even_for_an_english_browser_until_english_is_chosen(settings):
    client = client_for(ALPHA)
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-hans"' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert settings.LANGUAGE_COOKIE_NAME in client.cookies
    assert 'lang="en"' in client.get("/accounts/login/").content.decode()
