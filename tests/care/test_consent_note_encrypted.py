"""A guardian consent's note is clinical free text (issue 8, 3.2): encrypted at rest, shown to the
care team only. The principal and the secretary keep the consent tables and API, without the note."""

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.care import record_services
from tenants.care.models import Consent
from tests.conftest import ALPHA, api_client, in_alpha, role_user, signed_in
from tests.support.openapi import assert_matches_schema
from tests.support.students import make_student

pytestmark = pytest.mark.django_db
NOTE = "家长说孩子正在服用抗抑郁药——标记CN64"


def _consent(actor_role="secretary"):
    student = make_student()
    return record_services.consent_record(
        actor=role_user(actor_role),
        student=student,
        status="granted",
        guardian_name=student.guardian_name,
        recorded_on=timezone.localdate(),
        note=NOTE,
    )


def test_consent_note_column_holds_only_ciphertext():
    consent = in_alpha(_consent)
    with schema_context("school_alpha"), connection.cursor() as cursor:
        cursor.execute("SELECT note FROM care_consent WHERE id = %s", [consent.pk])
        [(stored,)] = cursor.fetchall()
        cursor.execute("SELECT row_to_json(t)::text FROM care_consent t")
        whole = [row for (row,) in cursor.fetchall()]
    connection.set_schema_to_public()
    assert stored.startswith("xy1:") and "CN64" not in stored
    assert not any("CN64" in row for row in whole)
    assert in_alpha(lambda: Consent.objects.get(pk=consent.pk).note) == NOTE


@pytest.mark.parametrize("role", ["principal", "secretary"])
def test_roster_keepers_see_the_answer_but_not_the_note(role):
    consent = in_alpha(_consent)
    number = consent.student.student_number
    client = signed_in(ALPHA, f"r_{role}")
    page = client.get(f"/care/consent/answers/?q={number}")
    assert page.status_code == 200
    text = page.content.decode()
    assert number in text and "CN64" not in text
    export = client.get(f"/care/consent/answers/?q={number}&export=xlsx")
    assert export.status_code == 200 and "CN64".encode() not in export.content

    api = api_client(ALPHA, f"r_{role}")
    listed = api.get(f"/api/v1/consents/?student={consent.student.public_id}")
    assert_matches_schema(listed)
    [item] = listed.json()["results"]
    assert item["status"] == "granted" and "note" not in item
    detail = api.get(f"/api/v1/consents/{consent.public_id}/")
    assert_matches_schema(detail)
    assert detail.status_code == 200 and "note" not in detail.json() and "CN64" not in detail.content.decode()


def test_the_care_team_reads_the_note_on_the_page_and_in_the_api():
    consent = in_alpha(_consent)
    page = signed_in(ALPHA, "r_counselor").get(f"/care/consent/answers/?q={consent.student.student_number}")
    assert NOTE in page.content.decode()
    detail = api_client(ALPHA, "r_psychology_teacher").get(f"/api/v1/consents/{consent.public_id}/")
    assert detail.json()["note"] == NOTE


def test_the_secretary_may_still_write_a_note_through_the_api_without_reading_it_back():
    student = in_alpha(make_student)
    response = api_client(ALPHA, "r_secretary").post(
        "/api/v1/consents/",
        {
            "student": str(student.public_id),
            "status": "refused",
            "guardian_name": "家长",
            "recorded_on": str(timezone.localdate()),
            "note": NOTE,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert "note" not in response.json() and "CN64" not in response.content.decode()
    assert in_alpha(lambda: Consent.objects.get(student=student).note) == NOTE
    too_long = api_client(ALPHA, "r_counselor").post(
        "/api/v1/consents/",
        {
            "student": str(student.public_id),
            "status": "granted",
            "guardian_name": "家长",
            "recorded_on": str(timezone.localdate()),
            "note": "长" * 201,
        },
        content_type="application/json",
    )
    assert too_long.status_code == 400 and "note" in str(too_long.json())
