"""A long run of school creations reconnects every SCHOOLS_PER_CONNECTION schools, never inside a
transaction. (A connection of its own: the test's connection is inside the test's transaction.)"""

import pytest
from django.db import connections

from district.provisioning.connections import SCHOOLS_PER_CONNECTION, refresh_after


def _backend_pid(conn) -> int:
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_fresh_backend_after_every_batch_of_schools():
    conn = connections.create_connection("default")
    try:
        first = _backend_pid(conn)
        refresh_after(SCHOOLS_PER_CONNECTION - 1, conn)
        assert _backend_pid(conn) == first
        refresh_after(SCHOOLS_PER_CONNECTION, conn)
        second = _backend_pid(conn)
        assert second != first
        refresh_after(0, conn)
        assert _backend_pid(conn) == second
        conn.set_autocommit(False)
        conn.in_atomic_block = True  # what transaction.atomic() marks on the connection
        refresh_after(2 * SCHOOLS_PER_CONNECTION, conn)
        assert _backend_pid(conn) == second
        conn.in_atomic_block = False
        conn.rollback()
    finally:
        conn.close()
