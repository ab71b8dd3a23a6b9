"""District accounts on the console (/accounts/district/, district admins only): create with a
one-time link, give and take roles, a new password link, a second-factor reset. Each change is in
the district audit log; a district admin cannot remove their own admin role."""

import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from district.models import DistrictAuditEvent
from shared.accounts.models import AccountEvent, User
from tests.conftest import PASSWORD, client_for, signed_in

pytestmark = pytest.mark.django_db


def _new(dora, **fields):
    data = {"username": "", "full_name": "", "email": "", "roles": []}
    data.update(fields)
    return dora.post("/accounts/district/new/", data)


def test_create_an_account_with_roles_and_a_one_time_link():
    dora = signed_in(None, "dora")
    refused = _new(dora, username="dora", full_name="", email="bad", roles=["principal"])
    assert refused.status_code == 400
    errors = refused.context["form"].errors
    assert {"full_name", "email", "roles"} <= set(errors)
    taken = _new(dora, username="DORA", full_name="另一个朵拉", roles=["district_analyst"])
    assert taken.status_code == 400 and "username" in taken.context["form"].errors
    assert User.objects.filter(username__iexact="dora").count() == 1

    done = _new(
        dora,
        username="acc_rev",
        full_name="审核员甲",
        email="rev@district.example.cn",
        roles=["district_reviewer"],
    )
    assert done.status_code == 302 and done["Location"] == "/accounts/district/"
    user = User.objects.get(username="acc_rev")
    assert user.roles == ["district_reviewer"] and not user.has_usable_password() and not user.is_staff
    event = DistrictAuditEvent.objects.get(action="account.create", target="acc_rev")
    assert event.actor == "dora" and "acc_rev" in event.summary
    assert AccountEvent.objects.filter(account=user, kind="password_link").count() == 1
    listing = dora.get("/accounts/district/")
    link = next(str(m) for m in listing.context["messages"] if "/accounts/set-password/" in str(m))
    url = re.search(r"https?://\S+/accounts/set-password/\S+/", link).group(0)
    # The link sets the password, and the reviewer then signs in with a second factor.
    anonymous = client_for(None)
    form = anonymous.get(urlsplit(url).path, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    anonymous.post(form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    connection.set_schema_to_public()
    assert signed_in(None, "acc_rev").get("/review/").status_code == 200
    # The list shows and exports the account.
    assert "审核员甲" in dora.get("/accounts/district/?role=district_reviewer").content.decode()
    export = dora.get("/accounts/district/?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_give_and_take_roles_recorded_and_console_access_follows():
    from shared.accounts.services import account_create

    target = account_create(
        username="acc_ana", full_name="分析员乙", roles=["district_analyst"], password=PASSWORD
    )
    dora = signed_in(None, "dora")
    path = f"/accounts/district/{target.public_id}/"
    data = {
        "full_name": "分析员乙",
        "email": "",
        "roles": ["district_analyst", "district_admin"],
        "is_active": "on",
    }
    assert dora.post(path, data).status_code == 302
    target.refresh_from_db()
    assert (
        set(target.roles) == {"district_analyst", "district_admin"}
        and target.is_staff
        and target.is_superuser
    )
    grant = DistrictAuditEvent.objects.get(action="account.role_grant", target="acc_ana")
    assert grant.actor == "dora"
    data["roles"] = ["district_analyst"]
    assert dora.post(path, data).status_code == 302
    target.refresh_from_db()
    assert target.roles == ["district_analyst"] and not target.is_staff and not target.is_superuser
    assert DistrictAuditEvent.objects.filter(action="account.role_revoke", target="acc_ana").count() == 1
    # No role at all is refused.
    data["roles"] = []
    assert dora.post(path, data).status_code == 400
    # Deactivated: cannot sign in.
    data = {"full_name": "分析员乙", "email": "", "roles": ["district_analyst"]}
    assert dora.post(path, data).status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert DistrictAuditEvent.objects.filter(action="account.deactivate", target="acc_ana").exists()
    assert (
        client_for(None).post("/accounts/login/", {"username": "acc_ana", "password": PASSWORD}).status_code
        == 200
    )


def test_a_district_admin_cannot_remove_their_own_admin_role_or_deactivate_themselves():
    dora_user = User.objects.get(username="dora")
    dora = signed_in(None, "dora")
    path = f"/accounts/district/{dora_user.public_id}/"
    response = dora.post(
        path, {"full_name": "朵拉", "email": "", "roles": ["district_analyst"], "is_active": "on"}
    )
    assert response.status_code == 400 and "roles" in response.context["form"].errors
    response = dora.post(path, {"full_name": "朵拉", "email": "", "roles": ["district_admin"]})
    assert response.status_code == 400 and "is_active" in response.context["form"].errors
    dora_user.refresh_from_db()
    assert dora_user.roles == ["district_admin"] and dora_user.is_active
    assert not DistrictAuditEvent.objects.filter(target="dora", action__startswith="account.").exists()


def test_password_link_and_second_factor_reset():
    from shared.accounts.services import account_create

    target = account_create(
        username="acc_adm", full_name="管理员丙", roles=["district_admin"], password=PASSWORD
    )
    signed_in(None, "acc_adm")  # sets up their authenticator
    assert TOTPDevice.objects.filter(user=target, confirmed=True).exists()
    dora = signed_in(None, "dora")
    assert dora.get(f"/accounts/district/{target.public_id}/link/").status_code == 404  # POST only
    link = dora.post(f"/accounts/district/{target.public_id}/link/")
    assert link.status_code == 200 and "/accounts/set-password/" in link.context["link"]
    assert DistrictAuditEvent.objects.filter(action="account.password_link", target="acc_adm").exists()

    confirm = dora.get(f"/accounts/district/{target.public_id}/second-factor/")
    assert confirm.status_code == 200
    assert dora.post(f"/accounts/district/{target.public_id}/second-factor/").status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert DistrictAuditEvent.objects.filter(action="account.second_factor_reset", target="acc_adm").exists()
    assert AccountEvent.objects.filter(account=target, kind="second_factor_reset").exists()
    # Their next sign-in sets up a new authenticator.
    client = client_for(None)
    client.post("/accounts/login/", {"username": "acc_adm", "password": PASSWORD})
    assert client.get("/accounts/otp/").context["setting_up"]


def test_other_district_roles_cannot_manage_accounts():
    from shared.accounts.services import account_create

    account_create(username="acc_ana2", full_name="分析员", roles=["district_analyst"], password=PASSWORD)
    target = User.objects.get(username="dora")
    analyst = signed_in(None, "acc_ana2")
    assert (
        analyst.post(
            "/accounts/district/new/", {"username": "x1", "full_name": "x", "roles": ["district_admin"]}
        ).status_code
        == 404
    )
    assert (
        analyst.post(
            f"/accounts/district/{target.public_id}/", {"full_name": "x", "roles": ["district_analyst"]}
        ).status_code
        == 404
    )
    assert analyst.post(f"/accounts/district/{target.public_id}/link/").status_code == 404
    assert analyst.post(f"/accounts/district/{target.public_id}/second-factor/").status_code == 404
    assert not User.objects.filter(username="x1").exists()
