"""Objects of the evaluation area, made through the real services (call inside a school schema)."""

from datetime import date
from decimal import Decimal

from tenants.evaluation import services
from tests.conftest import role_user


def indicator_set_with(weights_and_names, name="心理健康教育工作评估指标"):
    principal = role_user("principal")
    indicator_set = services.indicator_set_create(actor=principal, name=name)
    indicators = [
        services.indicator_create(
            actor=principal,
            indicator_set=indicator_set,
            name=ind_name,
            target_value=Decimal("100"),
            target_unit="%",
            weight=Decimal(str(weight)),
        )
        for weight, ind_name in weights_and_names
    ]
    return indicator_set, indicators


def assessment_with(scores, weights=(50, 30, 20), name="心理健康教育工作评估指标"):
    indicator_set, indicators = indicator_set_with(
        [(w, f"指标{i + 1}") for i, w in enumerate(weights)], name=name
    )
    assessment = services.assessment_create(
        actor=role_user("principal"),
        indicator_set=indicator_set,
        school_year="2026-2027",
        term="first",
        assessed_on=date(2026, 12, 20),
        scores=[
            {"indicator": ind, "score": Decimal(str(score)), "evidence": f"证据{i}"}
            for i, (ind, score) in enumerate(zip(indicators, scores, strict=True))
            if score is not None
        ],
    )
    return assessment, indicators


def survey(status="open"):
    """A parents' questionnaire: single choice, multiple choice, a 1–5 scale and a text question."""
    principal = role_user("principal")
    q = services.questionnaire_create(
        actor=principal, title="家长满意度调查", audience="parents", intro="匿名填写"
    )
    single = services.question_create(
        actor=principal,
        questionnaire=q,
        kind="single",
        text="您是否参加过家庭讲座？",
        options=["参加过", "没有参加"],
    )
    multiple = services.question_create(
        actor=principal,
        questionnaire=q,
        kind="multiple",
        text="您希望学校提供哪些支持？",
        options=["亲子沟通讲座", "升学压力疏导", "个别咨询"],
        required=False,
    )
    scale = services.question_create(
        actor=principal,
        questionnaire=q,
        kind="scale",
        text="总体满意度",
        scale_min=1,
        scale_max=5,
        scale_min_label="很不满意",
        scale_max_label="非常满意",
    )
    text = services.question_create(
        actor=principal, questionnaire=q, kind="text", text="其他建议", required=False, max_length=50
    )
    if status != "draft":
        q = services.questionnaire_update(q, actor=principal, data={"status": "open"})
    if status == "closed":
        q = services.questionnaire_update(q, actor=principal, data={"status": "closed"})
    return q, single, multiple, scale, text


def option_ids(question):
    return [str(o.public_id) for o in question.options.order_by("order")]


def links(questionnaire, n):
    return services.links_generate(actor=role_user("principal"), questionnaire=questionnaire, count=n)
