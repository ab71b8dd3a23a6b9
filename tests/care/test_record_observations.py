"""Homeroom observations and referrals: own students only, the care team is alerted of a referral
without the student's name, the teacher sees only "being followed"; the care team marks it seen."""

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.care.models import AuditEvent, Observation
from tenants.care.services import attention_set
from tenants.workspace.models import Notification
from tests.conftest import ALPHA, api_client, role_user, signed_in
from tests.support.students import make_class, make_student

pytestmark = pytest.mark.django_db
SCHEMA = "school_alpha"


def _students():
    with schema_context(SCHEMA):
        own = make_student(name="郭小满")
        other_class = make_class(homeroom=role_user("member"))
        other = make_student(school_class=other_class, name="何别班")
        attention_set(
            student=own, level="attention", reason="MK-CLINICAL-REASON", actor=role_user("counselor")
        )
    return own, other


def test_homeroom_teacher_refers_own_student_and_care_team_is_alerted_without_a_name():
    own, other = _students()
    client = signed_in(ALPHA, "r_homeroom_teacher")
    form = client.get("/care/observations/new/").content.decode()
    assert "郭小满" in form and "何别班" not in form
    today = str(timezone.localdate())
    refused = client.post(
        "/care/observations/new/",
        {"student": other.public_id, "kind": "observation", "observed_on": today, "text": "x"},
    )
    assert refused.status_code == 400
    empty = client.post(
        "/care/observations/new/",
        {"student": own.public_id, "kind": "referral", "observed_on": today, "text": ""},
    )
    assert empty.status_code == 400 and 'id="id_text-error"' in empty.content.decode()
    sent = client.post(
        "/care/observations/new/",
        {
            "student": own.public_id,
            "kind": "referral",
            "observed_on": today,
            "text": "MK-REFERRAL 连续三天午饭不吃",
        },
    )
    assert sent.status_code == 302
    with schema_context(SCHEMA):
        obs = Observation.objects.get(student=own)
        assert obs.kind == "referral" and obs.created_by.username == "r_homeroom_teacher"
        alerts = Notification.objects.filter(link=f"/care/observations/{obs.public_id}/")
        assert {n.recipient.username for n in alerts} >= {"r_counselor", "r_psychology_teacher", "carol"}
        assert not alerts.filter(recipient__username__in=["r_principal", "r_homeroom_teacher"]).exists()
        for note in alerts:
            assert "郭小满" not in note.title + note.body and own.student_number not in note.title + note.body
        assert (
            AuditEvent.objects.filter(
                action="create", subject="care.observation", object_ref=obs.public_id
            ).count()
            == 1
        )

    listing = client.get("/care/observations/").content.decode()
    assert "郭小满" in listing and "MK-REFERRAL" not in listing  # no text column for the teacher
    mine = client.get("/care/observations/students/").content.decode()
    assert "郭小满" in mine and "何别班" not in mine and "MK-CLINICAL-REASON" not in mine
    assert signed_in(ALPHA, "r_homeroom_teacher").get(f"/care/students/{own.public_id}/").status_code == 404

    # The care team reads it, and marks it seen once.
    care = signed_in(ALPHA, "r_counselor")
    assert "MK-REFERRAL" in care.get("/care/observations/?kind=referral&seen=no").content.decode()
    page = care.get(f"/care/observations/{obs.public_id}/")
    assert page.status_code == 200 and "MK-REFERRAL" in page.content.decode()
    assert care.post(f"/care/observations/{obs.public_id}/seen/").status_code == 302
    with schema_context(SCHEMA):
        seen_at = Observation.objects.get(pk=obs.pk).acknowledged_at
        assert seen_at is not None
    care.post(f"/care/observations/{obs.public_id}/seen/")
    with schema_context(SCHEMA):
        assert Observation.objects.get(pk=obs.pk).acknowledged_at == seen_at
        assert (
            AuditEvent.objects.filter(
                action="view", subject="care.observation", object_ref=obs.public_id
            ).count()
            == 1
        )
    # The teacher cannot mark it seen.
    assert client.post(f"/care/observations/{obs.public_id}/seen/").status_code == 403


@pytest.mark.parametrize("role", ["principal", "secretary", "deputy", "member", "invited_attendee"])
def test_others_have_no_observations(role):
    own, _other = _students()
    with schema_context(SCHEMA):
        from tenants.care import record_services

        obs = record_services.observation_create(
            actor=role_user("homeroom_teacher"),
            student=own,
            kind="observation",
            observed_on=timezone.localdate(),
            text="MK",
        )
    client = signed_in(ALPHA, f"r_{role}")
    assert client.get("/care/observations/").status_code == 404
    assert client.get(f"/care/observations/{obs.public_id}/").status_code == 404
    assert client.get("/care/observations/new/").status_code == 404


def test_api_homeroom_creates_for_own_students_only_and_reads_own():
    own, other = _students()
    client = api_client(ALPHA, "r_homeroom_teacher")
    today = str(timezone.localdate())
    refused = client.post(
        "/api/v1/observations/",
        {"student": str(other.public_id), "observed_on": today, "text": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "student" in refused.json()["error"]["fields"]
    made = client.post(
        "/api/v1/observations/",
        {
            "student": str(own.public_id),
            "kind": "observation",
            "observed_on": today,
            "text": "上课注意力不集中",
        },
        content_type="application/json",
    )
    assert made.status_code == 201
    with schema_context(SCHEMA):
        from tenants.care import record_services

        someone_else = record_services.observation_create(
            actor=role_user("homeroom_teacher"),
            student=own,
            kind="observation",
            observed_on=timezone.localdate(),
            text="另一条",
        )
        Observation.objects.filter(pk=someone_else.pk).update(created_by=role_user("member"))
    ids = {o["id"] for o in client.get("/api/v1/observations/").json()["results"]}
    assert made.json()["id"] in ids and str(someone_else.public_id) not in ids
    all_ids = {
        o["id"] for o in api_client(ALPHA, "r_counselor").get("/api/v1/observations/").json()["results"]
    }
    assert {made.json()["id"], str(someone_else.public_id)} <= all_ids


def test_table_exports_and_my_students_is_for_homeroom_teachers():
    own, _other = _students()
    with schema_context(SCHEMA):
        from tenants.care import record_services

        record_services.observation_create(
            actor=role_user("homeroom_teacher"),
            student=own,
            kind="observation",
            observed_on=timezone.localdate(),
            text="MK-EXPORTED-TEXT",
        )
        lists = AuditEvent.objects.filter(subject="care.observation", action="export").count()
    care = signed_in(ALPHA, "r_counselor")
    export = care.get("/care/observations/?export=xlsx")
    assert export.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    cells = [
        v for row in load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True) for v in row
    ]
    assert "MK-EXPORTED-TEXT" in cells
    with schema_context(SCHEMA):
        assert AuditEvent.objects.filter(subject="care.observation", action="export").count() == lists + 1
    assert care.get("/care/students/?export=xlsx").status_code == 200
    assert care.get("/care/observations/students/").status_code == 404
    homeroom = signed_in(ALPHA, "r_homeroom_teacher")
    assert homeroom.get("/care/observations/students/?export=xlsx").status_code == 200
    teacher_cells = [
        v
        for row in load_workbook(
            BytesIO(homeroom.get("/care/observations/?export=xlsx").content)
        ).active.iter_rows(values_only=True)
        for v in row
    ]
    assert "MK-EXPORTED-TEXT" not in teacher_cells and own.name in " ".join(str(c) for c in teacher_cells)
