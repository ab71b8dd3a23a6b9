"""Privilege changes (issue 8, point 3.3): nobody grants themselves a role that reads students'
records; a grant of one to someone else, a second-factor reset and a password link each write one
account event (who, what, whom, when) and notify the principal and the care team."""

import pytest
from django.db import IntegrityError, InternalError, transaction
from django.db.utils import ProgrammingError
from django_otp.plugins.otp_totp.models import TOTPDevice

from shared.accounts.models import AccountEvent, User
from tenants.workspace.models import Notification
from tests.conftest import ALPHA, api_client, in_alpha, signed_in

pytestmark = pytest.mark.django_db

# Active accounts of alpha that read students' records: alice, carol and one r_<role> for each of
# the principal, psychology teacher and counselor (tests/conftest.py).
ALPHA_READERS = {"alice", "carol", "r_principal", "r_psychology_teacher", "r_counselor"}
ADMIN = "角色学校管理员"  # r_school_admin's full name


def _user(username):
    return in_alpha(User.objects.get, username=username)


def _events():
    return in_alpha(lambda: list(AccountEvent.objects.order_by("id")))


def _notified(event) -> dict:
    """Who was notified of `event`, and with what."""
    return in_alpha(
        lambda: {
            n.recipient.username: n
            for n in Notification.objects.filter(
                dedupe_key=f"accounts:event:{event.public_id}"
            ).select_related("recipient")
        }
    )


def _edit(client, user, roles):
    return client.post(
        f"/accounts/manage/{user.public_id}/",
        {"username": user.username, "full_name": user.full_name, "roles": roles, "is_active": "on"},
    )


@pytest.mark.parametrize("role", ["counselor", "psychology_teacher", "principal"])
def test_the_school_admin_cannot_give_themselves_a_role_that_reads_records_on_the_page(role):
    admin = signed_in(ALPHA, "r_school_admin")
    me = _user("r_school_admin")
    before = len(_events())
    response = _edit(admin, me, ["school_admin", role])
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["roles"]
    assert "您不能给自己授予可查看学生心理档案的角色" in errors["roles"][0]
    assert "您不能给自己授予可查看学生心理档案的角色" in response.content.decode()
    assert _user("r_school_admin").roles == ["school_admin"]
    assert len(_events()) == before


