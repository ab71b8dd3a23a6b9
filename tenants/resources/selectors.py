"""Read use cases of the resources area."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from tenants.resources.models import CounselingRoom, Material, MaterialIssue, MaterialProcurement, RoomBooking


def school_zone() -> ZoneInfo:
    return ZoneInfo(settings.DISPLAY_TIME_ZONE)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start of `day` and of the next day, in the school's time zone."""
    start = datetime.combine(day, time.min, tzinfo=school_zone())
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=school_zone())


def local_day(moment: datetime) -> date:
    return moment.astimezone(school_zone()).date()


# Rooms and bookings -----------------------------------------------------------------------------


def room_list() -> QuerySet[CounselingRoom]:
    return CounselingRoom.objects.all()


def booking_list() -> QuerySet[RoomBooking]:
    return RoomBooking.objects.select_related("room", "booked_by")


def bookings_on(queryset: QuerySet[RoomBooking], day: date) -> QuerySet[RoomBooking]:
    """Bookings that take up any part of `day` (school time)."""
    start, end = day_bounds(day)
    return queryset.filter(starts_at__lt=end, ends_at__gt=start)


def room_bookings_for(room: CounselingRoom, day: date) -> QuerySet[RoomBooking]:
    """The live (not cancelled) bookings of one room on one day, in time order."""
    return bookings_on(booking_list().filter(room=room, cancelled=False), day).order_by("starts_at")


@dataclass
class RoomDay:
    room: CounselingRoom
    bookings: list[RoomBooking]

    @property
    def booked_minutes(self) -> int:
        return sum(int((b.ends_at - b.starts_at).total_seconds() // 60) for b in self.bookings)


def rooms_availability(*, day: date) -> list[RoomDay]:
    """Every room in use with its live bookings on `day`; two queries whatever the number of rooms."""
    rooms = list(room_list().filter(is_active=True))
    by_room: dict[int, list[RoomBooking]] = {room.pk: [] for room in rooms}
    for booking in bookings_on(booking_list().filter(cancelled=False, room__is_active=True), day).order_by(
        "starts_at"
    ):
        by_room[booking.room_id].append(booking)
    return [RoomDay(room=room, bookings=by_room[room.pk]) for room in rooms]


# Materials --------------------------------------------------------------------------------------

MONEY = DecimalField(max_digits=14, decimal_places=2)


def material_list() -> QuerySet[Material]:
    return Material.objects.all()


def procurement_list() -> QuerySet[MaterialProcurement]:
    return MaterialProcurement.objects.select_related("material").annotate(
        total_amount=ExpressionWrapper(F("quantity") * F("unit_price"), output_field=MONEY)
    )


def issue_list() -> QuerySet[MaterialIssue]:
    return MaterialIssue.objects.select_related("material")


def procurement_spending(*, start: date, end: date) -> Decimal:
    """Total spent on procurements dated start..end (inclusive)."""
    return (
        procurement_list()
        .filter(procured_on__gte=start, procured_on__lte=end)
        .aggregate(total=Coalesce(Sum("total_amount"), Decimal("0"), output_field=MONEY))["total"]
    )


@dataclass
class ResourcesSummary:
    rooms_in_use: int
    bookings_today: int
    materials: int
    out_of_stock: int


def resources_summary(*, today: date) -> ResourcesSummary:
    rooms = CounselingRoom.objects.aggregate(n=Count("id", filter=Q(is_active=True)))["n"]
    materials = Material.objects.aggregate(n=Count("id"), empty=Count("id", filter=Q(stock=0)))
    return ResourcesSummary(
        rooms_in_use=rooms,
        bookings_today=bookings_on(RoomBooking.objects.filter(cancelled=False), today).count(),
        materials=materials["n"],
        out_of_stock=materials["empty"],
    )
