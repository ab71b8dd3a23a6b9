"""Roster API beyond the role matrix: being_followed, visibility of homeroom teachers, delete
answers 400, archive/restore, move with history, filters, audit of every change."""

import pytest
from django_tenants.utils import schema_context

from shared.accounts.services import account_create
from tenants.care.models import AuditEvent, CareRecord
from tenants.students.models import ClassMove, Student
from tests.conftest import ALPHA, BETA, PASSWORD, api_client
from tests.support.openapi import assert_matches_schema
from tests.support.students import make_class, make_student

pytestmark = pytest.mark.django_db
SCHEMA = "school_alpha"


def _setup():
    with schema_context(SCHEMA):
        other = account_create(
            username="hr_api", full_name="班主任乙", roles=["homeroom_teacher"], password=PASSWORD
        )
        a = make_class(grade=7, name="1班")
        b = make_class(grade=7, name="2班", homeroom=other)
        followed = make_student(a, student_number="API001")
        quiet = make_student(a, student_number="API002")
        elsewhere = make_student(b, student_number="API003")
        CareRecord.objects.create(student=followed, level="attention")
    return a, b, followed, quiet, elsewhere


def _audits(student, action):
    with schema_context(SCHEMA):
        return AuditEvent.objects.filter(
            student_ref=student.public_id, subject="students.student", action=action
        ).count()


def test_list_items_carry_the_contract_fields_and_being_followed():
    a, _b, followed, quiet, elsewhere = _setup()
    response = api_client(ALPHA, "r_homeroom_teacher").get("/api/v1/students/")
    assert response.status_code == 200
    assert_matches_schema(response)
    items = {item["id"]: item for item in response.json()["results"]}
    assert set(items) == {str(followed.public_id), str(quiet.public_id)}
    item = items[str(followed.public_id)]
    assert item["being_followed"] is True and items[str(quiet.public_id)]["being_followed"] is False
    assert item["class"] == str(a.public_id) and item["class_name"] == "1班" and item["grade"] == 7
    assert item["student_number"] == "API001" and item["guardian_phone"]
    assert "level" not in item and "attention_level" not in item
    assert (
        api_client(ALPHA, "r_homeroom_teacher").get(f"/api/v1/students/{elsewhere.public_id}/").status_code
        == 404
    )
    assert api_client(ALPHA, "hr_api").get(f"/api/v1/students/{elsewhere.public_id}/").status_code == 200
    # The principal learns it too; the secretary, who sees nothing of care, gets null.
    shown = api_client(ALPHA, "r_principal").get(f"/api/v1/students/{followed.public_id}/")
    assert shown.json()["being_followed"] is True
    shown = api_client(ALPHA, "r_secretary").get(f"/api/v1/students/{followed.public_id}/")
    assert_matches_schema(shown)
    assert shown.json()["being_followed"] is None


def test_filters():
    _a, b, _f, _q, elsewhere = _setup()
    client = api_client(ALPHA, "r_secretary")
    ids = {i["id"] for i in client.get("/api/v1/students/", {"class": str(b.public_id)}).json()["results"]}
    assert ids == {str(elsewhere.public_id)}
    ids = {i["id"] for i in client.get("/api/v1/students/", {"q": "API00"}).json()["results"]}
    assert len(ids) == 3
    assert client.get("/api/v1/students/", {"class": "nope"}).status_code == 400
    assert client.get("/api/v1/students/", {"status": "gone"}).status_code == 400


def test_delete_answers_400_and_the_student_stays():
    _a, _b, followed, _q, _e = _setup()
    client = api_client(ALPHA, "r_principal")
    response = client.delete(f"/api/v1/students/{followed.public_id}/")
    assert response.status_code == 400
    assert "rchive" in response.content.decode() or "归档" in response.content.decode()
    assert client.get(f"/api/v1/students/{followed.public_id}/").status_code == 200
    assert (
        api_client(ALPHA, "r_homeroom_teacher").delete(f"/api/v1/students/{followed.public_id}/").status_code
        == 403
    )
    assert api_client(ALPHA, "r_member").delete(f"/api/v1/students/{followed.public_id}/").status_code == 404


