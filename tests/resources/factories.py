"""Objects of the resources area, made with the real services (inside a school's schema)."""

import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from tenants.resources import services
from tenants.resources.selectors import school_zone
from tests.conftest import role_user


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:6]}"


def school_today():
    return datetime.now(school_zone()).date()


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """`days` from today at hour:minute, school time."""
    day = school_today() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=school_zone())


def make_room(name=None, **extra):
    data = dict(
        name=name or unique("个体咨询室"),
        location="行政楼三楼301",
        area_m2=Decimal("18.50"),
        facilities="沙盘、放松椅、档案柜",
        opening_hours="周一至周五 8:00-17:00",
    )
    data.update(extra)
    return services.room_create(actor=role_user("principal"), **data)


def make_booking(room=None, days=3, start=9, end=10, role="principal", **extra):
    return services.booking_create(
        actor=role_user(role),
        room=room or make_room(),
        starts_at=at(days, start),
        ends_at=at(days, end),
        purpose=extra.pop("purpose", "个别心理辅导"),
        **extra,
    )


def make_material(name=None, **extra):
    data = dict(
        name=name or unique("《中学生心理健康》"), category="textbook", unit="本", description="七年级用书"
    )
    data.update(extra)
    return services.material_create(actor=role_user("principal"), **data)


def make_procurement(material=None, quantity=40, unit_price="18.50"):
    return services.procurement_record(
        actor=role_user("secretary"),
        material=material or make_material(),
        procured_on=timezone.localdate(),
        quantity=quantity,
        unit_price=Decimal(unit_price),
        supplier="新华书店",
    )


def make_issue(material=None, quantity=5):
    if material is None:
        material = make_procurement().material
    return services.issue_record(
        actor=role_user("secretary"),
        material=material,
        issued_on=timezone.localdate(),
        quantity=quantity,
        recipient="初一(3)班",
        purpose="心理健康课",
    )
