"""Why a student left is clinical in places (issue 8, 3.2): encrypted at rest, shown to the care team
only. Homeroom teachers, the secretary and the principal see that the student left and when, not why;
the archive's audit event does not copy the reason."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenants.care.models import AuditEvent
from tenants.students import services
from tenants.students.models import Student
from tests.conftest import ALPHA, api_client, in_alpha, role_user, signed_in
from tests.support.openapi import assert_matches_schema
from tests.support.students import make_student

pytestmark = pytest.mark.django_db
REASON = "因抑郁症住院治疗，休学一年——标记AR19"


def _archived():
    student = make_student()  # in a class of r_homeroom_teacher
    return services.student_archive(student, actor=role_user("secretary"), reason=REASON)


def _raw(sql, params=()):
    with schema_context("school_alpha"), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    connection.set_schema_to_public()
    return rows


def test_archived_reason_column_holds_only_ciphertext_and_the_audit_event_no_copy():
    student = in_alpha(_archived)
    [(stored,)] = _raw("SELECT archived_reason FROM students_student WHERE id = %s", [student.pk])
    assert stored.startswith("xy1:") and "AR19" not in stored
    assert not any("AR19" in row for (row,) in _raw("SELECT row_to_json(t)::text FROM students_student t"))
    assert not any("AR19" in row for (row,) in _raw("SELECT row_to_json(t)::text FROM care_auditevent t"))
    assert (
        in_alpha(lambda: AuditEvent.objects.filter(object_ref=student.public_id, action="change").count())
        == 1
    )
    assert in_alpha(lambda: Student.objects.get(pk=student.pk).archived_reason) == REASON


@pytest.mark.parametrize("role", ["homeroom_teacher", "secretary", "principal"])
def test_others_see_that_the_student_left_but_not_why(role):
    student = in_alpha(_archived)
    page = signed_in(ALPHA, f"r_{role}").get(f"/students/{student.public_id}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert student.name in text and "AR19" not in text and 'id="archived-reason"' not in text

    api = api_client(ALPHA, f"r_{role}")
    detail = api.get(f"/api/v1/students/{student.public_id}/")
    assert_matches_schema(detail)
    assert detail.json()["status"] == "archived" and "archived_reason" not in detail.json()
    listed = api.get("/api/v1/students/?status=archived")
    assert_matches_schema(listed)
    ours = [s for s in listed.json()["results"] if s["id"] == str(student.public_id)]
    assert len(ours) == 1 and "archived_reason" not in ours[0]
    assert "AR19" not in detail.content.decode() + listed.content.decode()


def test_the_secretary_archives_through_the_api_and_gets_no_reason_back():
    student = in_alpha(make_student)
    response = api_client(ALPHA, "r_secretary").post(
        f"/api/v1/students/{student.public_id}/archive/", {"reason": REASON}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert "archived_reason" not in response.json() and "AR19" not in response.content.decode()


@pytest.mark.parametrize("role", ["counselor", "psychology_teacher"])
def test_the_care_team_reads_why(role):
    student = in_alpha(_archived)
    page = signed_in(ALPHA, f"r_{role}").get(f"/students/{student.public_id}/")
    assert REASON in page.content.decode()
    detail = api_client(ALPHA, f"r_{role}").get(f"/api/v1/students/{student.public_id}/")
    assert detail.json()["archived_reason"] == REASON
