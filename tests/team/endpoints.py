from tests.support.matrix import Endpoint
from tests.team.factories import make_plan, make_record, make_staff

MANAGERS = {"principal", "secretary"}
STAFF = {"principal", "deputy", "member", "secretary", "psychology_teacher", "counselor", "homeroom_teacher"}


def staff_payload():
    return {
        "name": "李晓明",
        "position": "homeroom_teacher",
        "psychology_post": "part_time",
        "qualification": "心理健康教育教师资格（C证）",
        "certificate_number": "XL-2025-0032",
    }


def plan_payload():
    return {
        "title": "新教师心理健康素养提升研修",
        "school_year": "2026-2027",
        "audience": "new_teachers",
        "planned_hours": "12.0",
        "starts_on": "2026-10-01",
        "ends_on": "2026-12-31",
    }


def record_payload():
    return {
        "staff": str(make_staff(name="赵老师").public_id),
        "trained_on": "2026-11-05",
        "hours": "2.5",
        "title": "正面管教与班级心理氛围",
        "provider": "市心理健康教育指导中心",
    }


ENDPOINTS = [
    Endpoint(
        name="staff-members",
        url="/api/v1/staff-members/",
        make=make_staff,
        payload=staff_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda s: {"qualification": "国家二级心理咨询师"},
    ),
    Endpoint(
        name="training-plans",
        url="/api/v1/training-plans/",
        make=make_plan,
        payload=plan_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda p: {"planned_hours": "30.0"},
    ),
    Endpoint(
        name="training-records",
        url="/api/v1/training-records/",
        make=make_record,
        payload=record_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda r: {"hours": "4.0"},
    ),
]
