"""Abstract models both layers use."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicModel(models.Model):
    """Exposed by UUID, never by integer id: every school schema has its own sequences, so the same
    integer exists in every school."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuthoredModel(PublicModel):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        abstract = True


def one_of(field: str, values) -> models.Q:
    """`field` is one of `values`, written as ORed equalities.

    Not `field__in`: PostgreSQL stores an IN list as `= ANY ((ARRAY[...])::text[])`, which pg_dump
    prints in a form that re-parses differently, so a school built from the template's DDL would
    not match a migrated one in the catalog. Equalities round-trip exactly.
    """
    condition = models.Q()
    for value in values:
        condition |= models.Q(**{field: value})
    return condition


class SingletonRange(models.Func):
    """int8range(x, x, '[]'): a one-value range, so an exclusion constraint can say "same room" (or
    "same person") with the range overlap operator. Plain `=` inside a GiST exclusion constraint
    needs the btree_gist extension, which the embedded PostgreSQL of `make start` does not ship."""

    function = "int8range"
    output_field = models.Field()

    def __init__(self, field: str, **extra):
        super().__init__(models.F(field), models.F(field), models.Value("[]"), **extra)
