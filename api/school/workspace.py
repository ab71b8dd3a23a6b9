"""Accounts (school admin) and the staff directory, declared in shared/accounts/resources.py; and
the caller's notifications."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from api.school.base import read_only_urls, resource_urls
from shared.accounts.models import User
from shared.accounts.resources import accounts, people
from shared.accounts.roles import SchoolRole
from tenants.workspace.models import Notification


class AccountSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=SchoolRole.choices))

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "roles", "is_active", "last_login"]
        read_only_fields = ["last_login"]
        extra_kwargs = {"username": {"validators": []}}


class PersonSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "roles"]


class NotificationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "link", "created_at", "read_at"]


@extend_schema(tags=["notifications"])
class NotificationListApi(ListAPIView):
    """The caller's own notifications, newest first."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user)


urlpatterns = [
    # The school admin's accounts: written through the account services, so nobody grants themselves
    # a role that reads students' records and each such grant is recorded; DELETE deactivates.
    *resource_urls(accounts, output=AccountSerializer, tag="accounts"),
    # The staff directory, for choosing responsible people, chairs and invitees (read-only).
    *read_only_urls(people, output=PersonSerializer, tag="accounts"),
    path("notifications/", NotificationListApi.as_view(), name="api-notifications"),
]
