"""Several people book the same room for overlapping times at the same moment: the database lets
exactly one booking through, and every other request gets a 400 naming the field.

Each request runs in its own thread with its own database connection, so the data they use must
be committed: the room and the API tokens are made in a helper thread (autocommit, outside this
test's transaction), and removed the same way at the end.
"""

import threading

import pytest
from django.db import connection, connections
from django.utils import translation
from django.utils.translation import gettext
from django_tenants.utils import schema_context

from tests.conftest import ALPHA, api_client
from tests.resources.factories import at, make_room

pytestmark = pytest.mark.django_db
# Enough rounds to catch the deadlock two overlapping inserts can run into (a 500 instead of a 400)
# when the service does not queue bookings of one room.
ROUNDS = 12
ROLES = ["counselor", "psychology_teacher", "homeroom_teacher", "member"]


def _in_own_connection(fn):
    """Run fn in a new thread (so on a new, autocommitting connection) and return its result."""
    result, failure = [], []

    def run():
        try:
            result.append(fn())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            failure.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if failure:
        raise failure[0]
    return result[0]


def _post_all_at_once(clients, bodies):
    barrier = threading.Barrier(len(clients))
    results = [None] * len(clients)

    def book(i):
        try:
            barrier.wait(timeout=10)
            response = clients[i].post("/api/v1/room-bookings/", bodies[i], content_type="application/json")
            results[i] = (response.status_code, response.json())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion in the test
            results[i] = ("raised", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _setup():
    with schema_context(f"school_{ALPHA}"):
        room = make_room(name="并发测试咨询室")
    connection.set_schema_to_public()
    return room, [api_client(ALPHA, f"r_{role}") for role in ROLES]


def _live_bookings(room):
    from tenants.resources.models import RoomBooking

    with schema_context(f"school_{ALPHA}"):
        return RoomBooking.objects.filter(room__pk=room.pk, cancelled=False).count()


def _cleanup(room):
    from tenants.resources.models import CounselingRoom, RoomBooking

    with schema_context(f"school_{ALPHA}"):
        RoomBooking.objects.filter(room__pk=room.pk).delete()
        CounselingRoom.objects.filter(pk=room.pk).delete()


def test_concurrent_overlapping_bookings_exactly_one_wins():
    with translation.override("zh-hans"):  # the API answers in the site's language
        expected = gettext("This room is already booked for this time.")
    room, clients = _in_own_connection(_setup)
    try:
        for round_number in range(ROUNDS):
            day = 20 + round_number
            # Every request overlaps every other: they all take up 10:00-10:30 of the same day.
            bodies = [
                {
                    "room": str(room.public_id),
                    "starts_at": at(day, 9, 30 + 5 * i).isoformat(),
                    "ends_at": at(day, 10, 30 + 5 * i).isoformat(),
                    "purpose": f"个别辅导{i}",
                }
                for i in range(len(clients))
            ]
            results = _post_all_at_once(clients, bodies)
            assert all(r is not None for r in results), results
            assert sorted(code for code, _body in results) == [201] + [400] * (len(clients) - 1), results
            for code, body in results:
                if code == 400:
                    assert body["error"]["fields"] == {"starts_at": [expected]}, body
            assert _in_own_connection(lambda: _live_bookings(room)) == round_number + 1
    finally:
        _in_own_connection(lambda: _cleanup(room))
