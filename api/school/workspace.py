"""Accounts (school admin), the staff directory, and notifications."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from api.school.base import ResourceDetailApi, ResourceListCreateApi
from shared.accounts.models import User
from shared.accounts.policies import account_policy, people_policy
from shared.accounts.roles import SchoolRole
from shared.accounts.services import account_create, account_deactivate, account_update
from tenants.workspace.models import Notification


class AccountSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=SchoolRole.choices))

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "roles", "is_active", "last_login"]
        read_only_fields = ["last_login"]
        extra_kwargs = {"username": {"validators": []}}


@extend_schema(tags=["accounts"])
class AccountListApi(ResourceListCreateApi):
    policy = account_policy
    output_serializer = AccountSerializer

    def selector(self):
        return User.objects.order_by("username")

    def create_service(self, *, actor, data):
        data.pop("is_active", None)
        return account_create(actor=actor, **data)


@extend_schema(tags=["accounts"])
class AccountDetailApi(ResourceDetailApi):
    policy = account_policy
    output_serializer = AccountSerializer

    def selector(self):
        return User.objects.all()

    def update_service(self, obj, *, actor, data):
        return account_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        # Accounts are deactivated, never deleted: tasks and records keep their authors.
        account_deactivate(obj, actor=actor)


class PersonSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "roles"]


@extend_schema(tags=["accounts"])
class PeopleListApi(ResourceListCreateApi):
    """The staff directory, for choosing responsible people, chairs and invitees."""

    policy = people_policy
    output_serializer = PersonSerializer

    def selector(self):
        return User.objects.filter(is_active=True).order_by("full_name", "username")


@extend_schema(tags=["accounts"])
class PersonDetailApi(ResourceDetailApi):
    policy = people_policy
    output_serializer = PersonSerializer
    http_method_names = ["get", "head", "options"]

    def selector(self):
        return User.objects.filter(is_active=True)


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
    path("accounts/", AccountListApi.as_view(), name="api-accounts"),
    path("accounts/<uuid:id>/", AccountDetailApi.as_view(), name="api-account"),
    path("people/", PeopleListApi.as_view(), name="api-people"),
    path("people/<uuid:id>/", PersonDetailApi.as_view(), name="api-person"),
    path("notifications/", NotificationListApi.as_view(), name="api-notifications"),
]
