"""Tell the principal and the care team of every privilege change on a school account.

shared.accounts records each change (AccountEvent) and sends `account_event_recorded`; shared may
not import the school apps, so the notification is made here. It names the account, who changed
it and what changed, never a student, and links to the account-changes page.
"""

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _

from shared.accounts.models import AccountEventKind, User
from shared.accounts.roles import CLINICAL_READER_ROLES, role_labels


def recipients():
    """The principal and the care team: the roles that read students' records."""
    return list(
        User.objects.filter(is_active=True, roles__overlap=list(CLINICAL_READER_ROLES)).order_by("pk")
    )


def _title(event) -> str:
    actor = event.actor_name or _("system")
    if event.kind == AccountEventKind.ROLE_GRANTED:
        return _("%(actor)s gave the account %(account)s the role: %(roles)s") % {
            "actor": actor,
            "account": event.account_name,
            "roles": role_labels(event.roles),
        }
    if event.kind == AccountEventKind.SECOND_FACTOR_RESET:
        return _("%(actor)s reset the second factor of the account %(account)s") % {
            "actor": actor,
            "account": event.account_name,
        }
    return _("%(actor)s issued a one-time password link for the account %(account)s") % {
        "actor": actor,
        "account": event.account_name,
    }


def notify_account_event(sender, *, event, **kwargs) -> int:
    if connection.schema_name == "public":  # district accounts: no school workspace to notify in
        return 0
    from tenants.workspace.services import notify

    title = _title(event)[:200]
    body = _("If you did not expect this change, check it with the school administrator.")
    sent = 0
    for person in recipients():
        note = notify(
            recipient=person,
            title=title,
            body=body,
            link=reverse("accounts:events"),
            dedupe_key=f"accounts:event:{event.public_id}",
        )
        sent += note is not None
    return sent
