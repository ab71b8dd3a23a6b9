"""Accounts as declared resources (shared.resources): the school admin's account list, and the staff
directory every choice of a person (owner, chair, invitee) is narrowed by."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from shared.accounts.models import AccountEvent, AccountEventKind, User
from shared.accounts.policies import account_event_policy, account_policy, people_policy
from shared.accounts.roles import SchoolRole
from shared.accounts.services import account_create, account_deactivate, account_update
from shared.resources import Filter, Resource


def _people():
    return User.objects.filter(is_active=True).order_by("full_name", "username")


def _accounts():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return User.objects.annotate(has_second_factor=Exists(devices)).order_by("username")


def _account_create(*, actor, is_active=True, **data):
    """A new account is active (it cannot sign in before its one-time link is used anyway); the
    grant of a role that reads students' records is recorded by account_create."""
    return account_create(actor=actor, **data)


def _account_delete(user, *, actor):
    """Accounts are deactivated, never deleted: tasks and records keep their authors."""
    account_deactivate(user, actor=actor)


people = Resource(name="people", model=User, policy=people_policy, selector=_people, label="staff directory")
# Not what narrows choices of a person: the directory does (an invited attendee sees no one).
# Updates go through account_update: nobody grants themselves a role that reads students' records,
# and each such grant is recorded as an account event.
accounts = Resource(
    name="accounts",
    model=User,
    policy=account_policy,
    selector=_accounts,
    label="accounts",
    narrows=False,
    create=_account_create,
    update=account_update,
    delete=_account_delete,
    filters=[
        Filter(
            "role",
            _("Role"),
            choices=list(SchoolRole.choices),
            apply=lambda qs, v: qs.filter(roles__contains=[v]),
        ),
        Filter(
            "q",
            _("Search"),
            apply=lambda qs, v: qs.filter(full_name__icontains=v) | qs.filter(username__icontains=v),
        ),
    ],
)


def _account_events():
    return AccountEvent.objects.order_by("-at", "-id")


# Privilege changes: read-only, written only by the account services. No API: its page is tested
# with every role in tests/accounts/test_privilege_changes.py.
account_events = Resource(
    name="account-events",
    model=AccountEvent,
    label=_("Account changes"),
    policy=account_event_policy,
    selector=_account_events,
    filters=[
        Filter("kind", _("What"), choices=list(AccountEventKind.choices)),
        Filter(
            "q",
            _("Search"),
            apply=lambda qs, v: qs.filter(account_name__icontains=v) | qs.filter(actor_name__icontains=v),
        ),
    ],
)
