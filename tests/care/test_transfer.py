"""A record goes from one school to another: straight between the two schools' schemas, encrypted
under the receiving school's key, accepted by its counselor, with a receipt on both sides."""

from uuid import uuid4

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenants.care.models import AuditEvent, IncomingTransfer, OutgoingTransfer
from tenants.care.services import attention_set
from tenants.counseling.models import CounselingSession
from tenants.students.models import Student
from tests.conftest import ALPHA, BETA, role_user, signed_in
from tests.support.students import make_class, make_student

pytestmark = pytest.mark.django_db
MARK = "转学标记文本·七"


def _student_with_a_record():
    with schema_context("school_alpha"):
        student = make_student(name="林转学")
        attention_set(student=student, level="elevated", reason="考试焦虑", actor=role_user("counselor"))
        from django.utils import timezone

        CounselingSession.objects.create(
            student=student,
            counselor=role_user("counselor"),
            held_at=timezone.now(),
            duration_minutes=40,
            category="study",
            notes=MARK,
        )
    connection.set_schema_to_public()
    return student


def test_send_and_accept_with_receipts_on_both_sides():
    student = _student_with_a_record()
    sender = signed_in(ALPHA, "r_counselor")
    page = sender.get(f"/care/records/transfers/send/{student.public_id}/")
    assert page.status_code == 200 and "beta" in [
        c for c, _n in page.context["form"].fields["to_school"].choices
    ]
    response = sender.post(
        f"/care/records/transfers/send/{student.public_id}/", {"to_school": "beta", "reason": "学生转学"}
    )
    assert response.status_code == 302, response.content.decode()[:800]

    with schema_context("school_alpha"):
        outgoing = OutgoingTransfer.objects.get(student_ref=student.public_id)
        assert outgoing.status == "sent" and len(outgoing.digest) == 64
        assert Student.objects.get(pk=student.pk).status == "archived"
        assert AuditEvent.objects.filter(action="transfer", student_ref=student.public_id).count() == 1
    with schema_context("school_beta"):
        incoming = IncomingTransfer.objects.get(outgoing_ref=outgoing.public_id)
        # Stored encrypted at the receiving school: the marker is not in the column.
        with connection.cursor() as cursor:
            cursor.execute("SELECT package FROM care_incomingtransfer WHERE id = %s", [incoming.pk])
            raw = cursor.fetchone()[0]
        assert MARK not in raw and raw.startswith("xy1:")
        assert MARK in incoming.package
        target_class = make_class(grade=8, name="转入1班")
    connection.set_schema_to_public()
    # Nothing of it in the public schema.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'care_%%'"
        )
        assert cursor.fetchone()[0] == 0

    receiver = signed_in(BETA, "r_counselor")
    assert receiver.get("/care/records/transfers/").status_code == 200
    detail = receiver.get(f"/care/records/transfers/{incoming.public_id}/")
    assert detail.status_code == 200 and "林转学" in detail.content.decode()
    missing_class = receiver.post(f"/care/records/transfers/{incoming.public_id}/", {"school_class": ""})
    assert missing_class.status_code == 400 and missing_class.context["form"].errors["school_class"]
    accepted = receiver.post(
        f"/care/records/transfers/{incoming.public_id}/", {"school_class": target_class.pk}
    )
    assert accepted.status_code == 302

    with schema_context("school_beta"):
        incoming.refresh_from_db()
        assert incoming.status == "accepted" and incoming.student.name == "林转学"
        assert incoming.student.care_record.level == "elevated"
        accepter = incoming.accepted_by.display_name
    with schema_context("school_alpha"):
        outgoing.refresh_from_db()
        assert outgoing.status == "accepted" and outgoing.accepted_at is not None
        assert outgoing.accepted_by_name == accepter
    connection.set_schema_to_public()
    receipts = sender.get("/care/records/transfers/sent/")
    assert outgoing.digest in receipts.content.decode()


@pytest.mark.parametrize("role", ["principal", "secretary", "homeroom_teacher", "deputy", "member"])
def test_only_the_care_team_sends_or_receives(role):
    student = _student_with_a_record()
    client = signed_in(ALPHA, f"r_{role}")
    assert client.get("/care/records/transfers/").status_code == 404
    assert (
        client.post(f"/care/records/transfers/send/{student.public_id}/", {"to_school": "beta"}).status_code
        == 404
    )


