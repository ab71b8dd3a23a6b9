"""Write use cases for accounts, in whichever schema is current (district or one school)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from shared.accounts.models import AccountEvent, AccountEventKind, User
from shared.accounts.roles import CLINICAL_READER_ROLES, DistrictRole, SchoolRole, role_labels
from shared.accounts.signals import account_event_recorded


def _allowed_roles() -> set[str]:
    if connection.schema_name == "public":
        return set(DistrictRole.values)
    return set(SchoolRole.values)


def _clinical_roles_added(before, after) -> list[str]:
    """The roles reading students' clinical detail or status that `after` adds to `before`."""
    return [role for role in CLINICAL_READER_ROLES if role in after and role not in before]


@transaction.atomic
def account_event_record(*, actor, kind: str, account: User, roles=()) -> AccountEvent:
    """Record one privilege change (who, what, whom, when) and announce it: receivers of
    `account_event_recorded` act in this same transaction."""
    event = AccountEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "display_name", "") or "")[:80],
        kind=kind,
        account=account,
        account_name=account_label(account)[:200],
        roles=list(roles),
    )
    account_event_recorded.send(sender=AccountEvent, event=event)
    return event


def account_label(user: User) -> str:
    """How an account is named in the trail and in notifications: name and username."""
    if user.full_name and user.full_name != user.username:
        return f"{user.full_name}（{user.username}）"
    return user.username


@transaction.atomic
def account_create(
    *,
    username: str,
    full_name: str = "",
    email: str = "",
    roles: list[str],
    password: str | None = None,
    actor=None,
) -> User:
    """Create an account. Without a password it cannot sign in until its one-time link is used.
    When a person (`actor`) creates it with a role that reads clinical detail or status, the grant is
    recorded; commands and seeding pass no actor."""
    unknown = set(roles) - _allowed_roles()
    if unknown:
        raise ValidationError(
            {
                "roles": _("Roles not available on this site: %(roles)s")
                % {"roles": ", ".join(sorted(unknown))}
            }
        )
    user = User(username=username, full_name=full_name, email=email, roles=list(dict.fromkeys(roles)))
    user.is_staff = DistrictRole.DISTRICT_ADMIN in roles
    user.is_superuser = DistrictRole.DISTRICT_ADMIN in roles
    if password:
        from django.contrib.auth.password_validation import validate_password

        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    granted = _clinical_roles_added([], user.roles)
    if actor is not None and granted:
        account_event_record(actor=actor, kind=AccountEventKind.ROLE_GRANTED, account=user, roles=granted)
    return user


def site_url(host: str, path: str = "/") -> str:
    port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT else ""
    return f"{settings.PUBLIC_SCHEME}://{host}{port}{path}"


@transaction.atomic
def set_password_link(*, user: User, host: str, actor=None) -> str:
    """A link that sets the account's password once: using it changes the hash the token is bound to.
    Whoever holds it can take the account over, so issuing one is recorded and announced."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    account_event_record(actor=actor, kind=AccountEventKind.PASSWORD_LINK, account=user)
    return site_url(host, reverse("accounts:set_password", kwargs={"uidb64": uid, "token": token}))


@transaction.atomic
def api_token_issue(*, user: User) -> str:
    """Replace the user's personal API token with a new one and return its key (shown once)."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


@transaction.atomic
def api_token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


@transaction.atomic
def account_update(user: User, *, actor, data: dict) -> User:
    if "roles" in data:
        unknown = set(data["roles"]) - _allowed_roles()
        if unknown:
            raise ValidationError(
                {
                    "roles": _("Roles not available on this site: %(roles)s")
                    % {"roles": ", ".join(sorted(unknown))}
                }
            )
        data["roles"] = list(dict.fromkeys(data["roles"]))
    stored = User.objects.get(pk=user.pk)  # a bound form may already have changed `user`
    if user.pk == actor.pk and (
        data.get("is_active") is False
        or (
            "roles" in data
            and SchoolRole.SCHOOL_ADMIN in stored.roles
            and SchoolRole.SCHOOL_ADMIN not in data["roles"]
        )
    ):
        raise ValidationError({"roles": _("You cannot remove your own administrator access.")})
    granted = _clinical_roles_added(stored.roles, data["roles"]) if "roles" in data else []
    if granted and user.pk == actor.pk:
        raise ValidationError(
            {
                "roles": _(
                    "You cannot give yourself a role that reads students' records (%(roles)s). "
                    "Ask another administrator to grant it."
                )
                % {"roles": role_labels(granted)}
            }
        )
    for name, value in data.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    if granted:
        account_event_record(actor=actor, kind=AccountEventKind.ROLE_GRANTED, account=user, roles=granted)
    return user


@transaction.atomic
def second_factor_reset(*, user: User, actor=None) -> int:
    """Forget a person's authenticator (lost phone): they set up a new one at their next sign-in.
    Whoever then signs in with the password sets it up, so the reset is recorded and announced."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    deleted, _counts = TOTPDevice.objects.filter(user=user).delete()
    account_event_record(actor=actor, kind=AccountEventKind.SECOND_FACTOR_RESET, account=user)
    return deleted


@transaction.atomic
def account_deactivate(user: User, *, actor) -> User:
    return account_update(user, actor=actor, data={"is_active": False})
