"""Resources API: counseling rooms, room bookings, materials and their procurement and issue records."""

from django.urls import path
from rest_framework import serializers

from api.school.base import resource_api, resource_urls
from api.school.fields import PersonField, PersonSummary, ref
from tenants.resources.models import CounselingRoom, Material, MaterialIssue, MaterialProcurement, RoomBooking
from tenants.resources.resources import bookings, issues, materials, procurements, rooms

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


# A booking is changed (or cancelled) with more fields than it is made with.
BookingListApi, _ = resource_api(bookings, output=RoomBookingOutput, input=RoomBookingInput, tag="resources")
_, BookingDetailApi = resource_api(
    bookings, output=RoomBookingOutput, input=RoomBookingChangeInput, tag="resources"
)

urlpatterns = [
    *resource_urls(rooms, output=CounselingRoomOutput, input=CounselingRoomInput, tag="resources"),
    path("room-bookings/", BookingListApi.as_view()),
    path("room-bookings/<uuid:id>/", BookingDetailApi.as_view()),
    *resource_urls(materials, output=MaterialOutput, input=MaterialInput, tag="resources"),
    *resource_urls(
        procurements, output=MaterialProcurementOutput, input=MaterialProcurementInput, tag="resources"
    ),
    *resource_urls(issues, output=MaterialIssueOutput, input=MaterialIssueInput, tag="resources"),
]