def test_another_schools_student_cannot_be_sent_from_here():
    with schema_context("school_beta"):
        theirs = make_student()
    connection.set_schema_to_public()
    client = signed_in(ALPHA, "r_counselor")
    assert client.get(f"/care/records/transfers/send/{theirs.public_id}/").status_code == 404


def test_retention_rules_page_principal_edits():
    principal = signed_in(ALPHA, "r_principal")
    page = principal.get("/care/records/retention/")
    assert page.status_code == 200
    from django.utils.translation import gettext

    assert gettext("Next run archives") in page.content.decode() and page.context["rows"]
    from tenants.care.models import RetentionRule

    with schema_context("school_alpha"):
        rule = RetentionRule.objects.get(record_type="screening")
    connection.set_schema_to_public()
    bad = principal.post(f"/care/records/retention/{rule.pk}/", {"keep_years": "0", "grace_days": "90"})
    assert bad.status_code == 400 and bad.context["form"].errors["keep_years"]
    assert (
        principal.post(
            f"/care/records/retention/{rule.pk}/", {"keep_years": "4", "grace_days": "30"}
        ).status_code
        == 302
    )
    with schema_context("school_alpha"):
        rule.refresh_from_db()
        assert (rule.keep_years, rule.grace_days) == (4, 30)
    connection.set_schema_to_public()
    assert (
        signed_in(ALPHA, "r_counselor")
        .post(f"/care/records/retention/{rule.pk}/", {"keep_years": "9", "grace_days": "9"})
        .status_code
        == 403
    )
    assert signed_in(ALPHA, "r_secretary").get("/care/records/retention/").status_code == 404


def test_send_and_accept_through_the_api():
    from tests.conftest import api_client
    from tests.support.openapi import assert_matches_schema

    student = _student_with_a_record()
    sid = str(student.public_id)
    assert (
        api_client(ALPHA, "r_deputy")
        .post(f"/api/v1/students/{sid}/transfer/", {"to_school": "beta"}, content_type="application/json")
        .status_code
        == 404
    )
    assert (
        api_client(ALPHA, "r_principal")
        .post(f"/api/v1/students/{sid}/transfer/", {"to_school": "beta"}, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        api_client(BETA, "r_counselor")
        .post(f"/api/v1/students/{sid}/transfer/", {"to_school": "alpha"}, content_type="application/json")
        .status_code
        == 404
    )
    sender = api_client(ALPHA, "r_counselor")
    nowhere = sender.post(
        f"/api/v1/students/{sid}/transfer/", {"to_school": "alpha"}, content_type="application/json"
    )
    assert nowhere.status_code == 400 and "to_school" in nowhere.json()["error"]["fields"]
    sent = sender.post(
        f"/api/v1/students/{sid}/transfer/",
        {"to_school": "beta", "reason": "转学"},
        content_type="application/json",
    )
    assert sent.status_code == 201 and sent.json()["status"] == "sent"
    assert_matches_schema(sent)

    receiver = api_client(BETA, "r_psychology_teacher")
    received = receiver.get("/api/v1/record-transfers/received/")
    assert_matches_schema(received)
    mine = [t for t in received.json()["results"] if t["student_number"] == student.student_number]
    assert len(mine) == 1 and mine[0]["sections"]["counseling_sessions"] == 1
    with schema_context("school_beta"):
        target = make_class(grade=8, name="接收2班")
    connection.set_schema_to_public()
    bad = receiver.post(
        f"/api/v1/record-transfers/received/{mine[0]['id']}/accept/",
        {"school_class": str(uuid4())},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "school_class" in bad.json()["error"]["fields"]
    accepted = receiver.post(
        f"/api/v1/record-transfers/received/{mine[0]['id']}/accept/",
        {"school_class": str(target.public_id)},
        content_type="application/json",
    )
    assert (
        accepted.status_code == 200 and accepted.json()["status"] == "accepted" and accepted.json()["student"]
    )
    assert_matches_schema(accepted)
    again = receiver.post(
        f"/api/v1/record-transfers/received/{mine[0]['id']}/accept/",
        {"school_class": str(target.public_id)},
        content_type="application/json",
    )
    assert again.status_code == 400
    receipt = sender.get(f"/api/v1/record-transfers/sent/{sent.json()['id']}/")
    assert (
        receipt.status_code == 200
        and receipt.json()["status"] == "accepted"
        and receipt.json()["accepted_by_name"]
    )
