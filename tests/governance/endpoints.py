"""Governance endpoints in the role matrix (tests/workspace/test_api_matrix.py). Action endpoints
(plan approve/start/close, key tasks, versions, submit, history) are tested in test_api.py."""

from datetime import date

from tenants.governance import services
from tests.conftest import role_user
from tests.support.matrix import Endpoint

MANAGERS = {"principal", "secretary"}
STAFF = {"principal", "deputy", "member", "secretary", "psychology_teacher", "counselor", "homeroom_teacher"}


def make_member():
    return services.member_add(
        actor=role_user("principal"),
        person=role_user("deputy"),
        role="deputy",
        department="moral",
        starts_on=date(2026, 9, 1),
        duties="分管德育与心理健康教育",
    )


def member_payload():
    return {
        "person": str(role_user("member").public_id),
        "role": "member",
        "department": "academic",
        "starts_on": "2026-09-01",
        "duties": "负责心理健康课程排课",
    }


def make_attendee():
    return services.attendee_add(
        actor=role_user("principal"),
        kind="parent",
        name="王海燕",
        affiliation="初二(3)班家长",
        starts_on=date(2026, 9, 1),
    )


def attendee_payload():
    return {
        "kind": "psychology_expert",
        "name": "李教授",
        "affiliation": "市师范大学心理学院",
        "starts_on": "2026-09-01",
    }


def make_plan():
    return services.plan_create(
        actor=role_user("principal"),
        title="2026-2027学年心理健康教育工作计划",
        school_year="2026-2027",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 7, 10),
        goals="建立健全心理健康教育工作机制。",
    )


def plan_payload():
    return {
        "title": "第一学期阶段性工作计划",
        "kind": "phase",
        "school_year": "2026-2027",
        "term": "first",
        "starts_on": "2026-09-01",
        "ends_on": "2027-01-20",
        "goals": "完成新生心理普查。",
    }


def make_rule():
    return services.rule_document_create(
        actor=role_user("principal"),
        title="心理咨询室管理制度",
        category="management",
        effective_on=date(2026, 9, 1),
        text="一、心理咨询室开放时间为每周一至周五。",
    )


def rule_payload():
    return {
        "title": "学生心理辅导转介工作流程",
        "category": "procedure",
        "effective_on": "2026-10-01",
        "text": "一、班主任发现异常及时报告心理教师。",
    }


def make_report():
    return services.report_create(
        actor=role_user("principal"),
        kind="monthly",
        title="2026年10月心理健康教育信息报告",
        school_year="2026-2027",
        term="first",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        due_on=date(2026, 11, 5),
    )


def report_payload():
    return {
        "kind": "monthly",
        "title": "2026年11月心理健康教育信息报告",
        "school_year": "2026-2027",
        "term": "first",
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "due_on": "2026-12-05",
    }


ENDPOINTS = [
    Endpoint(
        name="group-members",
        url="/api/v1/group-members/",
        make=make_member,
        payload=member_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda m: {"duties": "分管德育、学生事务"},
    ),
    Endpoint(
        name="group-attendees",
        url="/api/v1/group-attendees/",
        make=make_attendee,
        payload=attendee_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda a: {"note": "每学期列席两次"},
    ),
    Endpoint(
        name="plans",
        url="/api/v1/plans/",
        make=make_plan,
        payload=plan_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda p: {"goals": "建立健全心理健康教育工作机制，完成全员培训。"},
    ),
    Endpoint(
        name="rule-documents",
        url="/api/v1/rule-documents/",
        make=make_rule,
        payload=rule_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda d: {"category": "duties"},
        deletable=False,
    ),
    Endpoint(
        name="info-reports",
        url="/api/v1/info-reports/",
        make=make_report,
        payload=report_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda r: {"content": "本月开展心理健康讲座两场。"},
    ),
]
