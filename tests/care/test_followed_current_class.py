"""Issue 8, points 3.7 and 3.8: whether a student is being followed (关注中) is known to a homeroom
teacher only while the student is in one of their classes, and to an account that is both secretary
and homeroom teacher only for the students of their own classes."""

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from shared.accounts.models import User
from shared.accounts.services import account_create
from tenants.care.record_services import observation_create
from tenants.care.services import attention_set
from tenants.students.services import student_move
from tests.conftest import ALPHA, PASSWORD, api_client, role_user, signed_in
from tests.support.students import make_class, make_student

pytestmark = pytest.mark.django_db
SCHEMA = "school_alpha"


def _followed_cell(client, name: str):
    page = client.get("/care/observations/")
    assert page.status_code == 200
    rows = [row for row in page.context["rows"] if any(name in str(cell[0]) for cell in row)]
    assert len(rows) == 1
    return str(rows[0][-1][0])


def test_homeroom_teacher_stops_seeing_followed_once_the_student_leaves_the_class():
    with schema_context(SCHEMA):
        teacher = role_user("homeroom_teacher")
        own_class = make_class(grade=8, name="跟随原班", homeroom=teacher)
        other_class = make_class(grade=8, name="跟随新班", homeroom=role_user("member"))
        student = make_student(school_class=own_class, name="转班关注生")
        attention_set(student=student, level="crisis", reason="危机", actor=role_user("counselor"))
        obs = observation_create(
            actor=teacher,
            student=student,
            kind="observation",
            observed_on=timezone.localdate(),
            text="上课走神",
        )
    connection.set_schema_to_public()
    client = signed_in(ALPHA, "r_homeroom_teacher")
    assert _followed_cell(client, "转班关注生") == "是"
    detail = client.get(f"/care/observations/{obs.public_id}/")
    assert detail.context["followed"] is True and "关注中" in detail.content.decode()

    with schema_context(SCHEMA):
        student_move(student, actor=role_user("secretary"), to_class=other_class)
    connection.set_schema_to_public()
    # The teacher still reads their own observation, but no longer learns the student's status.
    assert _followed_cell(client, "转班关注生") == "—"
    detail = client.get(f"/care/observations/{obs.public_id}/")
    assert detail.status_code == 200 and detail.context["followed"] is None
    assert "关注中" not in detail.content.decode()
    export = client.get("/care/observations/?export=xlsx")
    assert export.status_code == 200
    # The care team still sees it.
    care = signed_in(ALPHA, "r_counselor")
    assert _followed_cell(care, "转班关注生") == "是"
    assert care.get(f"/care/observations/{obs.public_id}/").context["followed"] is True


def _secretary_and_homeroom() -> User:
    user = User.objects.filter(username="h4_sec_hr").first()
    if user is None:
        user = account_create(
            username="h4_sec_hr",
            full_name="秘书兼班主任",
            roles=["secretary", "homeroom_teacher"],
            password=PASSWORD,
        )
    return user


def test_secretary_who_is_also_homeroom_teacher_gets_being_followed_only_for_own_classes():
    with schema_context(SCHEMA):
        both = _secretary_and_homeroom()
        own_class = make_class(grade=9, name="兼任本班", homeroom=both)
        other_class = make_class(grade=9, name="兼任他班", homeroom=role_user("homeroom_teacher"))
        own_followed = make_student(school_class=own_class, name="本班关注", student_number="FLW8A01")
        make_student(school_class=own_class, name="本班无事", student_number="FLW8A02")
        other_followed = make_student(school_class=other_class, name="他班关注", student_number="FLW8B01")
        for student in (own_followed, other_followed):
            attention_set(student=student, level="crisis", reason="危机", actor=role_user("counselor"))
    connection.set_schema_to_public()

    client = api_client(ALPHA, "h4_sec_hr")
    listing = client.get("/api/v1/students/?q=FLW8")
    assert listing.status_code == 200
    got = {row["student_number"]: row["being_followed"] for row in listing.json()["results"]}
    # The secretary sees the whole roster, but being followed only for the own class.
    assert got == {"FLW8A01": True, "FLW8A02": False, "FLW8B01": None}
    assert client.get(f"/api/v1/students/{other_followed.public_id}/").json()["being_followed"] is None
    assert client.get(f"/api/v1/students/{own_followed.public_id}/").json()["being_followed"] is True

    # A student who leaves the class takes the answer with them.
    with schema_context(SCHEMA):
        student_move(own_followed, actor=role_user("secretary"), to_class=other_class)
    connection.set_schema_to_public()
    assert client.get(f"/api/v1/students/{own_followed.public_id}/").json()["being_followed"] is None

    # Unchanged for the others: the principal sees all, the plain secretary none, the plain
    # homeroom teacher their own class.
    principal = api_client(ALPHA, "r_principal").get("/api/v1/students/?q=FLW8").json()["results"]
    assert {r["student_number"]: r["being_followed"] for r in principal} == {
        "FLW8A01": True,
        "FLW8A02": False,
        "FLW8B01": True,
    }
    secretary = api_client(ALPHA, "r_secretary").get("/api/v1/students/?q=FLW8").json()["results"]
    assert {r["being_followed"] for r in secretary} == {None}
    homeroom = api_client(ALPHA, "r_homeroom_teacher").get("/api/v1/students/?q=FLW8").json()["results"]
    assert {r["student_number"]: r["being_followed"] for r in homeroom} == {"FLW8A01": True, "FLW8B01": True}
