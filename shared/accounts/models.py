"""Accounts live in the schema of the site where the person works: public for the district,
the school's own schema for school staff. The same table exists in both."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared.accounts.roles import ALL_ROLE_CHOICES, ALL_ROLES
from shared.models import one_of


class User(AbstractUser):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    roles = ArrayField(
        models.CharField(max_length=30, choices=ALL_ROLE_CHOICES),
        verbose_name=_("roles"),
        default=list,
        blank=True,
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(roles__contained_by=ALL_ROLES), name="user_roles_known"
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class AccountEventKind(models.TextChoices):
    ROLE_GRANTED = "role_granted", _("Role granted")
    SECOND_FACTOR_RESET = "second_factor_reset", _("Second factor reset")
    PASSWORD_LINK = "password_link", _("Password link issued")


class AccountEvent(models.Model):
    """One privilege change on an account: a role that reads students' clinical detail or status
    granted, a second factor reset, a one-time password link issued. Append-only: a database trigger
    refuses UPDATE and DELETE. Who and whom are kept by name as well, so the trail reads the same
    whatever later happens to the accounts."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name=_("who"),
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    # Empty when no person did it (a command, the district provisioning a school).
    actor_name = models.CharField(_("who"), max_length=80, blank=True)
    kind = models.CharField(_("what"), max_length=24, choices=AccountEventKind.choices)
    account = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    account_name = models.CharField(_("account"), max_length=200)
    roles = ArrayField(
        models.CharField(max_length=30, choices=ALL_ROLE_CHOICES),
        verbose_name=_("roles granted"),
        default=list,
        blank=True,
    )

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=one_of("kind", AccountEventKind.values), name="account_event_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.account_name}"
