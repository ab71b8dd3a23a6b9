"""Resources services and selectors: bookings never overlap, stock never goes negative."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.resources import selectors, services
from tenants.resources.models import Material, MaterialIssue, RoomBooking
from tests.conftest import role_user
from tests.resources.factories import (
    at,
    make_booking,
    make_material,
    make_procurement,
    make_room,
    school_today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def alpha():
    with schema_context("school_alpha"):
        yield
    connection.set_schema_to_public()


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


# Rooms ------------------------------------------------------------------------------------------


def test_room_area_must_be_positive_in_the_service_and_the_database():
    with pytest.raises(ValidationError) as excinfo:
        make_room(area_m2=Decimal("0"))
    assert "area_m2" in _errors(excinfo)
    room = make_room()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(room).objects.filter(pk=room.pk).update(area_m2=Decimal("-1"))


def test_a_room_with_bookings_is_not_deleted():
    room = make_room()
    make_booking(room=room)
    with pytest.raises(ValidationError) as excinfo:
        services.room_delete(room, actor=role_user("principal"))
    assert "room" in _errors(excinfo)
    empty = make_room()
    services.room_delete(empty, actor=role_user("principal"))
    assert not type(room).objects.filter(pk=empty.pk).exists()


# Bookings ---------------------------------------------------------------------------------------


def test_overlapping_booking_is_refused_with_a_field_error():
    room = make_room()
    make_booking(room=room, start=9, end=10)
    with pytest.raises(ValidationError) as excinfo:
        services.booking_create(
            actor=role_user("counselor"),
            room=room,
            starts_at=at(3, 9, 30),
            ends_at=at(3, 10, 30),
            purpose="团体辅导",
        )
    assert _errors(excinfo) == {"starts_at": ["This room is already booked for this time."]}
    assert RoomBooking.objects.filter(room=room).count() == 1


def test_back_to_back_bookings_and_other_rooms_are_fine():
    room, other = make_room(), make_room()
    make_booking(room=room, start=9, end=10)
    # '[)' bounds: a booking may start when the previous one ends.
    make_booking(room=room, start=10, end=11, role="counselor")
    make_booking(room=room, start=8, end=9, role="psychology_teacher")
    make_booking(room=other, start=9, end=10)
    assert RoomBooking.objects.filter(room=room).count() == 3


def test_a_cancelled_booking_does_not_block_the_slot():
    room = make_room()
    first = make_booking(room=room, start=14, end=16)
    services.booking_cancel(first, actor=role_user("principal"))
    again = make_booking(room=room, start=15, end=16, role="counselor")
    assert again.pk and first.cancelled and first.cancelled_at is not None


def test_the_database_refuses_overlaps_even_without_the_service():
    room = make_room()
    booking = make_booking(room=room, start=9, end=11)
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        RoomBooking.objects.create(
            room=room, starts_at=at(3, 10), ends_at=at(3, 12), purpose="x", booked_by=booking.booked_by
        )
    assert "resources_booking_no_overlap" in str(excinfo.value)


@pytest.mark.parametrize(
    "change, field",
    [
        (dict(starts_at=at(3, 10), ends_at=at(3, 9)), "ends_at"),
        (dict(starts_at=at(-1, 9), ends_at=at(-1, 10)), "starts_at"),
        (dict(starts_at=at(3, 22), ends_at=at(4, 1)), "ends_at"),
    ],
)
def test_booking_times_are_validated(change, field):
    with pytest.raises(ValidationError) as excinfo:
        services.booking_create(actor=role_user("counselor"), room=make_room(), purpose="个别辅导", **change)
    assert field in _errors(excinfo)


def test_inactive_rooms_and_booking_for_others():
    closed = make_room(is_active=False)
    with pytest.raises(ValidationError) as excinfo:
        make_booking(room=closed)
    assert "room" in _errors(excinfo)
    room = make_room()
    with pytest.raises(ValidationError) as excinfo:
        make_booking(room=room, role="counselor", booked_by=role_user("member"))
    assert "booked_by" in _errors(excinfo)
    # A manager books for someone else; outsiders cannot be the one booking.
    booking = make_booking(room=room, role="secretary", booked_by=role_user("counselor"))
    assert booking.booked_by == role_user("counselor") and booking.created_by == role_user("secretary")
    with pytest.raises(ValidationError) as excinfo:
        make_booking(room=room, start=13, end=14, booked_by=role_user("invited_attendee"))
    assert "booked_by" in _errors(excinfo)


def test_moving_a_booking_onto_another_is_refused_and_cancelled_ones_stay_cancelled():
    room = make_room()
    make_booking(room=room, start=9, end=10)
    mine = make_booking(room=room, start=11, end=12, role="counselor")
    with pytest.raises(ValidationError) as excinfo:
        services.booking_update(mine, actor=role_user("counselor"), data={"starts_at": at(3, 9, 30)})
    assert "starts_at" in _errors(excinfo)
    mine.refresh_from_db()
    assert mine.starts_at == at(3, 11)
    services.booking_update(mine, actor=role_user("counselor"), data={"purpose": "个别辅导（家长陪同）"})
    services.booking_update(mine, actor=role_user("counselor"), data={"cancelled": True})
    mine.refresh_from_db()
    assert mine.cancelled and mine.purpose == "个别辅导（家长陪同）"
    with pytest.raises(ValidationError) as excinfo:
        services.booking_update(mine, actor=role_user("counselor"), data={"cancelled": False})
    assert "cancelled" in _errors(excinfo)


def test_room_bookings_for_a_day_and_the_availability_of_all_rooms():
    room, other = make_room(name="心理辅导站"), make_room(name="沙盘室")
    late = make_booking(room=room, start=15, end=16)
    early = make_booking(room=room, start=8, end=9)
    make_booking(room=room, days=4, start=8, end=9)  # another day
    services.booking_cancel(make_booking(room=room, start=10, end=11), actor=role_user("principal"))
    make_booking(room=other, start=9, end=12)
    day = school_today() + timedelta(days=3)

    assert list(selectors.room_bookings_for(room, day)) == [early, late]
    availability = {entry.room.name: entry for entry in selectors.rooms_availability(day=day)}
    assert [b.pk for b in availability["心理辅导站"].bookings] == [early.pk, late.pk]
    assert availability["心理辅导站"].booked_minutes == 120
    assert availability["沙盘室"].booked_minutes == 180
    assert list(selectors.room_bookings_for(room, day + timedelta(days=1)))[0].starts_at == at(4, 8)


# Materials --------------------------------------------------------------------------------------


def test_procurements_add_to_stock_and_issues_take_from_it():
    material = make_material()
    bought = make_procurement(material=material, quantity=40, unit_price="18.50")
    make_procurement(material=material, quantity=10, unit_price="20.00")
    material.refresh_from_db()
    assert material.stock == 50
    assert bought.total == Decimal("740.00")
    assert selectors.procurement_list().get(pk=bought.pk).total_amount == Decimal("740.00")
    today = timezone.localdate()
    assert selectors.procurement_spending(start=today, end=today) == Decimal("940.00")

    services.issue_record(
        actor=role_user("secretary"),
        material=material,
        issued_on=today,
        quantity=45,
        recipient="初一年级",
        purpose="心理健康课",
    )
    material.refresh_from_db()
    assert material.stock == 5


def test_issuing_more_than_in_stock_is_refused_and_saves_nothing():
    material = make_procurement(quantity=8).material
    with pytest.raises(ValidationError) as excinfo:
        services.issue_record(
            actor=role_user("secretary"),
            material=material,
            issued_on=timezone.localdate(),
            quantity=9,
            recipient="初二(1)班",
        )
    assert "quantity" in _errors(excinfo)
    assert "8" in _errors(excinfo)["quantity"][0]
    material.refresh_from_db()
    assert material.stock == 8
    assert not MaterialIssue.objects.filter(material=material).exists()


def test_stock_can_never_be_negative_in_the_database():
    material = make_material()
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        Material.objects.filter(pk=material.pk).update(stock=-1)
    assert "resources_material_stock_not_negative" in str(excinfo.value)


@pytest.mark.parametrize("field, value", [("quantity", 0), ("unit_price", Decimal("-0.01"))])
def test_procurement_quantity_and_price_are_checked(field, value):
    data = dict(
        actor=role_user("secretary"),
        material=make_material(),
        procured_on=timezone.localdate(),
        quantity=5,
        unit_price=Decimal("3.00"),
        supplier="新华书店",
    )
    data[field] = value
    with pytest.raises(ValidationError) as excinfo:
        services.procurement_record(**data)
    assert field in _errors(excinfo)
    assert data["material"].procurements.count() == 0


def test_correcting_movements_moves_stock_by_the_difference():
    procurement = make_procurement(quantity=20)
    material = procurement.material
    services.procurement_update(procurement, actor=role_user("secretary"), data={"quantity": 25})
    material.refresh_from_db()
    assert material.stock == 25
    issue = services.issue_record(
        actor=role_user("secretary"),
        material=material,
        issued_on=timezone.localdate(),
        quantity=20,
        recipient="心理社团",
    )
    services.issue_update(issue, actor=role_user("secretary"), data={"quantity": 15})
    material.refresh_from_db()
    assert material.stock == 10
    # The purchase cannot shrink below what has already been handed out.
    with pytest.raises(ValidationError) as excinfo:
        services.procurement_update(procurement, actor=role_user("secretary"), data={"quantity": 5})
    assert "quantity" in _errors(excinfo)
    with pytest.raises(ValidationError):
        services.procurement_delete(procurement, actor=role_user("secretary"))
    services.issue_delete(issue, actor=role_user("secretary"))
    services.procurement_delete(procurement, actor=role_user("secretary"))
    material.refresh_from_db()
    assert material.stock == 0
    services.material_delete(material, actor=role_user("principal"))
    assert not Material.objects.filter(pk=material.pk).exists()
