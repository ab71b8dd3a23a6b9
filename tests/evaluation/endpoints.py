"""The evaluation endpoints in the role matrix (tests/workspace/test_api_matrix.py)."""

import uuid
from datetime import date
from decimal import Decimal

from tenants.evaluation import services
from tests.conftest import role_user
from tests.support.matrix import Endpoint

MANAGERS = {"principal", "secretary"}
STAFF = {"principal", "deputy", "member", "secretary", "psychology_teacher", "counselor", "homeroom_teacher"}


def _suffix() -> str:
    return uuid.uuid4().hex[:6]


def make_set():
    return services.indicator_set_create(
        actor=role_user("principal"), name=f"心理健康教育工作评估指标{_suffix()}"
    )


def make_indicator(indicator_set=None):
    return services.indicator_create(
        actor=role_user("principal"),
        indicator_set=indicator_set or make_set(),
        name="心理咨询室每周开放时长",
        target_value=Decimal("10"),
        target_unit="小时/周",
        weight=Decimal("20"),
    )


def make_assessment():
    indicator = make_indicator()
    return services.assessment_create(
        actor=role_user("principal"),
        indicator_set=indicator.indicator_set,
        school_year="2026-2027",
        term="first",
        assessed_on=date(2026, 12, 20),
        scores=[{"indicator": indicator, "score": Decimal("80"), "evidence": "值班记录"}],
    )


def assessment_payload():
    indicator = make_indicator()
    return {
        "indicator_set": str(indicator.indicator_set.public_id),
        "school_year": "2026-2027",
        "term": "first",
        "assessed_on": "2026-12-20",
        "summary": "本学期自评",
        "scores": [{"indicator": str(indicator.public_id), "score": "85.5", "evidence": "开放登记表"}],
    }


def make_action():
    return services.improvement_action_create(
        actor=role_user("principal"),
        assessment=make_assessment(),
        title="延长心理咨询室开放时间",
        owner=role_user("member"),
        due_on=date(2027, 1, 15),
    )


def action_payload():
    return {
        "assessment": str(make_assessment().public_id),
        "title": "补充心理健康教育档案",
        "owner": str(role_user("psychology_teacher").public_id),
        "due_on": "2027-01-10",
    }


def make_questionnaire():
    return services.questionnaire_create(
        actor=role_user("principal"), title="家长心理健康教育满意度调查", audience="parents"
    )


def make_question():
    return services.question_create(
        actor=role_user("principal"),
        questionnaire=make_questionnaire(),
        kind="single",
        text="您是否参加过学校的家庭讲座？",
        options=["参加过", "没有参加"],
    )


def make_link():
    question = make_question()
    (link,) = services.links_generate(
        actor=role_user("principal"), questionnaire=question.questionnaire, count=1
    )
    return link


def make_commendation():
    return services.commendation_create(
        actor=role_user("principal"),
        title="心理健康教育先进个人",
        recipient_user=role_user("psychology_teacher"),
        awarded_on=date(2026, 12, 30),
        reason="全年开展团体辅导二十余次",
        level="district",
    )


ENDPOINTS = [
    Endpoint(
        name="evaluation_indicator_sets",
        url="/api/v1/indicator-sets/",
        make=make_set,
        payload=lambda: {"name": f"年度评估指标{_suffix()}", "description": "依据区教育局评估方案制定"},
        read=STAFF,
        create=MANAGERS,
        patch=lambda obj: {"description": "修订版"},
    ),
    Endpoint(
        name="evaluation_indicators",
        url="/api/v1/indicators/",
        make=make_indicator,
        payload=lambda: {
            "indicator_set": str(make_set().public_id),
            "name": "心理健康课开课率",
            "target_value": "100",
            "target_unit": "%",
            "weight": "15",
        },
        read=STAFF,
        create=MANAGERS,
        patch=lambda obj: {"weight": "25"},
    ),
    Endpoint(
        name="evaluation_assessments",
        url="/api/v1/self-assessments/",
        make=make_assessment,
        payload=assessment_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda obj: {"summary": "已复核"},
    ),
    Endpoint(
        name="evaluation_actions",
        url="/api/v1/improvement-actions/",
        make=make_action,
        payload=action_payload,
        read=STAFF,
        create=MANAGERS,
        patch=lambda obj: {"title": "延长心理咨询室开放时间至每周12小时"},
    ),
    Endpoint(
        name="evaluation_questionnaires",
        url="/api/v1/questionnaires/",
        make=make_questionnaire,
        payload=lambda: {"title": "学生心理健康需求调查", "audience": "students", "intro": "匿名填写"},
        read=STAFF,
        create=MANAGERS,
        patch=lambda obj: {"intro": "本问卷匿名，约需5分钟"},
    ),
    Endpoint(
        name="evaluation_questions",
        url="/api/v1/questionnaire-questions/",
        make=make_question,
        payload=lambda: {
            "questionnaire": str(make_questionnaire().public_id),
            "kind": "scale",
            "text": "您对学校心理健康教育工作的满意程度",
            "scale_min": 1,
            "scale_max": 5,
            "scale_min_label": "很不满意",
            "scale_max_label": "非常满意",
        },
        read=STAFF,
        create=MANAGERS,
        patch=lambda obj: {"text": "您的孩子是否参加过学校的家庭讲座？"},
    ),
    Endpoint(
        name="evaluation_links",
        url="/api/v1/questionnaire-links/",
        make=make_link,
        payload=lambda: {"questionnaire": str(make_questionnaire().public_id), "label": "初一(1)班家长"},
        read=MANAGERS,
        create=MANAGERS,
        patch=lambda obj: {"label": "初一(2)班家长"},
    ),
    Endpoint(
        name="evaluation_commendations",
        url="/api/v1/commendations/",
        make=make_commendation,
        payload=lambda: {
            "title": "优秀心理委员",
            "recipient_name": "初二(3)班 李明",
            "awarded_on": "2027-01-08",
            "reason": "主动关心同学，及时报告异常情况",
            "level": "school",
        },
        read=STAFF,
        create=MANAGERS,
        patch=lambda obj: {"level": "city"},
    ),
]
