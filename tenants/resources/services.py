"""Write use cases of the resources area: rooms, bookings, materials and their stock movements.

Stock is kept on the material row. Every movement locks that row first, so two issues at once
cannot both take the last copies; the CHECK constraint (stock >= 0) is the backstop.
Bookings never overlap: the exclusion constraint decides, and its error becomes a field error.
"""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.common.roles import MANAGERS, STAFF
from tenants.common.writes import model_create, model_update
from tenants.resources.models import (
    CounselingRoom,
    Material,
    MaterialIssue,
    MaterialProcurement,
    RoomBooking,
)
from tenants.resources.selectors import local_day

OVERLAP_CONSTRAINT = "resources_booking_no_overlap"
STOCK_CONSTRAINT = "resources_material_stock_not_negative"


def _constraint_of(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or ""


# Rooms ------------------------------------------------------------------------------------------

ROOM_FIELDS = ("name", "kind", "location", "area_m2", "facilities", "opening_hours", "is_active")


@transaction.atomic
def room_create(
    *,
    actor,
    name: str,
    location: str,
    area_m2,
    kind: str = "counseling_room",
    facilities: str = "",
    opening_hours: str = "",
    is_active: bool = True,
) -> CounselingRoom:
    return model_create(
        CounselingRoom,
        actor=actor,
        data=dict(
            name=(name or "").strip(),
            kind=kind,
            location=location,
            area_m2=area_m2,
            facilities=facilities,
            opening_hours=opening_hours,
            is_active=is_active,
        ),
    )


@transaction.atomic
def room_update(room: CounselingRoom, *, actor, data: dict) -> CounselingRoom:
    data = {k: v for k, v in data.items() if k in ROOM_FIELDS}
    return model_update(room, data=data)


@transaction.atomic
def room_delete(room: CounselingRoom, *, actor) -> None:
    if room.bookings.exists():
        raise ValidationError(
            {"room": _("This room has bookings and cannot be deleted. Mark it as not in use instead.")}
        )
    room.delete()


# Bookings ---------------------------------------------------------------------------------------


def _check_booking(
    *, actor, room: CounselingRoom, starts_at: datetime, ends_at: datetime, booked_by, allow_past: bool
) -> None:
    errors = {}
    if room is not None and not room.is_active:
        errors["room"] = _("This room is not in use and cannot be booked.")
    if booked_by is None or not booked_by.is_active or not booked_by.has_role(*STAFF):
        errors["booked_by"] = _("Choose an active staff account.")
    elif booked_by.pk != actor.pk and not actor.has_role(*MANAGERS):
        errors["booked_by"] = _("You can only book rooms for yourself.")
    if starts_at and ends_at:
        if ends_at <= starts_at:
            errors["ends_at"] = _("The booking must end after it starts.")
        elif local_day(starts_at) != local_day(ends_at - timedelta(microseconds=1)):
            errors["ends_at"] = _("A booking must end on the day it starts.")
        if not allow_past and starts_at < timezone.now():
            errors["starts_at"] = _("A booking cannot start in the past.")
    if errors:
        raise ValidationError(errors)


def _save_booking(booking: RoomBooking) -> RoomBooking:
    # The overlap rule is left to the database (validate_constraints=False): a check here would
    # race with another request; the exclusion constraint cannot.
    booking.full_clean(validate_constraints=False)
    # Bookings of one room are written one at a time. Not for correctness (the constraint has
    # that), but because two transactions inserting overlapping rows each wait for the other
    # while checking the constraint, and PostgreSQL then aborts one with a deadlock (a 500).
    # Queued behind the lock, the second insert sees the first committed and fails cleanly.
    list(CounselingRoom.objects.select_for_update(no_key=True).filter(pk=booking.room_id).values_list("pk"))
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        if _constraint_of(exc) == OVERLAP_CONSTRAINT:
            raise ValidationError({"starts_at": _("This room is already booked for this time.")})
        raise
    return booking


@transaction.atomic
def booking_create(
    *,
    actor,
    room: CounselingRoom,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str,
    booked_by=None,
    allow_past: bool = False,
) -> RoomBooking:
    booked_by = booked_by or actor
    _check_booking(
        actor=actor,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        booked_by=booked_by,
        allow_past=allow_past,
    )
    booking = RoomBooking(
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=(purpose or "").strip(),
        booked_by=booked_by,
        created_by=actor,
    )
    return _save_booking(booking)


@transaction.atomic
def booking_update(booking: RoomBooking, *, actor, data: dict) -> RoomBooking:
    """Change a live booking (room, times, purpose), or cancel it with cancelled=True."""
    booking = RoomBooking.objects.select_for_update().get(pk=booking.pk)
    data = dict(data)
    cancel = data.pop("cancelled", None)
    if booking.cancelled:
        if cancel is False or data:
            raise ValidationError(
                {"cancelled": _("A cancelled booking cannot be changed. Book again instead.")}
            )
        return booking
    if data:
        room = data.get("room", booking.room)
        starts_at = data.get("starts_at", booking.starts_at)
        ends_at = data.get("ends_at", booking.ends_at)
        booked_by = data.get("booked_by", booking.booked_by)
        times_changed = "starts_at" in data or "ends_at" in data or "room" in data
        _check_booking(
            actor=actor,
            room=room if "room" in data else None,
            starts_at=starts_at,
            ends_at=ends_at,
            booked_by=booked_by,
            allow_past=not times_changed,
        )
        for name in ("room", "starts_at", "ends_at", "purpose", "booked_by"):
            if name in data:
                setattr(booking, name, data[name].strip() if name == "purpose" else data[name])
        _save_booking(booking)
    if cancel:
        booking_cancel(booking, actor=actor)
    return booking


@transaction.atomic
def booking_cancel(booking: RoomBooking, *, actor) -> RoomBooking:
    if booking.cancelled:
        return booking
    booking.cancelled = True
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["cancelled", "cancelled_at", "updated_at"])
    return booking


