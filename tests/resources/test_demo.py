"""The resources demo data builds with the real services, is realistic and idempotent."""

from datetime import date

import pytest
from django.db import connection
from django_tenants.utils import schema_context

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = [
    ("principal", "张建华", "principal"),
    ("deputy", "李国强", "deputy"),
    ("secretary", "周文", "secretary"),
    ("member", "赵敏", "member"),
    ("psych", "王心怡", "psychology_teacher"),
    ("counselor", "陈静", "counselor"),
    ("homeroom", "刘洋", "homeroom_teacher"),
    ("guest", "孙专家", "invited_attendee"),
]


@pytest.fixture
def demo_school():
    from shared.accounts.services import account_create

    with schema_context("school_beta"):
        for username, name, role in DEMO_ACCOUNTS:
            account_create(username=username, full_name=name, roles=[role])
        yield
    connection.set_schema_to_public()


def test_resources_demo(demo_school):
    from tenants.resources.demo import seed_demo
    from tenants.resources.models import CounselingRoom, Material, RoomBooking
    from tenants.resources.selectors import procurement_spending, room_bookings_for

    today = date(2026, 11, 29)
    seed_demo(today=today)
    assert CounselingRoom.objects.count() == 5
    bookings = RoomBooking.objects.count()
    assert bookings > 40
    assert RoomBooking.objects.filter(starts_at__date__gt=today).exists()  # some ahead
    assert Material.objects.get(name="《中小学心理健康教育》七年级").stock == 8
    assert procurement_spending(start=date(2026, 9, 1), end=today) > 0
    room = CounselingRoom.objects.get(name="心理咨询室（个体辅导室）")
    assert all(b.room_id == room.pk for b in room_bookings_for(room, date(2026, 11, 30)))

    seed_demo(today=today)  # idempotent
    assert CounselingRoom.objects.count() == 5 and RoomBooking.objects.count() == bookings
