"""The student-care record endpoints in the role matrix (tests/workspace/test_api_matrix.py)."""

import uuid

from django.utils import timezone

from tenants.care import record_services
from tenants.care.audit import audit
from tenants.care.services import attention_set
from tests.conftest import role_user
from tests.support.matrix import Endpoint
from tests.support.students import make_student

CARE_TEAM = {"psychology_teacher", "counselor"}
STATUS_READERS = {"principal", *CARE_TEAM}
ROSTER_MANAGERS = {"principal", "secretary", *CARE_TEAM}


def make_record():
    student = make_student()
    attention_set(
        student=student, level="attention", reason="近两周情绪低落，作业拖欠", actor=role_user("counselor")
    )
    return student


def make_observation():
    return record_services.observation_create(
        actor=role_user("homeroom_teacher"),
        student=make_student(),
        kind="observation",
        observed_on=timezone.localdate(),
        text="课间常独自坐在座位上，不与同学交流",
    )


def observation_payload():
    return {
        "student": str(make_student().public_id),
        "kind": "referral",
        "observed_on": str(timezone.localdate()),
        "text": "最近上课哭过两次，建议心理老师约谈",
    }


def make_consent():
    student = make_student()
    return record_services.consent_record(
        actor=role_user("secretary"),
        student=student,
        status="granted",
        guardian_name=student.guardian_name,
        recorded_on=timezone.localdate(),
    )


def consent_payload():
    student = make_student()
    return {
        "student": str(student.public_id),
        "status": "granted",
        "guardian_name": student.guardian_name,
        "recorded_on": str(timezone.localdate()),
        "note": "家长会现场签字",
    }


def make_audit_event():
    return audit(actor=role_user("counselor"), action="view", subject="care.record", student=make_student())


def make_received():
    import json

    from tenants.care.models import IncomingTransfer
    from tenants.care.transfer import digest_of

    package = json.dumps(
        {"student": {"student_number": "T1"}, "screenings": [], "attention": {"level": "none"}},
        ensure_ascii=False,
    )
    return IncomingTransfer.objects.create(
        from_school_code="beta",
        from_school_name="测试学校beta",
        outgoing_ref=uuid.uuid4(),
        student_number=f"T{uuid.uuid4().hex[:8]}",
        student_name="转入学生",
        package=package,
        digest=digest_of(package),
    )


def make_sent():
    from tenants.care.models import OutgoingTransfer

    return OutgoingTransfer.objects.create(
        student_ref=uuid.uuid4(),
        student_number=f"S{uuid.uuid4().hex[:8]}",
        to_school_code="beta",
        to_school_name="测试学校beta",
        digest="0" * 64,
        created_by=role_user("counselor"),
    )


ENDPOINTS = [
    Endpoint(
        name="record-transfers-received",
        url="/api/v1/record-transfers/received/",
        make=make_received,
        payload=lambda: {},
        read=CARE_TEAM,
        create=set(),
        patch=None,
        deletable=False,
    ),
    Endpoint(
        name="record-transfers-sent",
        url="/api/v1/record-transfers/sent/",
        make=make_sent,
        payload=lambda: {},
        read=CARE_TEAM,
        create=set(),
        patch=None,
        deletable=False,
    ),
    Endpoint(
        name="care-records",
        url="/api/v1/care-records/",
        make=make_record,
        payload=lambda: {},
        read=STATUS_READERS,
        create=set(),
        patch=None,
        deletable=False,
    ),
    Endpoint(
        name="observations",
        url="/api/v1/observations/",
        make=make_observation,
        payload=observation_payload,
        read={*CARE_TEAM, "homeroom_teacher"},
        create={"homeroom_teacher"},
        change=CARE_TEAM,
        patch=lambda o: {"acknowledged": True},
        deletable=False,
    ),
    Endpoint(
        name="consents",
        url="/api/v1/consents/",
        make=make_consent,
        payload=consent_payload,
        read=ROSTER_MANAGERS,
        create=ROSTER_MANAGERS,
        patch=None,
        deletable=False,
    ),
    Endpoint(
        name="audit-events",
        url="/api/v1/audit-events/",
        make=make_audit_event,
        payload=lambda: {},
        read={"principal"},
        create=set(),
        patch=None,
        deletable=False,
    ),
]
