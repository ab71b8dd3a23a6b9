"""Exchange fixtures: district accounts of every role (the session has only dora, the admin), and a
student of alpha whose name and number the personal-data check must find."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from exchange.selectors import Reader

STUDENT_NAME = "欧阳交流"
STUDENT_NUMBER = "EXC0001"


@pytest.fixture
def district_people(db):
    from shared.accounts.models import User
    from shared.accounts.services import account_create
    from tests.conftest import PASSWORD

    for username, role in (("ex_reviewer", "district_reviewer"), ("ex_analyst", "district_analyst")):
        if not User.objects.filter(username=username).exists():
            account_create(username=username, full_name=username, roles=[role], password=PASSWORD)
    return {u.username: u for u in User.objects.filter(username__in=["dora", "ex_reviewer", "ex_analyst"])}


@pytest.fixture
def alpha_student(db):
    from tenants.students.models import SchoolClass, Student

    with schema_context("school_alpha"):
        school_class, _ = SchoolClass.objects.get_or_create(grade=7, name="交流1班")
        Student.objects.get_or_create(
            student_number=STUDENT_NUMBER,
            defaults=dict(
                name=STUDENT_NAME,
                gender="female",
                date_of_birth="2012-03-04",
                school_class=school_class,
                guardian_name="家长",
                guardian_phone="13900000000",
            ),
        )
    connection.set_schema_to_public()


def school_reader(code: str, username: str) -> Reader:
    """A Reader for a school account (read in the school's schema)."""
    from district.models import School
    from shared.accounts.models import User

    school = School.objects.get(code=code)
    with schema_context(school.schema_name):
        user = User.objects.get(username=username)
    connection.set_schema_to_public()
    return Reader(user=user, school=school)


def district_reader(username: str) -> Reader:
    from shared.accounts.models import User

    connection.set_schema_to_public()  # a test client's request leaves its school's schema set
    return Reader(user=User.objects.get(username=username), school=None)
