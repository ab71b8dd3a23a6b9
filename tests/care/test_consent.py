"""Guardian consent for screening: the latest answer is in force; the table, filters and form;
who may record."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.care import record_services, selectors
from tenants.care.models import AuditEvent, Consent
from tests.conftest import ALPHA, api_client, role_user, signed_in
from tests.support.students import make_student

pytestmark = pytest.mark.django_db
SCHEMA = "school_alpha"


def _answer(student, status, days_ago, note=""):
    return record_services.consent_record(
        actor=role_user("secretary"),
        student=student,
        status=status,
        guardian_name="家长",
        recorded_on=timezone.localdate() - timedelta(days=days_ago),
        note=note,
    )


def test_latest_answer_wins():
    with schema_context(SCHEMA):
        student, never = make_student(), make_student()
        assert selectors.consent_status(student) == "none"
        _answer(student, "granted", 30)
        assert selectors.consent_status(student) == "granted"
        _answer(student, "withdrawn", 2)
        _answer(student, "refused", 10)  # recorded later, but an older answer
        assert selectors.consent_status(student) == "withdrawn"
        annotated = {
            s.pk: s.consent_status
            for s in selectors.students_with_consent().filter(pk__in=[student.pk, never.pk])
        }
        assert annotated == {student.pk: "withdrawn", never.pk: "none"}
        # Same date: the one recorded last wins.
        _answer(student, "granted", 2)
        assert selectors.consent_status(student) == "granted"


def test_consent_page_filters_and_form_records_an_answer():
    with schema_context(SCHEMA):
        yes, no = make_student(name="同意甲"), make_student(name="未答乙")
        _answer(yes, "granted", 1)
    client = signed_in(ALPHA, "r_secretary")
    granted = client.get("/care/consent/?consent=granted").content.decode()
    assert "同意甲" in granted and "未答乙" not in granted
    assert "未答乙" in client.get("/care/consent/?consent=none").content.decode()
    bad = client.post(
        "/care/consent/new/",
        {
            "student": no.public_id,
            "status": "granted",
            "guardian_name": "",
            "recorded_on": str(timezone.localdate()),
        },
    )
    assert bad.status_code == 400 and 'id="id_guardian_name-error"' in bad.content.decode()
    future = client.post(
        "/care/consent/new/",
        {
            "student": no.public_id,
            "status": "granted",
            "guardian_name": "王女士",
            "recorded_on": str(timezone.localdate() + timedelta(days=3)),
        },
    )
    assert future.status_code == 400 and 'id="id_recorded_on-error"' in future.content.decode()
    ok = client.post(
        "/care/consent/new/",
        {
            "student": no.public_id,
            "status": "refused",
            "guardian_name": "王女士",
            "recorded_on": str(timezone.localdate()),
            "note": "电话确认",
        },
    )
    assert ok.status_code == 302
    with schema_context(SCHEMA):
        assert selectors.consent_status(no) == "refused"
        assert (
            AuditEvent.objects.filter(
                action="create", subject="care.consent", student_ref=no.public_id
            ).count()
            == 1
        )
    answers = client.get(f"/care/consent/answers/?q={no.student_number}").content.decode()
    # The note is encrypted free text: the secretary who wrote it does not read it back; the care team does.
    assert "王女士" in answers and "电话确认" not in answers
    counselor = signed_in(ALPHA, "r_counselor").get(f"/care/consent/answers/?q={no.student_number}")
    assert "电话确认" in counselor.content.decode()
    export = client.get("/care/consent/?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("role", ["principal", "secretary", "psychology_teacher", "counselor"])
def test_roster_managers_and_care_team_record_consent(role):
    with schema_context(SCHEMA):
        student = make_student()
    client = signed_in(ALPHA, f"r_{role}")
    assert client.get("/care/consent/").status_code == 200
    response = client.post(
        "/care/consent/new/",
        {
            "student": student.public_id,
            "status": "granted",
            "guardian_name": "李先生",
            "recorded_on": str(timezone.localdate()),
        },
    )
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["homeroom_teacher", "deputy", "member", "invited_attendee", "school_admin"])
def test_others_cannot_see_consent(role):
    client = signed_in(ALPHA, f"r_{role}")
    assert client.get("/care/consent/").status_code == 404
    assert client.get("/care/consent/new/").status_code == 404
    assert client.get("/care/consent/answers/").status_code == 404


def test_api_in_force_filter():
    with schema_context(SCHEMA):
        student = make_student()
        old = _answer(student, "granted", 20)
        new = _answer(student, "withdrawn", 1)
    client = api_client(ALPHA, "r_counselor")
    rows = client.get(f"/api/v1/consents/?student={student.public_id}").json()["results"]
    assert {r["id"]: r["in_force"] for r in rows} == {str(old.public_id): False, str(new.public_id): True}
    current = client.get(f"/api/v1/consents/?student={student.public_id}&in_force=true").json()["results"]
    assert [r["status"] for r in current] == ["withdrawn"]
    with schema_context(SCHEMA):
        assert Consent.objects.filter(student=student).count() == 2
