import pytest
from django.db import connection
from django_tenants.utils import schema_context

from shared.accounts.models import User
from tests.conftest import ALPHA, BETA, PASSWORD, signed_in

pytestmark = pytest.mark.django_db


def test_school_admin_creates_an_account_with_a_one_time_link():
    admin = signed_in(ALPHA, "r_school_admin")
    assert admin.get("/accounts/manage/").status_code == 200
    response = admin.post(
        "/accounts/manage/new/",
        {
            "username": "wanglaoshi",
            "full_name": "王老师",
            "email": "wang@alpha.example.cn",
            "roles": ["homeroom_teacher", "member"],
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "/accounts/set-password/" in text
    with schema_context("school_alpha"):
        user = User.objects.get(username="wanglaoshi")
        assert user.roles == ["homeroom_teacher", "member"] and not user.has_usable_password()
    connection.set_schema_to_public()
    with schema_context("school_beta"):
        assert not User.objects.filter(username="wanglaoshi").exists()


def test_account_form_errors_are_shown_by_field():
    admin = signed_in(ALPHA, "r_school_admin")
    response = admin.post(
        "/accounts/manage/new/", {"username": "r_member", "full_name": "重名", "roles": ["nonsense"]}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "username" in errors and "roles" in errors


def test_school_admin_cannot_remove_their_own_access():
    admin = signed_in(ALPHA, "r_school_admin")
    with schema_context("school_alpha"):
        me = User.objects.get(username="r_school_admin")
    connection.set_schema_to_public()
    response = admin.post(
        f"/accounts/manage/{me.public_id}/",
        {"username": me.username, "full_name": me.full_name, "roles": ["member"], "is_active": "on"},
    )
    assert response.status_code == 400
    with schema_context("school_alpha"):
        me.refresh_from_db()
        assert "school_admin" in me.roles


@pytest.mark.parametrize("role", ["principal", "secretary", "member", "counselor", "invited_attendee"])
def test_only_the_school_admin_manages_accounts(role):
    assert signed_in(ALPHA, f"r_{role}").get("/accounts/manage/").status_code == 404


def test_school_admin_sees_no_workspace_data():
    admin = signed_in(ALPHA, "r_school_admin")
    for path in ("/ledger/", "/ledger/meetings/"):
        assert admin.get(path).status_code == 404
    home = admin.get("/")
    assert home.status_code == 200 and "/accounts/manage/" in home.content.decode()


def test_other_schools_accounts_are_not_found():
    with schema_context("school_beta"):
        bob = User.objects.get(username="bob")
    connection.set_schema_to_public()
    admin = signed_in(ALPHA, "r_school_admin")
    assert admin.get(f"/accounts/manage/{bob.public_id}/").status_code == 404
    assert signed_in(BETA, "bob").get("/").status_code == 200
    assert PASSWORD
