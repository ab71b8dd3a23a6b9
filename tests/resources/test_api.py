"""Resources API beyond the role matrix: overlaps, own bookings, filters, stock errors."""

from datetime import timedelta

import pytest

from tests.conftest import ALPHA, api_client, in_alpha, role_user
from tests.resources.factories import (
    at,
    make_booking,
    make_material,
    make_procurement,
    make_room,
    school_today,
)
from tests.support.openapi import assert_matches_schema

pytestmark = pytest.mark.django_db


def test_overlapping_booking_answers_400_with_the_field_error():
    room = in_alpha(lambda: make_room())
    in_alpha(lambda: make_booking(room=room, start=9, end=10))
    response = api_client(ALPHA, "r_counselor").post(
        "/api/v1/room-bookings/",
        {
            "room": str(room.public_id),
            "starts_at": at(3, 9, 45).isoformat(),
            "ends_at": at(3, 11).isoformat(),
            "purpose": "个别辅导",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert_matches_schema(response)
    assert list(response.json()["error"]["fields"]) == ["starts_at"]


def test_staff_cancel_their_own_booking_but_not_others():
    room = in_alpha(lambda: make_room())
    theirs = in_alpha(lambda: make_booking(room=room, start=9, end=10))
    counselor = api_client(ALPHA, "r_counselor")
    created = counselor.post(
        "/api/v1/room-bookings/",
        {
            "room": str(room.public_id),
            "starts_at": at(3, 10).isoformat(),
            "ends_at": at(3, 11).isoformat(),
            "purpose": "沙盘游戏辅导",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    mine = created.json()
    assert mine["booked_by"]["id"] == str(in_alpha(lambda: role_user("counselor").public_id))
    cancelled = counselor.patch(
        f"/api/v1/room-bookings/{mine['id']}/", {"cancelled": True}, content_type="application/json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["cancelled"] is True
    assert_matches_schema(cancelled)
    assert (
        counselor.patch(
            f"/api/v1/room-bookings/{theirs.public_id}/", {"cancelled": True}, content_type="application/json"
        ).status_code
        == 403
    )
    # Staff cannot delete bookings, not even their own; managers can.
    assert counselor.delete(f"/api/v1/room-bookings/{mine['id']}/").status_code == 403
    assert api_client(ALPHA, "r_secretary").delete(f"/api/v1/room-bookings/{mine['id']}/").status_code == 204
    # A staff member cannot book in someone else's name.
    other = counselor.post(
        "/api/v1/room-bookings/",
        {
            "room": str(room.public_id),
            "starts_at": at(3, 14).isoformat(),
            "ends_at": at(3, 15).isoformat(),
            "purpose": "x",
            "booked_by": str(in_alpha(lambda: theirs.booked_by.public_id)),
        },
        content_type="application/json",
    )
    assert other.status_code == 400 and "booked_by" in other.json()["error"]["fields"]


def test_booking_filters_by_room_and_day():
    room, other = in_alpha(lambda: make_room()), in_alpha(lambda: make_room())
    wanted = in_alpha(lambda: make_booking(room=room, days=2, start=9, end=10))
    in_alpha(lambda: make_booking(room=room, days=3, start=9, end=10))
    in_alpha(lambda: make_booking(room=other, days=2, start=9, end=10))
    day = (school_today() + timedelta(days=2)).isoformat()
    response = api_client(ALPHA, "r_member").get(f"/api/v1/room-bookings/?room={room.public_id}&day={day}")
    assert response.status_code == 200
    assert_matches_schema(response)
    assert [b["id"] for b in response.json()["results"]] == [str(wanted.public_id)]
    bad = api_client(ALPHA, "r_member").get("/api/v1/room-bookings/?day=tomorrow")
    assert bad.status_code == 400 and "day" in bad.json()["error"]["fields"]


def test_issue_beyond_stock_answers_400_and_stock_is_shown():
    material = in_alpha(lambda: make_procurement(material=make_material(), quantity=12).material)
    client = api_client(ALPHA, "r_secretary")
    response = client.post(
        "/api/v1/material-issues/",
        {
            "material": str(material.public_id),
            "issued_on": str(school_today()),
            "quantity": 13,
            "recipient": "初三(2)班",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "quantity" in response.json()["error"]["fields"]
    shown = client.get(f"/api/v1/materials/{material.public_id}/")
    assert shown.json()["stock"] == 12
    procurement = client.get(f"/api/v1/material-procurements/?material={material.public_id}").json()[
        "results"
    ][0]
    assert procurement["total"] == "222.00"  # 12 × 18.50


def test_declared_filters_take_yes_no_and_the_old_true_false():
    active = in_alpha(lambda: make_room())
    closed = in_alpha(lambda: make_room(is_active=False))
    client = api_client(ALPHA, "r_member")
    for value in ("yes", "true", "1"):
        ids = {r["id"] for r in client.get(f"/api/v1/rooms/?active={value}").json()["results"]}
        assert str(active.public_id) in ids and str(closed.public_id) not in ids, value
    for value in ("no", "false", "0"):
        ids = {r["id"] for r in client.get(f"/api/v1/rooms/?active={value}").json()["results"]}
        assert str(closed.public_id) in ids and str(active.public_id) not in ids, value
    bad = client.get("/api/v1/rooms/?active=maybe")
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["active"]


def test_bookings_filter_mine_and_cancelled():
    room = in_alpha(lambda: make_room())
    mine = in_alpha(lambda: make_booking(room=room, days=2, role="counselor"))
    theirs = in_alpha(lambda: make_booking(room=room, days=3, role="principal"))
    counselor = api_client(ALPHA, "r_counselor")
    listed = counselor.get(f"/api/v1/room-bookings/?room={room.public_id}&mine=true").json()["results"]
    assert [b["id"] for b in listed] == [str(mine.public_id)]
    cancelled = counselor.patch(
        f"/api/v1/room-bookings/{mine.public_id}/", {"cancelled": True}, content_type="application/json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["cancelled"] is True
    live = counselor.get(f"/api/v1/room-bookings/?room={room.public_id}&cancelled=no").json()["results"]
    assert [b["id"] for b in live] == [str(theirs.public_id)]
    gone = counselor.get(f"/api/v1/room-bookings/?room={room.public_id}&cancelled=yes").json()["results"]
    assert [b["id"] for b in gone] == [str(mine.public_id)]
    # A room id that is not a room of this school is not one of the choices.
    assert counselor.get("/api/v1/room-bookings/?room=not-a-room").status_code == 400
