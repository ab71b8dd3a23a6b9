"""Serializer fields shared by the school API: objects are referenced by public UUID."""

from rest_framework import serializers

from shared.accounts.models import User
from shared.resources import visible_choices


class NarrowedRef(serializers.SlugRelatedField):
    """Another object of this school, by its public id, among those the caller may see: the field's
    queryset is narrowed by the policy of the resource declared for its model, so an id the caller
    may not see is refused exactly like one that does not exist."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "public_id")
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return visible_choices(queryset, request.user)


class PersonField(NarrowedRef):
    """A school account, by its public id. Only active accounts the caller may see can be chosen."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        super().__init__(**kwargs)


def ref(model, queryset=None, **kwargs):
    """Another object of this school, by its public id, narrowed to what the caller may see."""
    return NarrowedRef(queryset=queryset if queryset is not None else model.objects.all(), **kwargs)


class PersonSummary(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="display_name")
