"""The programs endpoints in the role matrix (tests/workspace/test_api_matrix.py)."""

import uuid
from datetime import timedelta

from django.utils import timezone

from tenants.programs import services
from tests.conftest import role_user
from tests.support.matrix import Endpoint

MANAGERS = {"principal", "secretary"}
STAFF = {"principal", "deputy", "member", "secretary", "psychology_teacher", "counselor", "homeroom_teacher"}


def _tag() -> str:
    return uuid.uuid4().hex[:6]


def make_unit():
    return services.curriculum_unit_create(
        actor=role_user("principal"),
        school_year="2026-2027",
        grade=7,
        title=f"认识自我·{_tag()}",
        objectives="了解自己的性格特点，学会悦纳自我",
        planned_sessions=4,
    )


def unit_payload():
    return {
        "school_year": "2026-2027",
        "grade": 8,
        "title": f"情绪管理·{_tag()}",
        "objectives": "识别情绪，学习两种以上的情绪调节方法",
        "planned_sessions": 3,
    }


def make_session():
    return services.class_session_create(
        actor=role_user("principal"),
        unit=make_unit(),
        class_name="七年级3班",
        held_on=timezone.localdate() - timedelta(days=2),
        teacher=role_user("psychology_teacher"),
        topic="我的性格五彩缤纷",
        notes="学生参与积极",
    )


def session_payload():
    return {
        "unit": str(make_unit().public_id),
        "class_name": "七年级1班",
        "held_on": str(timezone.localdate()),
        "teacher": str(role_user("psychology_teacher").public_id),
        "topic": "发现我的优点",
    }


def make_activity():
    return services.activity_create(
        actor=role_user("principal"),
        kind="lecture",
        title="青春期心理健康讲座",
        held_on=timezone.localdate(),
        organiser=role_user("psychology_teacher"),
        audience_grades=[7, 8],
        participant_count=320,
        description="邀请市心理卫生中心专家主讲",
    )


def activity_payload():
    # A themed class meeting without an organiser: the caller organises it, so a homeroom teacher may
    # create it too.
    return {
        "kind": "class_meeting",
        "title": "主题班会：学会与压力做朋友",
        "held_on": str(timezone.localdate()),
        "audience_classes": ["七年级3班"],
        "participant_count": 45,
    }


def make_lesson():
    return services.integration_lesson_create(
        actor=role_user("principal"),
        subject="chinese",
        teacher=role_user("member"),
        class_name="八年级2班",
        held_on=timezone.localdate(),
        topic="《背影》中的亲情与情感表达",
        reflection="学生能体会并表达对父母的情感",
    )


def lesson_payload():
    return {
        "subject": "pe",
        "teacher": str(role_user("member").public_id),
        "class_name": "九年级1班",
        "held_on": str(timezone.localdate()),
        "topic": "团队接力中的合作与信任",
    }


def make_campaign():
    today = timezone.localdate()
    return services.publicity_campaign_create(
        actor=role_user("principal"),
        channel="radio",
        title="“5·25”心理健康日广播专题",
        starts_on=today,
        ends_on=today + timedelta(days=6),
        audience="全校师生",
        reach=1200,
    )


def campaign_payload():
    today = timezone.localdate()
    return {
        "channel": "board",
        "title": "宣传栏：认识抑郁，消除偏见",
        "starts_on": str(today),
        "ends_on": str(today + timedelta(days=30)),
        "audience": "全校学生",
        "reach": 800,
    }


def make_parent_event():
    return services.parent_event_create(
        actor=role_user("principal"),
        kind="lecture",
        title="如何与青春期孩子沟通",
        held_on=timezone.localdate(),
        speaker="王敏（市家庭教育指导中心）",
        invited_count=300,
        attendance_count=268,
    )


def parent_event_payload():
    return {
        "kind": "training",
        "title": "家长心理健康素养培训（第一期）",
        "held_on": str(timezone.localdate()),
        "speaker": "学校心理教师",
        "invited_count": 60,
        "attendance_count": 52,
    }


ENDPOINTS = [
    Endpoint(
        name="curriculum-units",
        url="/api/v1/curriculum-units/",
        make=make_unit,
        payload=unit_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda u: {"planned_sessions": 6},
    ),
    Endpoint(
        name="class-sessions",
        url="/api/v1/class-sessions/",
        make=make_session,
        payload=session_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda s: {"notes": "补充：课后个别学生需关注"},
    ),
    # Homeroom teachers record themed class meetings: they may create; make() is organised by someone
    # else, so they may not change it.
    Endpoint(
        name="activities",
        url="/api/v1/activities/",
        make=make_activity,
        payload=activity_payload,
        read=STAFF,
        create=MANAGERS | {"homeroom_teacher"},
        change=MANAGERS,
        patch=lambda a: {"participant_count": 330},
    ),
    Endpoint(
        name="integration-lessons",
        url="/api/v1/integration-lessons/",
        make=make_lesson,
        payload=lesson_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda x: {"reflection": "需加强小组讨论"},
    ),
    Endpoint(
        name="publicity-campaigns",
        url="/api/v1/publicity-campaigns/",
        make=make_campaign,
        payload=campaign_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda c: {"reach": 1500},
    ),
    Endpoint(
        name="parent-events",
        url="/api/v1/parent-events/",
        make=make_parent_event,
        payload=parent_event_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda e: {"attendance_count": 270},
    ),
]
