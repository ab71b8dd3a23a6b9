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

from shared.accounts.models import User
from shared.accounts.roles import DistrictRole, SchoolRole


def _allowed_roles() -> set[str]:
    if connection.schema_name == "public":
        return set(DistrictRole.values)
    return set(SchoolRole.values)


@transaction.atomic
def account_create(
    *, username: str, full_name: str = "", email: str = "", roles: list[str], password: str | None = None
) -> User:
    """Create an account. Without a password it cannot sign in until its one-time link is used."""
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
    return user


def site_url(host: str, path: str = "/") -> str:
    port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT else ""
    return f"{settings.PUBLIC_SCHEME}://{host}{port}{path}"


def set_password_link(*, user: User, host: str) -> str:
    """A link that sets the account's password once: using it changes the hash the token is bound to."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
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
    for name, value in data.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def account_deactivate(user: User, *, actor) -> User:
    return account_update(user, actor=actor, data={"is_active": False})
