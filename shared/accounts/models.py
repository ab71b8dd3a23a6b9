"""Accounts live in the schema of the site where the person works: public for the district,
the school's own schema for school staff. The same table exists in both."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from shared.accounts.roles import ALL_ROLE_CHOICES, ALL_ROLES


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