def test_the_school_admin_cannot_give_themselves_a_role_that_reads_records_through_the_api():
    me = _user("r_school_admin")
    before = len(_events())
    response = api_client(ALPHA, "r_school_admin").patch(
        f"/api/v1/accounts/{me.public_id}/",
        {"roles": ["school_admin", "counselor"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["roles"]
    assert "您不能给自己授予可查看学生心理档案的角色（心理咨询师）" in fields["roles"][0]
    assert _user("r_school_admin").roles == ["school_admin"]
    assert len(_events()) == before


def test_the_school_admin_may_still_give_themselves_other_roles():
    admin = signed_in(ALPHA, "r_school_admin")
    before = len(_events())
    assert _edit(admin, _user("r_school_admin"), ["school_admin", "member"]).status_code == 302
    assert _user("r_school_admin").roles == ["school_admin", "member"]
    assert len(_events()) == before


def test_granting_a_role_that_reads_records_to_someone_else_is_recorded_and_announced():
    admin = signed_in(ALPHA, "r_school_admin")
    member = _user("r_member")
    before = _events()
    assert _edit(admin, member, ["member", "counselor"]).status_code == 302
    after = _events()
    assert len(after) == len(before) + 1
    event = after[-1]
    assert event.kind == "role_granted"
    assert event.actor_id == _user("r_school_admin").pk and event.actor_name == ADMIN
    assert event.account_id == member.pk and event.account_name == f"{member.full_name}（r_member）"
    assert event.roles == ["counselor"]
    assert event.at is not None
    notified = _notified(event)
    # The principal and the care team, and the new counselor themselves.
    assert set(notified) == ALPHA_READERS | {"r_member"}
    note = notified["alice"]
    assert note.title == f"{ADMIN} 为账号 {member.full_name}（r_member） 授予了角色：心理咨询师"
    assert note.link == "/accounts/events/"
    # Saving the account again grants nothing new: nothing more is recorded.
    assert _edit(admin, _user("r_member"), ["member", "counselor"]).status_code == 302
    assert len(_events()) == len(after)


def test_granting_other_roles_is_not_an_account_event():
    admin = signed_in(ALPHA, "r_school_admin")
    before = len(_events())
    assert _edit(admin, _user("r_member"), ["member", "homeroom_teacher", "secretary"]).status_code == 302
    assert len(_events()) == before


def test_granting_through_the_api_is_recorded_and_announced():
    client = api_client(ALPHA, "r_school_admin")
    member = _user("r_member")
    before = len(_events())
    response = client.patch(
        f"/api/v1/accounts/{member.public_id}/",
        {"roles": ["member", "psychology_teacher"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    created = client.post(
        "/api/v1/accounts/",
        {"username": "newcounselor", "full_name": "新咨询师", "roles": ["counselor"]},
        content_type="application/json",
    )
    assert created.status_code == 201
    events = _events()[before:]
    assert [(e.kind, e.account_name, e.roles) for e in events] == [
        ("role_granted", f"{member.full_name}（r_member）", ["psychology_teacher"]),
        ("role_granted", "新咨询师（newcounselor）", ["counselor"]),
    ]
    assert set(_notified(events[0])) == ALPHA_READERS | {"r_member"}
    assert set(_notified(events[1])) == ALPHA_READERS | {"r_member", "newcounselor"}


def test_creating_a_counselor_account_on_the_page_records_the_grant_and_the_link():
    admin = signed_in(ALPHA, "r_school_admin")
    before = len(_events())
    response = admin.post(
        "/accounts/manage/new/", {"username": "zhaolaoshi", "full_name": "赵老师", "roles": ["counselor"]}
    )
    assert response.status_code == 302
    events = _events()[before:]
    assert [(e.kind, e.account_name, e.actor_name) for e in events] == [
        ("role_granted", "赵老师（zhaolaoshi）", ADMIN),
        ("password_link", "赵老师（zhaolaoshi）", ADMIN),
    ]
    assert all(set(_notified(e)) >= ALPHA_READERS for e in events)


def test_a_second_factor_reset_is_recorded_and_announced():
    admin = signed_in(ALPHA, "r_school_admin")
    carol = _user("carol")
    in_alpha(lambda: TOTPDevice.objects.get_or_create(user=carol, name="phone", confirmed=True))
    before = len(_events())
    response = admin.post(f"/accounts/manage/{carol.public_id}/second-factor/")
    assert response.status_code == 302
    assert in_alpha(lambda: TOTPDevice.objects.filter(user=carol).count()) == 0
    events = _events()[before:]
    assert [(e.kind, e.actor_name, e.account_id, e.roles) for e in events] == [
        ("second_factor_reset", ADMIN, carol.pk, [])
    ]
    notified = _notified(events[0])
    assert set(notified) == ALPHA_READERS
    assert notified["r_principal"].title == f"{ADMIN} 重置了账号 陈卡萝（carol） 的第二重验证"


def test_a_password_link_is_recorded_and_announced():
    admin = signed_in(ALPHA, "r_school_admin")
    carol = _user("carol")
    before = len(_events())
    response = admin.post(f"/accounts/manage/{carol.public_id}/link/")
    assert response.status_code == 200 and "/accounts/set-password/" in response.content.decode()
    events = _events()[before:]
    assert [(e.kind, e.actor_name, e.account_id) for e in events] == [("password_link", ADMIN, carol.pk)]
    notified = _notified(events[0])
    assert set(notified) == ALPHA_READERS
    assert notified["carol"].title == f"{ADMIN} 为账号 陈卡萝（carol） 发放了一次性设置密码链接"
    assert notified["carol"].body == "如果这一变更不在预期之中，请向学校管理员核实。"


@pytest.mark.parametrize(
    "username", ["alice", "r_secretary", "r_counselor", "r_member", "r_homeroom_teacher"]
)
def test_only_the_school_admin_changes_privileges(username):
    client = signed_in(ALPHA, username)
    carol = _user("carol")
    member = _user("r_member")
    before = len(_events())
    assert client.post(f"/accounts/manage/{carol.public_id}/link/").status_code == 404
    assert client.post(f"/accounts/manage/{carol.public_id}/second-factor/").status_code == 404
    assert _edit(client, member, ["member", "counselor"]).status_code == 404
    me = _user(username)
    assert _edit(client, me, [*me.roles, "counselor"]).status_code == 404
    api = api_client(ALPHA, username)
    response = api.patch(
        f"/api/v1/accounts/{member.public_id}/", {"roles": ["counselor"]}, content_type="application/json"
    )
    assert response.status_code == 404
    assert _user("r_member").roles == ["member"]
    assert len(_events()) == before


def test_account_events_are_append_only():
    admin = _user("r_school_admin")
    event = in_alpha(
        lambda: AccountEvent.objects.create(
            actor=admin, actor_name="x", kind="password_link", account=admin, account_name="x"
        )
    )
    for change in (
        lambda: AccountEvent.objects.filter(pk=event.pk).update(account_name="y"),
        lambda: AccountEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises((InternalError, ProgrammingError, IntegrityError)) as raised:
            in_alpha(lambda change=change: transaction.atomic()(change)())
        assert "append-only" in str(raised.value)
    assert in_alpha(lambda: AccountEvent.objects.get(pk=event.pk).account_name) == "x"


def test_the_principal_reads_and_exports_account_changes():
    signed_in(ALPHA, "r_school_admin").post(f"/accounts/manage/{_user('carol').public_id}/link/")
    principal = signed_in(ALPHA, "alice")
    page = principal.get("/accounts/events/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "账号变更记录" in text and "发放设置密码链接" in text and "陈卡萝（carol）" in text
    assert ADMIN in text
    filtered = principal.get("/accounts/events/?kind=second_factor_reset").content.decode()
    assert "陈卡萝（carol）" not in filtered
    export = principal.get("/accounts/events/?export=xlsx")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "/accounts/events/" in principal.get("/accounts/profile/").content.decode()


def test_the_profile_links_to_account_changes_once_in_its_body_not_in_its_title():
    profile = signed_in(ALPHA, "alice").get("/accounts/profile/").content.decode()
    title = profile.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("我的账号 ·") and "<" not in title
    assert profile.count('href="/accounts/events/"') == 1


@pytest.mark.parametrize("username", ["r_secretary", "r_member", "r_homeroom_teacher", "r_invited_attendee"])
def test_others_do_not_find_the_account_changes(username):
    client = signed_in(ALPHA, username)
    assert client.get("/accounts/events/").status_code == 404
    assert "/accounts/events/" not in client.get("/accounts/profile/").content.decode()


def test_the_roles_that_read_records_are_the_care_status_readers():
    from shared.accounts.roles import CLINICAL_READER_ROLES, SECOND_FACTOR_ROLES
    from tenants.care.access import STATUS_READERS

    assert set(CLINICAL_READER_ROLES) == set(STATUS_READERS) == set(SECOND_FACTOR_ROLES)
