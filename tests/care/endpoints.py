"""The student-care record endpoints in the role matrix (tests/workspace/test_api_matrix.py)."""


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
    attention_set(student=student, level="attention", reason="近两周情绪低落，作业拖欠", actor=role_user("counselor"))
    return student


def make_observation():
    return record_services.observation_create(
        actor=role_user("homeroom_teacher"), student=make_student(), kind="observation",
        observed_on=timezone.localdate(), text="课间常独自坐在座位上，不与同学交流",
    )


def observation_payload():
    return {"student": str(make_student().public_id), "kind": "referral",
            "observed_on": str(timezone.localdate()), "text": "最近上课哭过两次，建议心理老师约谈"}


def make_consent():
    student = make_student()
    return record_services.consent_record(
        actor=role_user("secretary"), student=student, status="granted", guardian_name=student.guardian_name,
        recorded_on=timezone.localdate(),
    )


def consent_payload():
    student = make_student()
    return {"student": str(student.public_id), "status": "granted", "guardian_name": student.guardian_name,
            "recorded_on": str(timezone.localdate()), "note": "家长会现场签字"}


def make_audit_event():
    return audit(actor=role_user("counselor"), action="view", subject="care.record", student=make_student())


ENDPOINTS = [
    Endpoint(name="care-records", url="/api/v1/care-records/", make=make_record, payload=lambda: {},
             read=STATUS_READERS, create=set(), patch=None, deletable=False),
    Endpoint(name="observations", url="/api/v1/observations/", make=make_observation, payload=observation_payload,
             read={*CARE_TEAM, "homeroom_teacher"}, create={"homeroom_teacher"}, change=CARE_TEAM,
             patch=lambda o: {"acknowledged": True}, deletable=False),
    Endpoint(name="consents", url="/api/v1/consents/", make=make_consent, payload=consent_payload,
             read=ROSTER_MANAGERS, create=ROSTER_MANAGERS, patch=None, deletable=False),
    Endpoint(name="audit-events", url="/api/v1/audit-events/", make=make_audit_event, payload=lambda: {},
             read={"principal"}, create=set(), patch=None, deletable=False),
]
