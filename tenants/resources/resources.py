"""The resources area (资源配置) and its resources, declared once: pages and API are built from these.

Rooms, materials and stock movements are managed by the principal and the secretary and read by
staff; staff book rooms and change or cancel their own bookings.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from shared.resources import Area, Filter, Resource, Tab
from tenants.resources import selectors, services
from tenants.resources.models import (
    CounselingRoom,
    Material,
    MaterialCategory,
    MaterialIssue,
    MaterialProcurement,
    RoomBooking,
    RoomKind,
)
from tenants.resources.policies import booking_policy, material_policy, room_policy, stock_policy

area = Area(
    namespace="resources",
    label=gettext_lazy("Resources"),
    tabs=[
        Tab("index", "resources:index", gettext_lazy("Overview")),
        Tab("rooms", "resources:rooms", gettext_lazy("Rooms")),
        Tab("availability", "resources:availability", gettext_lazy("Availability")),
        Tab("bookings", "resources:bookings", gettext_lazy("Bookings")),
        Tab("materials", "resources:materials", gettext_lazy("Materials")),
        Tab("procurements", "resources:procurements", gettext_lazy("Procurements")),
        Tab("issues", "resources:issues", gettext_lazy("Issues")),
    ],
)


class MineFilter(Filter):
    """Only the caller's own bookings."""

    def clean(self, value, request=None):
        return request.user if super().clean(value, request) and request is not None else None

    def filter(self, queryset, value):
        return queryset if value is None else queryset.filter(booked_by=value)


def room_choices(request):
    return [(str(r.public_id), r.name) for r in rooms.queryset(request.user)]


def material_choices(request):
    return [(str(m.public_id), m.name) for m in materials.queryset(request.user)]


def _when(queryset, value):
    now = timezone.now()
    return queryset.filter(ends_at__gte=now) if value == "upcoming" else queryset.filter(ends_at__lt=now)


rooms = Resource(
    name="rooms",
    model=CounselingRoom,
    label=gettext_lazy("Rooms"),
    policy=room_policy,
    selector=selectors.room_list,
    create=services.room_create,
    update=services.room_update,
    delete=services.room_delete,
    filters=[
        Filter("kind", gettext_lazy("kind"), choices=list(RoomKind.choices)),
        Filter("active", gettext_lazy("in use"), kind="bool", lookup="is_active"),
    ],
)

bookings = Resource(
    name="room-bookings",
    model=RoomBooking,
    label=gettext_lazy("Bookings"),
    policy=booking_policy,
    selector=selectors.booking_list,
    create=services.booking_create,
    update=services.booking_update,
    delete=services.booking_delete,
    filters=[
        Filter("room", gettext_lazy("room"), choices=room_choices, lookup="room__public_id"),
        Filter("day", gettext_lazy("date"), kind="date", apply=selectors.bookings_on),
        Filter(
            "when",
            gettext_lazy("when"),
            choices=[("upcoming", gettext_lazy("Upcoming")), ("past", gettext_lazy("Past"))],
            apply=_when,
        ),
        Filter("cancelled", gettext_lazy("Cancelled"), kind="bool", lookup="cancelled"),
        MineFilter("mine", gettext_lazy("Mine"), kind="bool"),
    ],
)

materials = Resource(
    name="materials",
    model=Material,
    label=gettext_lazy("Materials"),
    policy=material_policy,
    selector=selectors.material_list,
    create=services.material_create,
    update=services.material_update,
    delete=services.material_delete,
    filters=[
        Filter("category", gettext_lazy("category"), choices=list(MaterialCategory.choices)),
        Filter("q", gettext_lazy("name"), lookup="name__icontains"),
    ],
)

procurements = Resource(
    name="material-procurements",
    model=MaterialProcurement,
    label=gettext_lazy("Procurements"),
    policy=stock_policy,
    selector=selectors.procurement_list,
    create=services.procurement_record,
    update=services.procurement_update,
    delete=services.procurement_delete,
    filters=[
        Filter("material", gettext_lazy("material"), choices=material_choices, lookup="material__public_id"),
        Filter("supplier", gettext_lazy("supplier"), lookup="supplier__icontains"),
    ],
)

issues = Resource(
    name="material-issues",
    model=MaterialIssue,
    label=gettext_lazy("Issues"),
    policy=stock_policy,
    selector=selectors.issue_list,
    create=services.issue_record,
    update=services.issue_update,
    delete=services.issue_delete,
    filters=[
        Filter("material", gettext_lazy("material"), choices=material_choices, lookup="material__public_id"),
        Filter("recipient", gettext_lazy("issued to"), lookup="recipient__icontains"),
    ],
)
