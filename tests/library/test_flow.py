"""The library's use cases: propose (with the personal-data check), review, publish, import as a
real record in another school, counts."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django_tenants.utils import schema_context

from district.models import DistrictAuditEvent
from library import selectors, services
from library.models import ItemKind, ItemStatus, LibraryImport, LibraryItem
from tests.library.helpers import district_user, make_activity, propose, school, school_user

pytestmark = pytest.mark.django_db


def test_propose_review_publish_and_import_into_another_school():
    from tenants.programs.models import Activity

    activity = make_activity("alpha")
    item = propose("alpha", activity, tags="情绪 班会", summary="一节45分钟的主题班会。")
    assert item.status == ItemStatus.PENDING and item.school.code == "alpha"
    assert item.kind == ItemKind.ACTIVITY_DESIGN and item.content == {"activity_kind": "class_meeting"}
    assert item.grades == [7, 8] and item.tags == ["情绪", "班会"]
    assert item.source_id == activity.public_id and item.submitted_by == "r_principal"

    # Pending: the reviewer's queue has it, beta sees nothing of it, alpha sees its own.
    queue = selectors.review_queue()
    assert [(q["title"], q["school"]) for q in queue] == [("情绪管理主题班会", "测试学校alpha")]
    assert queue[0]["url"] == f"/library/review/{item.public_id}/"
    assert not selectors.items_for_school(school("beta")).filter(pk=item.pk).exists()
    assert selectors.items_for_school(school("alpha")).filter(pk=item.pk).exists()
    assert not selectors.published_items().filter(pk=item.pk).exists()

    reviewer = district_user("district_reviewer")
    services.proposal_approve(item, actor=reviewer)
    item.refresh_from_db()
    assert (
        item.status == ItemStatus.PUBLISHED
        and item.published_at
        and item.reviewed_by == "lib_district_reviewer"
    )
    assert item.source_name == "测试学校alpha"
    event = DistrictAuditEvent.objects.filter(action="library.approve", target=str(item.public_id)).get()
    assert event.actor == "lib_district_reviewer" and event.school.code == "alpha"
    assert selectors.review_queue() == []

    # Beta's principal imports it: a real Activity in beta's schema.
    with schema_context("school_beta"):
        bob = school_user("beta", "bob")
        before = Activity.objects.count()
        record = services.item_import(
            item, actor=bob, school=school("beta"), options={"held_on": date(2026, 11, 2)}
        )
        assert Activity.objects.count() == before + 1
        copy = Activity.objects.get(public_id=record.public_id)
        assert copy.title == "情绪管理主题班会" and copy.kind == "class_meeting"
        assert copy.description == "分组讨论情绪温度计，写下应对办法。" and copy.audience_grades == [7, 8]
        assert copy.organiser == bob and copy.held_on == date(2026, 11, 2) and copy.participant_count == 0
    connection.set_schema_to_public()
    item.refresh_from_db()
    assert item.import_count == 1
    assert (
        LibraryImport.objects.filter(item=item, school__code="beta", target_id=record.public_id).count() == 1
    )

    # After import the copy is beta's own: alpha's later edit does not reach it.
    with schema_context("school_alpha"):
        Activity.objects.filter(public_id=activity.public_id).update(title="改过的标题")
    with schema_context("school_beta"):
        assert Activity.objects.get(public_id=record.public_id).title == "情绪管理主题班会"


def test_a_proposal_naming_a_student_is_blocked_and_nothing_is_written():
    from tests.support.students import make_student

    with schema_context("school_alpha"):
        make_student(name="欧阳晓明", student_number="A20260917")
    connection.set_schema_to_public()
    activity = make_activity("alpha", title="团辅记录", description="第一次团辅。\n欧阳晓明发言积极。")
    before = LibraryItem.objects.count()
    with pytest.raises(ValidationError) as exc:
        propose("alpha", activity)
    messages = exc.value.message_dict
    assert list(messages) == ["body"]
    assert "2" in messages["body"][0] and "欧阳晓明" not in messages["body"][0]
    # The number in the summary and a phone number in the tags are found too, each in its field.
    with pytest.raises(ValidationError) as exc:
        propose("alpha", activity, body="内容已删减", summary="学号A20260917的同学", tags="13812345678")
    assert set(exc.value.message_dict) == {"summary", "tags"}
    assert LibraryItem.objects.count() == before
    # Cleaned up, it goes through.
    item = propose("alpha", activity, body="第一次团辅。")
    assert item.status == ItemStatus.PENDING


def test_return_needs_a_reason_and_the_school_sees_it():
    activity = make_activity("alpha", title="压力管理工作坊")
    item = propose("alpha", activity)
    reviewer = district_user("district_reviewer")
    with pytest.raises(ValidationError) as exc:
        services.proposal_return(item, actor=reviewer, reason="  ")
    assert list(exc.value.message_dict) == ["reason"]
    services.proposal_return(item, actor=reviewer, reason="请补充活动流程与时间安排。")
    item.refresh_from_db()
    assert item.status == ItemStatus.RETURNED and item.review_reason == "请补充活动流程与时间安排。"
    assert DistrictAuditEvent.objects.filter(action="library.return", target=str(item.public_id)).exists()
    assert selectors.school_proposals(school("alpha")).get(pk=item.pk).review_reason
    # Reviewed once only; a returned item cannot be imported.
    with pytest.raises(ValidationError):
        services.proposal_approve(item, actor=reviewer)
    with schema_context("school_beta"):
        with pytest.raises(ValidationError):
            services.item_import(item, actor=school_user("beta", "bob"), school=school("beta"))
    # The school proposes it again after improving it.
    again = propose("alpha", activity, summary="补充了流程：导入10分钟，练习25分钟，分享10分钟。")
    assert again.status == ItemStatus.PENDING
    with pytest.raises(ValidationError) as exc:
        propose("alpha", activity)
    assert list(exc.value.message_dict) == ["source"]


def test_only_publishers_review_and_only_proposer_roles_propose():
    activity = make_activity("alpha", title="心理剧排练")
    item = propose("alpha", activity)
    analyst = district_user("district_analyst")
    with pytest.raises(PermissionDenied):
        services.proposal_approve(item, actor=analyst)
    with pytest.raises(PermissionDenied):
        services.item_publish(actor=analyst, kind="courseware", title="x", summary="y")
    for role in ("member", "counselor", "homeroom_teacher", "school_admin"):
        with pytest.raises(PermissionDenied):
            propose("alpha", activity, username=f"r_{role}")
    for role in ("deputy", "secretary"):
        with pytest.raises(ValidationError):  # allowed, but already pending
            propose("alpha", activity, username=f"r_{role}")
    # A school cannot propose in another school's name, nor another school's record.
    from library.services import proposal_submit

    with schema_context("school_beta"):
        with pytest.raises(PermissionDenied):
            proposal_submit(
                actor=school_user("beta", "bob"), school=school("alpha"), source_model="programs.activity",
                source_id=activity.public_id, summary="x",
            )  # fmt: skip
        with pytest.raises(ValidationError) as exc:
            proposal_submit(
                actor=school_user("beta", "bob"), school=school("beta"), source_model="programs.activity",
                source_id=activity.public_id, summary="x",
            )  # fmt: skip
        assert list(exc.value.message_dict) == ["source"]


def _publish(kind, **extra):
    dora = district_user("district_admin")
    return services.item_publish(
        actor=dora,
        kind=kind,
        title=extra.pop("title", "模板"),
        summary=extra.pop("summary", "简介"),
        **extra,
    )


def test_district_publishes_and_imports_become_units_plans_and_instruments():
    from tenants.governance.models import Plan, PlanStatus
    from tenants.programs.models import CurriculumUnit
    from tenants.screening.models import InstrumentDefinition

    unit_item = _publish(
        "curriculum_unit", title="认识情绪", body="了解基本情绪；学会命名情绪。", grades=[7],
        structured={"planned_sessions": 4},
    )  # fmt: skip
    plan_item = _publish(
        "plan_template", title="心理健康教育年度工作计划（模板）", body="建立三级预警体系。",
        structured={"plan_kind": "annual", "key_tasks": "开展新生心理普查\n组织5·25心理健康月活动"},
    )  # fmt: skip
    instrument_item = _publish(
        "instrument", title="学习压力自评量表", licence="区内学校免费使用，不得商用。",
        structured={"instrument_code": "xyp5", "items": 5, "item_min": 0, "item_max": 3,
                    "bands": "low 0-5 低\nmid 6-10 中\nhigh 11-15 高", "item_texts": ""},
    )  # fmt: skip
    assert DistrictAuditEvent.objects.filter(action="library.publish").count() >= 3
    assert instrument_item.content["bands"][0] == {"code": "low", "lower": 0, "upper": 5, "label_zh": "低"}

    beta = school("beta")
    with schema_context("school_beta"):
        bob = school_user("beta", "bob")
        unit = services.item_import(unit_item, actor=bob, school=beta, options={"school_year": "2026-2027"})
        unit = CurriculumUnit.objects.get(public_id=unit.public_id)
        assert (unit.title, unit.grade, unit.planned_sessions, unit.school_year) == (
            "认识情绪",
            7,
            4,
            "2026-2027",
        )
        plan = services.item_import(plan_item, actor=bob, school=beta, options={"school_year": "2026-2027"})
        plan = Plan.objects.get(public_id=plan.public_id)
        assert plan.status == PlanStatus.DRAFT and plan.goals == "建立三级预警体系。"
        assert (plan.starts_on, plan.ends_on) == (date(2026, 9, 1), date(2027, 8, 31))
        assert set(plan.tasks.values_list("title", flat=True)) == {
            "组织5·25心理健康月活动",
            "开展新生心理普查",
        }
        # Instruments go to the care team: the principal may not, the psychology teacher may.
        with pytest.raises(PermissionDenied):
            services.item_import(instrument_item, actor=bob, school=beta)
        teacher = school_user("beta", "r_psychology_teacher")
        defined = services.item_import(instrument_item, actor=teacher, school=beta)
        defined = InstrumentDefinition.objects.get(public_id=defined.public_id)
        assert (defined.code, defined.items, defined.licence) == ("xyp5", 5, "区内学校免费使用，不得商用。")
        # Importing again with the same code: a field error, nothing written.
        with pytest.raises(ValidationError) as exc:
            services.item_import(instrument_item, actor=teacher, school=beta)
        assert list(exc.value.message_dict) == ["code"]
        services.item_import(instrument_item, actor=teacher, school=beta, options={"code": "xyp5b"})
        assert InstrumentDefinition.objects.filter(code__startswith="xyp5").count() == 2
    connection.set_schema_to_public()
    instrument_item.refresh_from_db()
    assert instrument_item.import_count == 2
    assert LibraryImport.objects.filter(item=instrument_item).count() == 2


def test_district_form_errors_are_field_level():
    with pytest.raises(ValidationError) as exc:
        _publish("instrument", structured={"instrument_code": "", "items": 0, "bands": "bad"})
    assert {"instrument_code", "items", "licence"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        _publish("activity_design", structured={"activity_kind": "nope"}, grades=[13])
    assert "activity_kind" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _publish("courseware", grades=[13])
    assert list(exc.value.message_dict) == ["grades"]
    # A built-in instrument is registered with its licence; a school's import says it is there already.
    item = _publish(
        "instrument", title="PHQ-9", licence="公共领域，免费使用。", structured={"instrument_code": "phq9"}
    )
    assert item.content == {"builtin": "phq9"}
    with schema_context("school_beta"):
        with pytest.raises(ValidationError) as exc:
            services.item_import(
                item, actor=school_user("beta", "r_psychology_teacher"), school=school("beta")
            )
        assert list(exc.value.message_dict) == ["code"]


def test_search_tags_grades_and_kind():
    _publish("courseware", title="认识压力课件", summary="初一适用", tags="压力 新生", grades=[7])
    _publish(
        "reading_list", title="家长书单：青春期沟通", summary="给家长的十本书", tags="家长", grades=[8, 9]
    )
    published = selectors.published_items()
    assert [i.title for i in selectors.search(published, "压力")] == ["认识压力课件"]
    assert [i.title for i in selectors.search(published, "十本")] == ["家长书单：青春期沟通"]
    assert [i.title for i in selectors.search(published, "新生")] == ["认识压力课件"]  # a tag
    assert selectors.search(published, "压力 家长").count() == 0
    assert [i.title for i in published.filter(grades__contains=[9])] == ["家长书单：青春期沟通"]
    assert "压力" in selectors.all_tags()


def test_review_outcomes_go_to_the_schools_robot_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(services, "announce", lambda text, *, school=None: sent.append((text, school.code)))
    first = propose("alpha", make_activity("alpha", title="放松训练"))
    second = propose("alpha", make_activity("alpha", title="生命教育班会"))
    reviewer = district_user("district_reviewer")
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_approve(first, actor=reviewer)
        services.proposal_return(second, actor=reviewer, reason="请删去与本校具体班级相关的内容。")
    assert [code for _text, code in sent] == ["alpha", "alpha"]
    assert "放松训练" in sent[0][0] and "生命教育班会" in sent[1][0]
    assert "请删去" not in sent[1][0]  # the reason stays on the school's page
