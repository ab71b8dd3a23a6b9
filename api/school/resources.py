"""Resources API: counseling rooms, room bookings, materials and their procurement and issue records."""

from datetime import date

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from api.school.base import ResourceDetailApi, ResourceListCreateApi
from api.school.fields import PersonField, PersonSummary, ref, uuid_param
from tenants.resources import selectors, services
from tenants.resources.models import CounselingRoom, Material, MaterialIssue, MaterialProcurement, RoomBooking
from tenants.resources.policies import booking_policy, material_policy, room_policy, stock_policy


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: [_("Write the date as YYYY-MM-DD.")]})


# Rooms ------------------------------------------------------------------------------------------


class CounselingRoomOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = CounselingRoom
        fields = [
            "id",
            "name",
            "kind",
            "location",
            "area_m2",
            "facilities",
            "opening_hours",
            "is_active",
            "created_at",
            "updated_at",
        ]


class CounselingRoomInput(serializers.ModelSerializer):
    class Meta:
        model = CounselingRoom
        fields = ["name", "kind", "location", "area_m2", "facilities", "opening_hours", "is_active"]


@extend_schema(tags=["resources"], parameters=[OpenApiParameter("active", bool)])
class RoomListApi(ResourceListCreateApi):
    policy = room_policy
    output_serializer = CounselingRoomOutput
    input_serializer = CounselingRoomInput

    def selector(self):
        qs = selectors.room_list()
        active = self.request.query_params.get("active")
        if active in ("true", "1"):
            qs = qs.filter(is_active=True)
        elif active in ("false", "0"):
            qs = qs.filter(is_active=False)
        return qs

    def create_service(self, *, actor, data):
        return services.room_create(actor=actor, **data)


@extend_schema(tags=["resources"])
class RoomDetailApi(ResourceDetailApi):
    policy = room_policy
    output_serializer = CounselingRoomOutput
    input_serializer = CounselingRoomInput

    def selector(self):
        return selectors.room_list()

    def update_service(self, obj, *, actor, data):
        return services.room_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        services.room_delete(obj, actor=actor)


# Bookings ---------------------------------------------------------------------------------------


class RoomBookingOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    room = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    room_name = serializers.CharField(source="room.name", read_only=True)
    booked_by = PersonSummary(read_only=True)

    class Meta:
        model = RoomBooking
        fields = [
            "id",
            "room",
            "room_name",
            "starts_at",
            "ends_at",
            "booked_by",
            "purpose",
            "cancelled",
            "cancelled_at",
            "created_at",
            "updated_at",
        ]


class RoomBookingInput(serializers.ModelSerializer):
    room = ref(CounselingRoom)
    booked_by = PersonField(
        required=False, help_text="Defaults to the caller; only managers book for others."
    )

    class Meta:
        model = RoomBooking
        fields = ["room", "starts_at", "ends_at", "purpose", "booked_by"]


class RoomBookingChangeInput(RoomBookingInput):
    cancelled = serializers.BooleanField(
        required=False, help_text="true cancels the booking (it cannot be undone)."
    )

    class Meta(RoomBookingInput.Meta):
        fields = [*RoomBookingInput.Meta.fields, "cancelled"]


@extend_schema(
    tags=["resources"],
    parameters=[
        OpenApiParameter("room", str, description="a room's id"),
        OpenApiParameter("day", date, description="bookings that take up part of this day (school time)"),
        OpenApiParameter("mine", bool),
        OpenApiParameter("cancelled", bool),
    ],
)
class BookingListApi(ResourceListCreateApi):
    policy = booking_policy
    output_serializer = RoomBookingOutput
    input_serializer = RoomBookingInput

    def selector(self):
        qs = selectors.booking_list()
        params = self.request.query_params
        if params.get("room"):
            qs = qs.filter(room__public_id=uuid_param(params["room"], "room"))
        if params.get("day"):
            qs = selectors.bookings_on(qs, _day(params["day"], "day"))
        if params.get("mine") in ("true", "1"):
            qs = qs.filter(booked_by=self.request.user)
        if params.get("cancelled") in ("true", "1"):
            qs = qs.filter(cancelled=True)
        elif params.get("cancelled") in ("false", "0"):
            qs = qs.filter(cancelled=False)
        return qs

    def create_service(self, *, actor, data):
        return services.booking_create(actor=actor, **data)


@extend_schema(tags=["resources"])
class BookingDetailApi(ResourceDetailApi):
    policy = booking_policy
    output_serializer = RoomBookingOutput
    input_serializer = RoomBookingChangeInput

    def selector(self):
        return selectors.booking_list()

    def update_service(self, obj, *, actor, data):
        services.booking_update(obj, actor=actor, data=data)
        return selectors.booking_list().get(pk=obj.pk)


# Materials --------------------------------------------------------------------------------------


class MaterialOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Material
        fields = ["id", "name", "category", "unit", "stock", "description", "created_at", "updated_at"]


class MaterialInput(serializers.ModelSerializer):
    class Meta:
        model = Material
        fields = ["name", "category", "unit", "description"]


