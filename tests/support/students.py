"""Factories for the roster, shared by the student-care tests. Call them inside a school schema
(schema_context). Names are invented."""

import itertools
import random
from datetime import date

from tenants.students.models import SchoolClass, Student

_numbers = itertools.count(1)
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = ["子涵", "欣怡", "浩然", "梓萱", "宇轩", "诗琪", "俊杰", "雨桐", "一诺", "思远", "佳怡", "明哲"]


def make_class(grade: int = 7, name: str | None = None, homeroom=None) -> SchoolClass:
    """A class; by default its homeroom teacher is the school's r_homeroom_teacher."""
    from tests.conftest import role_user

    if homeroom is None:
        homeroom = role_user("homeroom_teacher")
    name = name or f"{next(_numbers)}班"
    found, _ = SchoolClass.objects.get_or_create(
        grade=grade, name=name, defaults={"homeroom_teacher": homeroom}
    )
    return found


def make_student(school_class: SchoolClass | None = None, name: str | None = None, **extra) -> Student:
    n = next(_numbers)
    return Student.objects.create(
        student_number=extra.pop("student_number", f"S{n:07d}{random.randint(100, 999)}"),
        name=name or random.choice(_SURNAMES) + random.choice(_GIVEN),
        gender=extra.pop("gender", "female" if n % 2 else "male"),
        date_of_birth=extra.pop("date_of_birth", date(2013, 3, 1 + n % 27)),
        school_class=school_class or make_class(),
        guardian_name=extra.pop("guardian_name", "家长" + str(n)),
        guardian_phone=extra.pop("guardian_phone", f"139{n:08d}"[:11]),
        **extra,
    )
