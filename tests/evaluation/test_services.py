"""Services and selectors of 监督评估: real numbers, rules refused by field, nothing half-saved."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_tenants.utils import schema_context

from shared.links import link_expiry, new_link_token
from tenants.evaluation import selectors, services
from tenants.evaluation.models import (
    Answer,
    AnswerLink,
    Commendation,
    ImprovementAction,
    Indicator,
    IndicatorScore,
    Response,
    SelfAssessment,
)
from tenants.ledger.models import Task, TaskStatus
from tests.conftest import role_user
from tests.evaluation import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def alpha():
    with schema_context("school_alpha"):
        yield


# ---------------------------------------------------------------------------------------------
# Indicators and self-assessments


def test_weighted_score_points_and_coverage(alpha):
    assessment, _ = f.assessment_with([80, 90, 100], weights=(50, 30, 20))
    totals = selectors.assessment_totals(assessment)
    # (80×50 + 90×30 + 100×20) / 100 = 87.0
    assert totals.weighted_score == Decimal("87.0")
    assert totals.points == Decimal("87.0") and totals.points_possible == Decimal("100.0")
    assert (totals.scored, totals.indicators, totals.complete) == (3, 3, True)


def test_weighted_score_of_a_partial_assessment_uses_the_scored_indicators(alpha):
    assessment, _ = f.assessment_with([80, 90, None], weights=(50, 30, 20))
    totals = selectors.assessment_totals(assessment)
    # (4000 + 2700) / 80 = 83.75 → 83.8; points 67.0 of 100
    assert totals.weighted_score == Decimal("83.8")
    assert totals.points == Decimal("67.0")
    assert (totals.scored, totals.indicators, totals.complete) == (2, 3, False)


def test_all_zero_weights_fall_back_to_the_mean(alpha):
    assessment, _ = f.assessment_with([60, 75], weights=(0, 0))
    assert selectors.assessment_totals(assessment).weighted_score == Decimal("67.5")


def test_no_scores_means_no_score(alpha):
    assessment, _ = f.assessment_with([None, None], weights=(1, 1))
    totals = selectors.assessment_totals(assessment)
    assert totals.weighted_score is None and totals.points is None and totals.scored == 0


def test_score_out_of_range_or_of_another_set_is_refused_and_nothing_is_saved(alpha):
    indicator_set, (ind,) = f.indicator_set_with([(10, "开课率")], name="指标甲")
    _, (foreign,) = f.indicator_set_with([(10, "咨询室开放")], name="指标乙")
    before = SelfAssessment.objects.count()
    for bad in (
        {"indicator": ind, "score": Decimal("100.5")},
        {"indicator": ind, "score": Decimal("-1")},
        {"indicator": foreign, "score": Decimal("50")},
    ):
        with pytest.raises(ValidationError) as raised:
            services.assessment_create(
                actor=role_user("principal"),
                indicator_set=indicator_set,
                school_year="2026-2027",
                term="first",
                assessed_on=date(2026, 12, 1),
                scores=[bad],
            )
        assert "scores" in raised.value.message_dict
    assert SelfAssessment.objects.count() == before
    assert not IndicatorScore.objects.filter(indicator=ind).exists()


def test_the_database_refuses_a_score_above_100(alpha):
    assessment, (ind, *_) = f.assessment_with([50, 50, 50])
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorScore.objects.filter(assessment=assessment, indicator=ind).update(score=Decimal("120"))


def test_one_assessment_per_set_and_period(alpha):
    assessment, _ = f.assessment_with([70, 70, 70])
    with pytest.raises(ValidationError) as raised:
        services.assessment_create(
            actor=role_user("principal"),
            indicator_set=assessment.indicator_set,
            school_year="2026-2027",
            term="first",
            assessed_on=date(2026, 12, 25),
        )
    assert "term" in raised.value.message_dict
    second = services.assessment_create(
        actor=role_user("principal"),
        indicator_set=assessment.indicator_set,
        school_year="2026-2027",
        term="second",
        assessed_on=date(2027, 6, 25),
    )
    assert second.period.startswith("2026-2027")


def test_school_year_must_be_two_consecutive_years(alpha):
    indicator_set, _ = f.indicator_set_with([(1, "a")], name="学年校验")
    with pytest.raises(ValidationError) as raised:
        services.assessment_create(
            actor=role_user("principal"),
            indicator_set=indicator_set,
            school_year="2026-2028",
            term="first",
            assessed_on=date(2026, 12, 1),
        )
    assert "school_year" in raised.value.message_dict


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"target_value": Decimal("100"), "target_text": "全覆盖"}, "target_text"),
        ({}, "target_value"),
        ({"target_text": "制度健全", "target_unit": "%"}, "target_unit"),
        ({"target_value": Decimal("2"), "weight": Decimal("-1")}, "weight"),
    ],
)
def test_indicator_rules_are_named_by_field(alpha, fields, field):
    indicator_set, _ = f.indicator_set_with([], name="规则校验")
    with pytest.raises(ValidationError) as raised:
        services.indicator_create(
            actor=role_user("principal"), indicator_set=indicator_set, name="x", **fields
        )
    assert field in raised.value.message_dict
    assert not Indicator.objects.filter(indicator_set=indicator_set).exists()


def test_indicator_targets_display(alpha):
    indicator_set, _ = f.indicator_set_with([], name="目标显示")
    number = services.indicator_create(
        actor=role_user("principal"),
        indicator_set=indicator_set,
        name="开课率",
        target_value="100",
        target_unit="%",
    )
    text = services.indicator_create(
        actor=role_user("principal"), indicator_set=indicator_set, name="制度", target_text="建立危机干预制度"
    )
    assert number.target_display == "100 %" and number.order == 1
    assert text.target_display == "建立危机干预制度" and text.order == 2


def test_indicator_names_are_unique_within_a_set(alpha):
    indicator_set, (first, second) = f.indicator_set_with([(1, "开课率"), (1, "建档率")], name="重名校验")
    with pytest.raises(ValidationError) as raised:
        services.indicator_create(
            actor=role_user("principal"), indicator_set=indicator_set, name="开课率", target_text="x"
        )
    assert "name" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.indicator_update(second, actor=role_user("principal"), data={"name": "开课率"})
    assert "name" in raised.value.message_dict
    # Another set may use the same name.
    other, _ = f.indicator_set_with([(1, "开课率")], name="另一套指标")
    assert other.indicators.get().name == "开课率"


def test_a_scored_indicator_cannot_be_deleted(alpha):
    assessment, (ind, *_) = f.assessment_with([80, 80, 80])
    with pytest.raises(ValidationError):
        services.indicator_delete(ind, actor=role_user("principal"))
    assert Indicator.objects.filter(pk=ind.pk).exists()


# ---------------------------------------------------------------------------------------------
# Improvement actions → ledger tasks


def test_improvement_action_creates_a_ledger_task_with_its_owner_and_due_date(alpha):
    assessment, (ind, *_) = f.assessment_with([60, 90, 90])
    owner = role_user("psychology_teacher")
    action = services.improvement_action_create(
        actor=role_user("principal"),
        assessment=assessment,
        indicator=ind,
        title="增加心理咨询室开放时段",
        owner=owner,
        due_on=date(2027, 1, 20),
        description="每周增加两个午间时段",
    )
    task = Task.objects.get(pk=action.task_id)
    assert task.owner == owner and task.due_on == date(2027, 1, 20)
    assert task.title == "增加心理咨询室开放时段" and task.status == TaskStatus.TODO
    assert "每周增加两个午间时段" in task.description and task.created_by == role_user("principal")
    assert task.improvement_action == action


def test_changing_the_action_moves_the_task(alpha):
    assessment, _ = f.assessment_with([60, 90, 90])
    action = services.improvement_action_create(
        actor=role_user("principal"),
        assessment=assessment,
        title="整改一",
        owner=role_user("member"),
        due_on=date(2027, 1, 20),
    )
    services.improvement_action_update(
        action, actor=role_user("principal"), data={"owner": role_user("deputy"), "due_on": date(2027, 2, 1)}
    )
    task = Task.objects.get(pk=action.task_id)
    assert task.owner == role_user("deputy") and task.due_on == date(2027, 2, 1)


def test_an_invited_attendee_cannot_own_an_action_and_nothing_is_created(alpha):
    assessment, _ = f.assessment_with([60, 90, 90])
    tasks, actions = Task.objects.count(), ImprovementAction.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.improvement_action_create(
            actor=role_user("principal"),
            assessment=assessment,
            title="整改",
            owner=role_user("invited_attendee"),
            due_on=date(2027, 1, 20),
        )
    assert "owner" in raised.value.message_dict
    assert (Task.objects.count(), ImprovementAction.objects.count()) == (tasks, actions)


def test_due_date_before_the_assessment_is_refused_and_no_task_is_made(alpha):
    assessment, _ = f.assessment_with([60, 90, 90])
    tasks = Task.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.improvement_action_create(
            actor=role_user("principal"),
            assessment=assessment,
            title="整改",
            owner=role_user("member"),
            due_on=date(2026, 11, 1),
        )
    assert "due_on" in raised.value.message_dict
    assert Task.objects.count() == tasks


def test_deleting_an_action_cancels_its_open_task(alpha):
    assessment, _ = f.assessment_with([60, 90, 90])
    action = services.improvement_action_create(
        actor=role_user("principal"),
        assessment=assessment,
        title="整改",
        owner=role_user("member"),
        due_on=date(2027, 1, 20),
    )
    task_id = action.task_id
    services.improvement_action_delete(action, actor=role_user("principal"))
    assert Task.objects.get(pk=task_id).status == TaskStatus.CANCELLED
    with pytest.raises(ValidationError):
        # An assessment with actions cannot be deleted; without them it can.
        other = services.improvement_action_create(
            actor=role_user("principal"),
            assessment=assessment,
            title="整改二",
            owner=role_user("member"),
            due_on=date(2027, 1, 20),
        )
        services.assessment_delete(assessment, actor=role_user("principal"))
    services.improvement_action_delete(other, actor=role_user("principal"))
    services.assessment_delete(assessment, actor=role_user("principal"))
    assert not SelfAssessment.objects.filter(pk=assessment.pk).exists()


# ---------------------------------------------------------------------------------------------
# Questionnaires


def test_a_questionnaire_opens_only_with_questions(alpha):
    q = services.questionnaire_create(actor=role_user("principal"), title="空问卷", audience="staff")
    with pytest.raises(ValidationError) as raised:
        services.questionnaire_update(q, actor=role_user("principal"), data={"status": "open"})
    assert "status" in raised.value.message_dict
    q.refresh_from_db()
    assert q.status == "draft"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"kind": "single", "options": ["唯一选项"]}, "options"),
        ({"kind": "multiple", "options": ["甲", "甲"]}, "options"),
        ({"kind": "text", "options": ["甲", "乙"]}, "options"),
        ({"kind": "scale", "scale_min": 5, "scale_max": 1}, "scale_max"),
        ({"kind": "scale", "scale_max": 5}, "scale_min"),
        ({"kind": "text", "max_length": 5000}, "max_length"),
    ],
)
def test_question_rules(alpha, kwargs, field):
    q = services.questionnaire_create(actor=role_user("principal"), title="规则", audience="students")
    with pytest.raises(ValidationError) as raised:
        services.question_create(actor=role_user("principal"), questionnaire=q, text="问题", **kwargs)
    assert field in raised.value.message_dict
    assert not q.questions.exists()


def test_questions_are_frozen_once_open(alpha):
    q, single, *_ = f.survey()
    with pytest.raises(ValidationError) as raised:
        services.question_update(single, actor=role_user("principal"), data={"text": "改题"})
    assert "questionnaire" in raised.value.message_dict
    with pytest.raises(ValidationError):
        services.question_create(actor=role_user("principal"), questionnaire=q, kind="text", text="新题")


def test_question_move_swaps_order(alpha):
    q, single, multiple, scale, text = f.survey(status="draft")
    services.question_move(scale, actor=role_user("principal"), up=True)
    assert list(q.questions.order_by("order").values_list("text", flat=True)) == [
        single.text,
        scale.text,
        multiple.text,
        text.text,
    ]


def test_links_are_random_and_bulk_generated(alpha):
    q, *_ = f.survey()
    links = services.links_generate(
        actor=role_user("principal"), questionnaire=q, count=40, label="初一(3)班"
    )
    tokens = {link.token for link in links}
    assert len(tokens) == 40 and all(len(t) >= 32 for t in tokens)
    assert links[0].label == "初一(3)班 #1" and links[-1].label == "初一(3)班 #40"
    with pytest.raises(ValidationError) as raised:
        services.links_generate(actor=role_user("principal"), questionnaire=q, count=0)
    assert "count" in raised.value.message_dict
    with pytest.raises(ValidationError):
        services.links_generate(
            actor=role_user("principal"), questionnaire=q, count=services.MAX_LINKS_PER_BATCH + 1
        )
    assert q.links.count() == 40


def _good(single, multiple, scale, text, choice=0, picks=(0,), value=4, words="很好"):
    return {
        str(single.public_id): [f.option_ids(single)[choice]],
        str(multiple.public_id): [f.option_ids(multiple)[i] for i in picks],
        str(scale.public_id): [str(value)],
        str(text.public_id): [words] if words else [],
    }


def test_a_link_answers_once(alpha):
    q, single, multiple, scale, text = f.survey()
    (link,) = f.links(q, 1)
    response = services.response_submit(
        token=link.token, answers=_good(single, multiple, scale, text, picks=(0, 2))
    )
    assert response.answers.count() == 5  # one single, two multiple, one scale, one text
    with pytest.raises(services.LinkAlreadyUsed):
        services.response_submit(token=link.token, answers=_good(single, multiple, scale, text))
    assert Response.objects.filter(link=link).count() == 1


def test_the_database_allows_one_response_per_link(alpha):
    q, *_ = f.survey()
    (link,) = f.links(q, 1)
    from django.utils import timezone

    Response.objects.create(questionnaire=q, link=link, submitted_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(questionnaire=q, link=link, submitted_at=timezone.now())


def test_bad_answers_are_named_by_question_and_nothing_is_saved(alpha):
    q, single, multiple, scale, text = f.survey()
    _, _, other_multiple, _, _ = f.survey()
    (link,) = f.links(q, 1)
    bad = {
        str(single.public_id): [],  # required, missing
        str(multiple.public_id): [f.option_ids(other_multiple)[0]],  # option of another question
        str(scale.public_id): ["6"],  # out of 1..5
        str(text.public_id): ["字" * 51],  # longer than 50
    }
    with pytest.raises(ValidationError) as raised:
        services.response_submit(token=link.token, answers=bad)
    assert set(raised.value.message_dict) == {
        str(single.public_id),
        str(multiple.public_id),
        str(scale.public_id),
        str(text.public_id),
    }
    assert (
        not Response.objects.filter(link=link).exists()
        and not Answer.objects.filter(question=single).exists()
    )
    # Two options for a single-choice question are refused too.
    with pytest.raises(ValidationError) as raised:
        services.response_submit(
            token=link.token,
            answers={
                **_good(single, multiple, scale, text),
                str(single.public_id): f.option_ids(single),
            },
        )
    assert str(single.public_id) in raised.value.message_dict
    # And the link still works afterwards.
    services.response_submit(token=link.token, answers=_good(single, multiple, scale, text))
    assert Response.objects.filter(link=link).count() == 1


def test_a_draft_or_closed_questionnaire_takes_no_answers(alpha):
    q, single, multiple, scale, text = f.survey(status="closed")
    token, hashed = new_link_token()  # links_generate refuses a closed questionnaire
    AnswerLink.objects.create(questionnaire=q, token_hash=hashed, expires_at=link_expiry())
    with pytest.raises(services.QuestionnaireNotOpen):
        services.response_submit(token=token, answers=_good(single, multiple, scale, text))
    assert not Response.objects.filter(questionnaire=q).exists()


def test_summary_counts_percents_means_and_texts(alpha):
    q, single, multiple, scale, text = f.survey()
    answers = [
        dict(choice=0, picks=(0, 1), value=5, words="希望多办讲座"),
        dict(choice=0, picks=(0,), value=4, words=""),
        dict(choice=1, picks=(2,), value=3, words="孩子压力大"),
        dict(choice=0, picks=(), value=5, words=""),
        dict(choice=1, picks=(0, 1, 2), value=1, words="无"),
    ]
    for link, kwargs in zip(f.links(q, 6)[:5], answers, strict=True):
        services.response_submit(token=link.token, answers=_good(single, multiple, scale, text, **kwargs))

    summary = selectors.questionnaire_summary(q, include_texts=True)
    assert (summary.responses, summary.links) == (5, 6)
    s_single, s_multiple, s_scale, s_text = summary.questions
    assert s_single.answered == 5
    assert [(o["option"].text, o["count"], o["percent"]) for o in s_single.options] == [
        ("参加过", 3, Decimal("60.0")),
        ("没有参加", 2, Decimal("40.0")),
    ]
    # Four people answered the optional multiple-choice question; percents are of those four.
    assert s_multiple.answered == 4
    assert [(o["count"], o["percent"]) for o in s_multiple.options] == [
        (3, Decimal("75.0")),
        (2, Decimal("50.0")),
        (2, Decimal("50.0")),
    ]
    # Scale: 5, 4, 3, 5, 1 → mean 3.6
    assert s_scale.mean == Decimal("3.6")
    assert [(s["value"], s["count"]) for s in s_scale.scale] == [(1, 1), (2, 0), (3, 1), (4, 1), (5, 2)]
    assert s_scale.scale[4]["percent"] == Decimal("40.0")
    assert s_text.answered == 3 and s_text.texts == ["希望多办讲座", "孩子压力大", "无"]

    # Readers get the same numbers without the text answers.
    hidden = selectors.questionnaire_summary(q, include_texts=False)
    assert hidden.questions[3].texts == [] and hidden.questions[2].mean == Decimal("3.6")


def test_a_questionnaire_with_answers_cannot_be_deleted_or_go_back_to_draft(alpha):
    q, single, multiple, scale, text = f.survey()
    (link,) = f.links(q, 1)
    services.response_submit(token=link.token, answers=_good(single, multiple, scale, text))
    with pytest.raises(ValidationError):
        services.questionnaire_delete(q, actor=role_user("principal"))
    with pytest.raises(ValidationError) as raised:
        services.questionnaire_update(q, actor=role_user("principal"), data={"status": "draft"})
    assert "status" in raised.value.message_dict
    with pytest.raises(ValidationError):
        services.link_delete(link, actor=role_user("principal"))


# ---------------------------------------------------------------------------------------------
# Commendations


def test_commendation_recipient_is_an_account_or_a_name(alpha):
    principal = role_user("principal")
    base = dict(actor=principal, title="优秀班主任", awarded_on=date(2026, 12, 30), reason="关爱学生")
    staff = services.commendation_create(recipient_user=role_user("homeroom_teacher"), level="city", **base)
    assert staff.recipient_display == role_user("homeroom_teacher").display_name
    named = services.commendation_create(recipient_name="初二(1)班", **base)
    assert named.recipient_display == "初二(1)班" and named.level == "school"
    count = Commendation.objects.count()
    for bad, field in (
        ({}, "recipient_name"),
        ({"recipient_user": role_user("member"), "recipient_name": "初二(1)班"}, "recipient_name"),
        ({"recipient_user": role_user("invited_attendee")}, "recipient_user"),
        ({"recipient_name": "x", "level": "nation"}, "level"),
    ):
        with pytest.raises(ValidationError) as raised:
            services.commendation_create(**base, **bad)
        assert field in raised.value.message_dict
    assert Commendation.objects.count() == count
    # Switching to a named recipient clears the account.
    services.commendation_update(staff, actor=principal, data={"recipient_name": "心理教研组"})
    staff.refresh_from_db()
    assert staff.recipient_user is None and staff.recipient_display == "心理教研组"
