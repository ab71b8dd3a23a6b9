from django.utils import timezone

from tests.resources.factories import (
    at,
    make_booking,
    make_issue,
    make_material,
    make_procurement,
    make_room,
    unique,
)
from tests.support.matrix import Endpoint

MANAGERS = {"principal", "secretary"}
STAFF = {"principal", "deputy", "member", "secretary", "psychology_teacher", "counselor", "homeroom_teacher"}


def room_payload():
    return {
        "name": unique("团体辅导室"),
        "kind": "group_room",
        "location": "艺体楼二楼",
        "area_m2": "45.00",
        "facilities": "软垫、投影仪",
        "opening_hours": "周二、周四下午",
    }


def booking_payload():
    room = make_room()
    return {
        "room": str(room.public_id),
        "starts_at": at(5, 14).isoformat(),
        "ends_at": at(5, 15, 30).isoformat(),
        "purpose": "团体辅导：考前压力管理",
    }


def material_payload():
    return {"name": unique("心理健康宣传折页"), "category": "publicity", "unit": "份"}


def procurement_payload():
    return {
        "material": str(make_material().public_id),
        "procured_on": str(timezone.localdate()),
        "quantity": 100,
        "unit_price": "1.20",
        "supplier": "本地印刷厂",
    }


def issue_payload():
    material = make_procurement(quantity=30).material
    return {
        "material": str(material.public_id),
        "issued_on": str(timezone.localdate()),
        "quantity": 10,
        "recipient": "初二年级组",
        "purpose": "心理健康月宣传",
    }


ENDPOINTS = [
    Endpoint(
        name="rooms",
        url="/api/v1/rooms/",
        make=make_room,
        payload=room_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda r: {"opening_hours": "周一至周五 8:00-18:00"},
    ),
    # Staff book rooms; the object made here is the principal's, so only managers may change it.
    Endpoint(
        name="room-bookings",
        url="/api/v1/room-bookings/",
        make=make_booking,
        payload=booking_payload,
        read=STAFF,
        create=STAFF,
        change=MANAGERS,
        patch=lambda b: {"purpose": "个别辅导（改期确认）"},
    ),
    Endpoint(
        name="materials",
        url="/api/v1/materials/",
        make=make_material,
        payload=material_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda m: {"description": "七、八年级通用"},
    ),
    Endpoint(
        name="material-procurements",
        url="/api/v1/material-procurements/",
        make=make_procurement,
        payload=procurement_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda p: {"supplier": "新华书店城南店"},
    ),
    Endpoint(
        name="material-issues",
        url="/api/v1/material-issues/",
        make=make_issue,
        payload=issue_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda i: {"purpose": "心理健康课（第二单元）"},
    ),
]
