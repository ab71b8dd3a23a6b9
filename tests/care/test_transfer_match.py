"""Issue 8, point 3.9: before a received record is accepted, the page and the API show which
student it attaches to (same student number, archived ones included) and what the attention level
will be; accepting never lowers a level: the higher one stays and a lower received level is
written into the level's history."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenants.care.models import AttentionChange, CareRecord, IncomingTransfer
from tenants.care.selectors import timeline
from tenants.care.services import attention_set
from tenants.care.transfer import transfer_send
from tenants.students.models import ClassMove, Student
from tenants.students.services import student_archive
from tests.conftest import BETA, api_client, role_user, signed_in
from tests.support.openapi import assert_matches_schema
from tests.support.students import make_class, make_student

pytestmark = pytest.mark.django_db


def _send(number: str, level: str, name: str = "甲转学") -> IncomingTransfer:
    with schema_context("school_alpha"):
        student = make_student(name=name, student_number=number)
        attention_set(student=student, level=level, reason="转出前评估", actor=role_user("counselor"))
        outgoing = transfer_send(student=student, to_school_code="beta", actor=role_user("counselor"))
    with schema_context("school_beta"):
        incoming = IncomingTransfer.objects.get(outgoing_ref=outgoing.public_id)
    connection.set_schema_to_public()
    return incoming


def test_an_archived_match_in_crisis_is_shown_and_keeps_its_level():
    with schema_context("school_beta"):
        old_class = make_class(grade=8, name="原班级M1")
        new_class = make_class(grade=8, name="转入班M1")
        existing = make_student(school_class=old_class, name="甲转学", student_number="TRM0001")
        attention_set(student=existing, level="crisis", reason="危机评估", actor=role_user("counselor"))
        student_archive(existing, actor=role_user("secretary"), reason="转学离校")
    connection.set_schema_to_public()
    incoming = _send("TRM0001", "attention")

    # The page shows the match and the level outcome before accepting.
    counselor = signed_in(BETA, "r_counselor")
    page = counselor.get(f"/care/records/transfers/{incoming.public_id}/")
    assert page.status_code == 200
    assert page.context["match"].pk == existing.pk
    body = page.content.decode()
    assert 'id="transfer-match"' in body and "TRM0001" in body and "原班级M1" in body
    assert "该学生已归档" in body
    assert "转来：关注；本校当前：危机；接收后：危机。" in body and "转档不会降低关注等级" in body
    assert page.context["form"].initial["school_class"] == old_class.pk

    # The API says the same.
    api = api_client(BETA, "r_counselor")
    detail = api.get(f"/api/v1/record-transfers/received/{incoming.public_id}/")
    assert detail.status_code == 200
    assert_matches_schema(detail)
    data = detail.json()
    assert data["match"]["id"] == str(existing.public_id) and data["match"]["archived"] is True
    assert data["match"]["class_name"] == "原班级M1"
    assert data["attention"] == {
        "received": "attention",
        "current": "crisis",
        "after": "crisis",
        "kept": True,
    }

    accepted = api.post(
        f"/api/v1/record-transfers/received/{incoming.public_id}/accept/",
        {"school_class": str(new_class.public_id)},
        content_type="application/json",
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["student"] == str(existing.public_id)
    assert accepted.json()["match"] is None and accepted.json()["attention"] is None
    with schema_context("school_beta"):
        student = Student.objects.get(pk=existing.pk)
        assert student.status == "active" and student.school_class_id == new_class.pk
        assert ClassMove.objects.filter(student=student, to_class=new_class).count() == 1
        # The current level stays; the received one is in the history, not applied.
        assert CareRecord.objects.get(student=student).level == "crisis"
        kept = AttentionChange.objects.filter(student=student).order_by("-changed_at", "-id").first()
        assert (kept.from_level, kept.to_level) == ("crisis", "crisis")
        assert "关注" in kept.reason and "危机" in kept.reason
        titles = [entry.title for entry in timeline(student, clinical=True)]
        assert "关注等级保持：危机" in titles
    connection.set_schema_to_public()


def test_no_match_makes_a_new_student_and_a_higher_level_is_set():
    with schema_context("school_beta"):
        target = make_class(grade=8, name="转入班M2")
    connection.set_schema_to_public()
    incoming = _send("TRM0002", "high", name="乙转学")
    api = api_client(BETA, "r_counselor")
    data = api.get(f"/api/v1/record-transfers/received/{incoming.public_id}/").json()
    assert data["match"] is None
    assert data["attention"] == {"received": "high", "current": "none", "after": "high", "kept": False}
    page = signed_in(BETA, "r_counselor").get(f"/care/records/transfers/{incoming.public_id}/")
    assert "本校名册上没有这个学号" in page.content.decode()
    accepted = api.post(
        f"/api/v1/record-transfers/received/{incoming.public_id}/accept/",
        {"school_class": str(target.public_id)},
        content_type="application/json",
    )
    assert accepted.status_code == 200
    with schema_context("school_beta"):
        student = Student.objects.get(student_number="TRM0002")
        assert student.name == "乙转学" and student.school_class_id == target.pk
        assert CareRecord.objects.get(student=student).level == "high"


def test_an_active_match_with_a_lower_level_is_raised_to_the_received_one():
    with schema_context("school_beta"):
        cls = make_class(grade=8, name="本班M3")
        existing = make_student(school_class=cls, name="丙转学", student_number="TRM0003")
        attention_set(student=existing, level="attention", reason="日常", actor=role_user("counselor"))
    connection.set_schema_to_public()
    incoming = _send("TRM0003", "crisis", name="丙转学")
    api = api_client(BETA, "r_counselor")
    data = api.get(f"/api/v1/record-transfers/received/{incoming.public_id}/").json()
    assert data["match"]["archived"] is False
    assert data["attention"] == {
        "received": "crisis",
        "current": "attention",
        "after": "crisis",
        "kept": False,
    }
    accepted = api.post(
        f"/api/v1/record-transfers/received/{incoming.public_id}/accept/",
        {"school_class": str(cls.public_id)},
        content_type="application/json",
    )
    assert accepted.status_code == 200
    with schema_context("school_beta"):
        assert CareRecord.objects.get(student=existing).level == "crisis"
        assert not ClassMove.objects.filter(student=existing).exists()  # same class: no move
