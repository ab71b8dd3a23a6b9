"""Objects of the team area, made with the real services (inside a school's schema)."""

from datetime import date
from decimal import Decimal

from tenants.team import services
from tests.conftest import role_user


def make_staff(name="王心怡", **extra):
    data = dict(
        name=name,
        position="psychology_teacher",
        psychology_post="full_time",
        qualification="心理健康教育教师资格（C证）",
        certificate_number="XL-2026-0101",
    )
    data.update(extra)
    return services.staff_create(actor=role_user("principal"), **data)


def make_plan(**extra):
    data = dict(
        title="2026-2027学年班主任心理健康教育能力培训",
        school_year="2026-2027",
        audience="homeroom_teachers",
        planned_hours=Decimal("24"),
        starts_on=date(2026, 9, 15),
        ends_on=date(2027, 6, 30),
    )
    data.update(extra)
    return services.training_plan_create(actor=role_user("principal"), **data)


def make_record(staff=None, hours="3.5", trained_on=date(2026, 10, 12), **extra):
    return services.training_record_create(
        actor=role_user("secretary"),
        staff=staff or make_staff(),
        trained_on=trained_on,
        hours=Decimal(hours),
        title=extra.pop("title", "学生心理危机识别与干预"),
        provider=extra.pop("provider", "区教师发展中心"),
        **extra,
    )
