"""Serializer fields shared by the school API: objects are referenced by public UUID."""

import uuid

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from shared.accounts.models import User


class PersonField(serializers.SlugRelatedField):
    """A school account, by its public id. Only active accounts can be chosen."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "public_id")
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        super().__init__(**kwargs)


def ref(model, **kwargs):
    """Any other object of this school, by its public id."""
    return serializers.SlugRelatedField(slug_field="public_id", queryset=model.objects.all(), **kwargs)


class PersonSummary(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="display_name")


def uuid_param(value: str, name: str) -> uuid.UUID:
    """A query parameter that names an object by its public id; a bad one is a field error."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({name: [_("Not a valid id.")]})
