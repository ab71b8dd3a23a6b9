"""The crisis endpoints in the role matrix (tests/workspace/test_api_matrix.py)."""

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from tenants.crisis import services
from tenants.crisis.models import TimeLimit
from tests.conftest import role_user
from tests.support.matrix import Endpoint
from tests.support.students import make_student

STAFF = {"principal", "deputy", "member", "secretary", "psychology_teacher", "counselor", "homeroom_teacher"}
CARE_TEAM = {"psychology_teacher", "counselor"}
STATUS_READERS = {"principal", *CARE_TEAM}


def make_case():
    return services.case_open(
        student=make_student(),
        level="high",
        identified_how="observation",
        actor=role_user("counselor"),
        narrative="课间在走廊哭泣，说不想活了",
    )


def case_payload():
    return {
        "student": str(make_student().public_id),
        "level": "medium",
        "identified_how": "self_report",
        "narrative": "主动到心理辅导室求助",
    }


def make_plan():
    return services.plan_create(
        actor=role_user("principal"),
        title=f"校园心理危机干预预案·{uuid.uuid4().hex[:4]}",
        version="1.0",
        effective_on=timezone.localdate(),
        body="一、组织领导……",
    )


def plan_payload():
    return {
        "title": "学生心理危机应急处置流程",
        "version": "2.1",
        "effective_on": str(timezone.localdate()),
        "body": "发现→报告→评估→干预→通知监护人→转介→跟踪",
    }


def make_limit():
    # A limit of its own: the seeded defaults are copied into every new school with the same ids.
    limit, _created = TimeLimit.objects.update_or_create(
        level="low", step="follow_up", defaults={"minutes": 20160}
    )
    return limit


def _some_day():
    return timezone.localdate() + timedelta(days=random.randint(400, 4000))


def make_duty():
    return services.duty_assign(
        actor=role_user("principal"), user=role_user("counselor"), on_date=_some_day()
    )


def duty_payload():
    return {"user": str(role_user("psychology_teacher").public_id), "on_date": str(_some_day())}


ENDPOINTS = [
    Endpoint(
        name="crisis-cases",
        url="/api/v1/crisis-cases/",
        make=make_case,
        payload=case_payload,
        read=STATUS_READERS,
        create=CARE_TEAM,
        patch=lambda c: {"narrative": "补充：已与班主任核实"},
        deletable=False,
    ),
    Endpoint(
        name="emergency-plans",
        url="/api/v1/emergency-plans/",
        make=make_plan,
        payload=plan_payload,
        read=STAFF,
        create=STATUS_READERS,
        patch=lambda p: {"version": "1.1"},
    ),
    Endpoint(
        name="crisis-time-limits",
        url="/api/v1/crisis-time-limits/",
        make=make_limit,
        payload=lambda: {"minutes": 30},
        read=STATUS_READERS,
        create=set(),
        change=STATUS_READERS,
        patch=lambda t: {"minutes": 45},
        deletable=False,
    ),
    Endpoint(
        name="duty-assignments",
        url="/api/v1/duty-assignments/",
        make=make_duty,
        payload=duty_payload,
        read=STATUS_READERS,
        create=STATUS_READERS,
    ),
]