@transaction.atomic
def booking_delete(booking: RoomBooking, *, actor) -> None:
    """Remove a booking altogether (managers, by the policy); staff cancel instead."""
    RoomBooking.objects.filter(pk=booking.pk).delete()


# Materials --------------------------------------------------------------------------------------

MATERIAL_FIELDS = ("name", "category", "unit", "description")


@transaction.atomic
def material_create(*, actor, name: str, category: str, unit: str, description: str = "") -> Material:
    return model_create(
        Material,
        actor=actor,
        data=dict(
            name=(name or "").strip(),
            category=category,
            unit=(unit or "").strip(),
            description=description,
        ),
    )


@transaction.atomic
def material_update(material: Material, *, actor, data: dict) -> Material:
    data = {k: v for k, v in data.items() if k in MATERIAL_FIELDS}
    return model_update(material, data=data)


@transaction.atomic
def material_delete(material: Material, *, actor) -> None:
    if material.procurements.exists() or material.issues.exists():
        raise ValidationError(
            {"material": _("This material has procurement or issue records and cannot be deleted.")}
        )
    material.delete()


def _move_stock(material: Material, delta: int, *, field: str = "quantity") -> Material:
    """Add `delta` (negative to take out) to the stock of a locked material row."""
    locked = Material.objects.select_for_update().get(pk=material.pk)
    if locked.stock + delta < 0:
        raise ValidationError(
            {
                field: _("Only %(stock)s %(unit)s of “%(name)s” in stock.")
                % {"stock": locked.stock, "unit": locked.unit, "name": locked.name}
            }
        )
    try:
        with transaction.atomic():
            Material.objects.filter(pk=locked.pk).update(stock=F("stock") + delta)
    except IntegrityError as exc:
        if _constraint_of(exc) == STOCK_CONSTRAINT:
            raise ValidationError({field: _("There is not enough in stock.")})
        raise
    locked.refresh_from_db(fields=["stock"])
    material.stock = locked.stock
    return locked


@transaction.atomic
def procurement_record(
    *, actor, material: Material, procured_on: date, quantity: int, unit_price, supplier: str, notes: str = ""
) -> MaterialProcurement:
    record = model_create(
        MaterialProcurement,
        actor=actor,
        data=dict(
            material=material,
            procured_on=procured_on,
            quantity=quantity,
            unit_price=unit_price,
            supplier=(supplier or "").strip(),
            notes=notes,
        ),
    )
    _move_stock(material, record.quantity)
    return record


@transaction.atomic
def procurement_update(record: MaterialProcurement, *, actor, data: dict) -> MaterialProcurement:
    """Correct a procurement. A changed quantity moves the stock by the difference (and is refused
    if the copies have already been issued)."""
    record = MaterialProcurement.objects.select_for_update().get(pk=record.pk)
    if "material" in data and data["material"].pk != record.material_id:
        raise ValidationError(
            {
                "material": _(
                    "The material of a record cannot be changed; delete the record and add a new one."
                )
            }
        )
    old_quantity = record.quantity
    fields = ("procured_on", "quantity", "unit_price", "supplier", "notes")
    record = model_update(record, data={k: v for k, v in data.items() if k in fields})
    if record.quantity != old_quantity:
        _move_stock(record.material, record.quantity - old_quantity)
    return record


@transaction.atomic
def procurement_delete(record: MaterialProcurement, *, actor) -> None:
    record = MaterialProcurement.objects.select_for_update().get(pk=record.pk)
    _move_stock(record.material, -record.quantity)
    record.delete()


@transaction.atomic
def issue_record(
    *, actor, material: Material, issued_on: date, quantity: int, recipient: str, purpose: str = ""
) -> MaterialIssue:
    record = model_create(
        MaterialIssue,
        actor=actor,
        data=dict(
            material=material,
            issued_on=issued_on,
            quantity=quantity,
            recipient=(recipient or "").strip(),
            purpose=purpose,
        ),
    )
    _move_stock(material, -record.quantity)
    return record


@transaction.atomic
def issue_update(record: MaterialIssue, *, actor, data: dict) -> MaterialIssue:
    record = MaterialIssue.objects.select_for_update().get(pk=record.pk)
    if "material" in data and data["material"].pk != record.material_id:
        raise ValidationError(
            {
                "material": _(
                    "The material of a record cannot be changed; delete the record and add a new one."
                )
            }
        )
    old_quantity = record.quantity
    fields = ("issued_on", "quantity", "recipient", "purpose")
    record = model_update(record, data={k: v for k, v in data.items() if k in fields})
    if record.quantity != old_quantity:
        _move_stock(record.material, old_quantity - record.quantity)
    return record


@transaction.atomic
def issue_delete(record: MaterialIssue, *, actor) -> None:
    record = MaterialIssue.objects.select_for_update().get(pk=record.pk)
    _move_stock(record.material, record.quantity)
    record.delete()