def test_archive_and_restore():
    _a, _b, followed, _q, _e = _setup()
    client = api_client(ALPHA, "r_counselor")
    url = f"/api/v1/students/{followed.public_id}/"
    response = client.post(url + "archive/", {}, content_type="application/json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    response = client.post(url + "archive/", {"reason": "转学"}, content_type="application/json")
    assert response.status_code == 200
    assert_matches_schema(response)
    assert response.json()["status"] == "archived" and response.json()["archived_at"]
    assert str(followed.public_id) not in {i["id"] for i in client.get("/api/v1/students/").json()["results"]}
    assert str(followed.public_id) in {
        i["id"] for i in client.get("/api/v1/students/", {"status": "archived"}).json()["results"]
    }
    assert (
        client.post(url + "archive/", {"reason": "again"}, content_type="application/json").status_code == 400
    )
    response = client.post(url + "restore/")
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert _audits(followed, "change") == 2
    assert (
        api_client(ALPHA, "r_homeroom_teacher")
        .post(url + "archive/", {"reason": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        api_client(ALPHA, "r_deputy")
        .post(url + "archive/", {"reason": "x"}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        api_client(BETA, "r_principal")
        .post(url + "archive/", {"reason": "x"}, content_type="application/json")
        .status_code
        == 404
    )


def test_move_writes_history_and_one_audit_event():
    a, b, followed, _q, _e = _setup()
    client = api_client(ALPHA, "r_secretary")
    url = f"/api/v1/students/{followed.public_id}/move/"
    assert client.post(url, {"class": str(a.public_id)}, content_type="application/json").status_code == 400
    response = client.post(url, {"class": str(b.public_id)}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["class"] == str(b.public_id)
    with schema_context(SCHEMA):
        move = ClassMove.objects.get(student=followed)
        assert (move.from_class, move.to_class) == (a, b)
    assert _audits(followed, "change") == 1
    # The homeroom teacher of class A no longer sees the student.
    assert (
        api_client(ALPHA, "r_homeroom_teacher").get(f"/api/v1/students/{followed.public_id}/").status_code
        == 404
    )
    assert (
        api_client(ALPHA, "r_homeroom_teacher")
        .post(url, {"class": str(a.public_id)}, content_type="application/json")
        .status_code
        == 404
    )


def test_create_and_patch_audit_once_each_and_validate_fields():
    a, b, *_rest = _setup()
    client = api_client(ALPHA, "r_psychology_teacher")
    body = {
        "student_number": "API010",
        "name": "宋书瑶",
        "gender": "female",
        "date_of_birth": "2012-04-01",
        "class": str(a.public_id),
        "guardian_name": "宋立新",
        "guardian_phone": "1390000",
    }
    response = client.post("/api/v1/students/", body, content_type="application/json")
    assert response.status_code == 400 and "guardian_phone" in response.json()["error"]["fields"]
    body["guardian_phone"] = "13900001111"
    response = client.post("/api/v1/students/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    again = client.post("/api/v1/students/", body, content_type="application/json")
    assert again.status_code == 400 and "student_number" in again.json()["error"]["fields"]
    with schema_context(SCHEMA):
        student = Student.objects.get(student_number="API010")
    assert _audits(student, "create") == 1
    response = client.patch(
        f"/api/v1/students/{student.public_id}/", {"class": str(b.public_id)}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["class_name"] == "2班"
    assert _audits(student, "change") == 1
    with schema_context(SCHEMA):
        assert ClassMove.objects.filter(student=student, to_class=b).count() == 1


def test_classes_homeroom_teacher_must_have_the_role():
    client = api_client(ALPHA, "r_principal")
    with schema_context(SCHEMA):
        from tests.conftest import role_user

        counselor, homeroom = role_user("counselor"), role_user("homeroom_teacher")
    response = client.post(
        "/api/v1/classes/",
        {"grade": 8, "name": "6班", "homeroom_teacher": str(counselor.public_id)},
        content_type="application/json",
    )
    assert response.status_code == 400 and "homeroom_teacher" in response.json()["error"]["fields"]
    response = client.post(
        "/api/v1/classes/",
        {"grade": 8, "name": "6班", "homeroom_teacher": str(homeroom.public_id)},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["homeroom_teacher_name"] == homeroom.display_name
    assert (
        client.post(
            "/api/v1/classes/", {"grade": 8, "name": "6班"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/api/v1/classes/", {"grade": 13, "name": "1班"}, content_type="application/json"
        ).status_code
        == 400
    )
    # A class with students cannot be deleted.
    with schema_context(SCHEMA):
        school_class = make_class(grade=8, name="7班")
        make_student(school_class)
    assert client.delete(f"/api/v1/classes/{school_class.public_id}/").status_code == 400
