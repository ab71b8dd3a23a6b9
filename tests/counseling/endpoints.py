"""The counseling endpoints in the role matrix (tests/workspace/test_api_matrix.py): the care team
reads and writes; everyone else, the principal included, finds nothing. A plan's owner also reads
it: make() gives each plan a counselor as owner, so no other role owns it."""

from datetime import timedelta

from django.utils import timezone

from tenants.care.services import attention_set
from tenants.counseling import services
from tenants.counseling.selectors import school_today
from tests.conftest import role_user
from tests.directory.factories import district_entry
from tests.support.matrix import Endpoint
from tests.support.students import make_student

CARE_TEAM = {"psychology_teacher", "counselor"}


def make_session():
    return services.session_create(
        actor=role_user("counselor"),
        student=make_student(),
        counselor=role_user("counselor"),
        held_at=timezone.now() - timedelta(days=1),
        duration_minutes=45,
        category="study",
        notes="考试前失眠，讨论了放松方法。",
        follow_up_on=school_today() + timedelta(days=7),
    )


def session_payload():
    return {
        "student": str(make_student().public_id),
        "counselor": str(role_user("psychology_teacher").public_id),
        "held_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "duration_minutes": 50,
        "category": "emotion",
        "notes": "情绪低落两周，约定下周再谈。",
    }


def make_referral():
    return services.referral_create(
        actor=role_user("counselor"),
        student=make_student(),
        institution="市精神卫生中心",
        referred_on=school_today() - timedelta(days=3),
        reason="持续情绪低落，建议专科评估。",
    )


def referral_payload():
    return {
        "student": str(make_student().public_id),
        "institution_entry": str(district_entry("区人民医院心理科（测试）", "hospital").public_id),
        "referred_on": str(school_today()),
        "reason": "睡眠问题持续一个月。",
    }


def elevated_student():
    student = make_student()
    attention_set(student=student, level="elevated", reason="测评后重点关注", actor=role_user("counselor"))
    return student


def make_plan():
    return services.plan_create(
        actor=role_user("counselor"),
        student=elevated_student(),
        owner=role_user("counselor"),
        goals="两个月内恢复正常作息。",
        supports="每周一次个别辅导；班主任关注课堂状态。",
        starts_on=school_today(),
        review_every_days=14,
    )


def plan_payload():
    return {
        "student": str(elevated_student().public_id),
        "owner": str(role_user("counselor").public_id),
        "goals": "改善同伴关系。",
        "supports": "团体辅导；家校沟通。",
        "starts_on": str(school_today()),
        "review_every_days": 30,
    }


ENDPOINTS = [
    Endpoint(
        name="counseling-sessions",
        url="/api/v1/counseling-sessions/",
        make=make_session,
        payload=session_payload,
        read=CARE_TEAM,
        create=CARE_TEAM,
        deletable=False,
        patch=lambda s: {"duration_minutes": 60, "notes": "补充：家长已知情。"},
    ),
    Endpoint(
        name="medical-referrals",
        url="/api/v1/medical-referrals/",
        make=make_referral,
        payload=referral_payload,
        read=CARE_TEAM,
        create=CARE_TEAM,
        deletable=False,
        patch=lambda r: {"feedback": "医院诊断为轻度抑郁，门诊随访。", "feedback_on": str(school_today())},
    ),
    Endpoint(
        name="care-plans",
        url="/api/v1/care-plans/",
        make=make_plan,
        payload=plan_payload,
        read=CARE_TEAM,
        create=CARE_TEAM,
        deletable=False,
        patch=lambda p: {"supports": "每两周一次辅导。"},
    ),
]
