"""The audit trail page and API: principal only, filters, the student looked up by reference,
and an export that is itself audited."""

from io import BytesIO

import pytest
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from tenants.care.audit import audit
from tenants.care.models import AuditEvent
from tests.conftest import ALPHA, api_client, role_user, signed_in
from tests.support.students import make_student

pytestmark = pytest.mark.django_db
SCHEMA = "school_alpha"


def _events():
    with schema_context(SCHEMA):
        student = make_student(name="审计丙")
        audit(actor=role_user("counselor"), action="view", subject="care.record", student=student)
        audit(
            actor=role_user("principal"),
            action="break_glass",
            subject="crisis.case",
            student=student,
            reason="家长来电询问，需了解处置进展",
        )
        import uuid

        gone = uuid.uuid4()
        AuditEvent.objects.create(
            actor_name="系统", action="archive", subject="screening.response", student_ref=gone
        )
    return student, gone


@pytest.mark.parametrize(
    "role",
    [
        "counselor",
        "psychology_teacher",
        "secretary",
        "homeroom_teacher",
        "deputy",
        "member",
        "invited_attendee",
        "school_admin",
    ],
)
def test_audit_trail_is_for_the_principal_only(role):
    _events()
    assert signed_in(ALPHA, f"r_{role}").get("/care/audit/").status_code == 404
    assert signed_in(ALPHA, f"r_{role}").get("/care/audit/?export=xlsx").status_code == 404


def test_principal_reads_filters_and_exports_the_trail():
    student, gone = _events()
    client = signed_in(ALPHA, "r_principal")
    body = client.get("/care/audit/").content.decode()
    assert f"审计丙（{student.student_number}）" in body
    assert str(gone) in body  # a student no longer in the roster shows by reference
    assert "家长来电询问" in body
    only = client.get(f"/care/audit/?action=break_glass&student={student.student_number}").content.decode()
    assert "家长来电询问" in only and str(gone) not in only
    people = client.get("/care/audit/?person=系统").content.decode()
    assert str(gone) in people and "家长来电询问" not in people
    with schema_context(SCHEMA):
        exports = AuditEvent.objects.filter(action="export", subject="care.audit").count()
    response = client.get("/care/audit/?export=xlsx&action=break_glass")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any("家长来电询问，需了解处置进展" in row for row in values)
    with schema_context(SCHEMA):
        assert AuditEvent.objects.filter(action="export", subject="care.audit").count() == exports + 1


def test_api_lists_and_reads_events_by_signed_id():
    student, _gone = _events()
    client = api_client(ALPHA, "r_principal")
    listed = client.get(f"/api/v1/audit-events/?student={student.public_id}").json()["results"]
    assert {e["action"] for e in listed} == {"view", "break_glass"}
    assert all(e["student_number"] == student.student_number for e in listed)
    one = client.get(f"/api/v1/audit-events/{listed[0]['id']}/")
    assert one.status_code == 200 and one.json()["id"] == listed[0]["id"]
    # An id with the right row number but not signed for this school finds nothing.
    forged = "00000000-0000-0000" + listed[0]["id"][18:]
    assert client.get(f"/api/v1/audit-events/{forged}/").status_code == 404
    assert client.post("/api/v1/audit-events/", {}, content_type="application/json").status_code == 403
    assert api_client(ALPHA, "r_counselor").get("/api/v1/audit-events/").status_code == 403