@extend_schema(tags=["resources"], parameters=[OpenApiParameter("category", str)])
class MaterialListApi(ResourceListCreateApi):
    policy = material_policy
    output_serializer = MaterialOutput
    input_serializer = MaterialInput

    def selector(self):
        qs = selectors.material_list()
        if self.request.query_params.get("category"):
            qs = qs.filter(category=self.request.query_params["category"])
        return qs

    def create_service(self, *, actor, data):
        return services.material_create(actor=actor, **data)


@extend_schema(tags=["resources"])
class MaterialDetailApi(ResourceDetailApi):
    policy = material_policy
    output_serializer = MaterialOutput
    input_serializer = MaterialInput

    def selector(self):
        return selectors.material_list()

    def update_service(self, obj, *, actor, data):
        return services.material_update(obj, actor=actor, data=data)

    def delete_service(self, obj, *, actor):
        services.material_delete(obj, actor=actor)


class MaterialProcurementOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    material = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    material_name = serializers.CharField(source="material.name", read_only=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = MaterialProcurement
        fields = [
            "id",
            "material",
            "material_name",
            "procured_on",
            "quantity",
            "unit_price",
            "total",
            "supplier",
            "notes",
            "created_at",
            "updated_at",
        ]


class MaterialProcurementInput(serializers.ModelSerializer):
    material = ref(Material)

    class Meta:
        model = MaterialProcurement
        fields = ["material", "procured_on", "quantity", "unit_price", "supplier", "notes"]


class _MaterialFilter:
    def selector(self):
        qs = self.base_selector()
        if self.request.query_params.get("material"):
            qs = qs.filter(material__public_id=uuid_param(self.request.query_params["material"], "material"))
        return qs


@extend_schema(
    tags=["resources"], parameters=[OpenApiParameter("material", str, description="a material's id")]
)
class ProcurementListApi(_MaterialFilter, ResourceListCreateApi):
    policy = stock_policy
    output_serializer = MaterialProcurementOutput
    input_serializer = MaterialProcurementInput

    def base_selector(self):
        return selectors.procurement_list()

    def create_service(self, *, actor, data):
        return services.procurement_record(actor=actor, **data)


@extend_schema(tags=["resources"])
class ProcurementDetailApi(ResourceDetailApi):
    policy = stock_policy
    output_serializer = MaterialProcurementOutput
    input_serializer = MaterialProcurementInput

    def selector(self):
        return selectors.procurement_list()

    def update_service(self, obj, *, actor, data):
        services.procurement_update(obj, actor=actor, data=data)
        return selectors.procurement_list().get(pk=obj.pk)

    def delete_service(self, obj, *, actor):
        services.procurement_delete(obj, actor=actor)


class MaterialIssueOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    material = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    material_name = serializers.CharField(source="material.name", read_only=True)

    class Meta:
        model = MaterialIssue
        fields = [
            "id",
            "material",
            "material_name",
            "issued_on",
            "quantity",
            "recipient",
            "purpose",
            "created_at",
            "updated_at",
        ]


class MaterialIssueInput(serializers.ModelSerializer):
    material = ref(Material)

    class Meta:
        model = MaterialIssue
        fields = ["material", "issued_on", "quantity", "recipient", "purpose"]


@extend_schema(
    tags=["resources"], parameters=[OpenApiParameter("material", str, description="a material's id")]
)
class IssueListApi(_MaterialFilter, ResourceListCreateApi):
    policy = stock_policy
    output_serializer = MaterialIssueOutput
    input_serializer = MaterialIssueInput

    def base_selector(self):
        return selectors.issue_list()

    def create_service(self, *, actor, data):
        return services.issue_record(actor=actor, **data)


@extend_schema(tags=["resources"])
class IssueDetailApi(ResourceDetailApi):
    policy = stock_policy
    output_serializer = MaterialIssueOutput
    input_serializer = MaterialIssueInput

    def selector(self):
        return selectors.issue_list()

    def update_service(self, obj, *, actor, data):
        services.issue_update(obj, actor=actor, data=data)
        return selectors.issue_list().get(pk=obj.pk)

    def delete_service(self, obj, *, actor):
        services.issue_delete(obj, actor=actor)


urlpatterns = [
    path("rooms/", RoomListApi.as_view(), name="room-list"),
    path("rooms/<uuid:id>/", RoomDetailApi.as_view(), name="room-detail"),
    path("room-bookings/", BookingListApi.as_view(), name="room-booking-list"),
    path("room-bookings/<uuid:id>/", BookingDetailApi.as_view(), name="room-booking-detail"),
    path("materials/", MaterialListApi.as_view(), name="material-list"),
    path("materials/<uuid:id>/", MaterialDetailApi.as_view(), name="material-detail"),
    path("material-procurements/", ProcurementListApi.as_view(), name="material-procurement-list"),
    path(
        "material-procurements/<uuid:id>/", ProcurementDetailApi.as_view(), name="material-procurement-detail"
    ),
    path("material-issues/", IssueListApi.as_view(), name="material-issue-list"),
    path("material-issues/<uuid:id>/", IssueDetailApi.as_view(), name="material-issue-detail"),
]
