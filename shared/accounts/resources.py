"""Accounts as declared resources (shared.resources): the school admin's account list, and the staff
directory every choice of a person (owner, chair, invitee) is narrowed by."""

from shared.accounts.models import User
from shared.accounts.policies import account_policy, people_policy
from shared.resources import Resource


def _people():
    return User.objects.filter(is_active=True).order_by("full_name", "username")


def _accounts():
    return User.objects.order_by("username")


people = Resource(name="people", model=User, policy=people_policy, selector=_people, label="staff directory")
# Not what narrows choices of a person: the directory does (an invited attendee sees no one).
accounts = Resource(
    name="accounts", model=User, policy=account_policy, selector=_accounts, label="accounts", narrows=False
)
