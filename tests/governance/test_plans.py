"""Work plans: the status flow, key tasks in the ledger, and progress numbers."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tenants.governance import selectors, services
from tenants.governance.models import Plan
from tenants.ledger import services as ledger
from tenants.ledger.models import Task
from tests.conftest import role_user

pytestmark = pytest.mark.django_db


def _plan(**extra):
    today = timezone.localdate()
    data = dict(
        title="2026-2027学年心理健康教育工作计划",
        school_year="2026-2027",
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=200),
        goals="建立健全心理健康教育工作机制。",
    )
    data.update(extra)
    return services.plan_create(actor=role_user("secretary"), **data)


def test_a_plan_goes_draft_approved_in_progress_closed(alpha):
    plan = _plan()
    assert plan.status == "draft"
    services.plan_approve(plan, actor=role_user("principal"))
    plan.refresh_from_db()
    assert (
        plan.status == "approved"
        and plan.approved_by == role_user("principal")
        and plan.approved_at is not None
    )
    services.plan_start(plan, actor=role_user("secretary"))
    services.plan_close(plan, actor=role_user("secretary"), summary="  全年完成心理普查两次，开展讲座六场。 ")
    plan.refresh_from_db()
    assert plan.status == "closed"
    assert plan.summary == "全年完成心理普查两次，开展讲座六场。"
    assert plan.closed_by == role_user("secretary") and plan.closed_at is not None


def test_only_the_principal_approves(alpha):
    plan = _plan()
    with pytest.raises(PermissionDenied):
        services.plan_approve(plan, actor=role_user("secretary"))
    plan.refresh_from_db()
    assert plan.status == "draft" and plan.approved_by is None


def test_transitions_out_of_order_are_refused_with_a_clear_error(alpha):
    plan = _plan()
    with pytest.raises(ValidationError) as raised:
        services.plan_start(plan, actor=role_user("principal"))
    assert "status" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.plan_close(plan, actor=role_user("principal"), summary="总结")
    assert "status" in raised.value.message_dict
    services.plan_approve(plan, actor=role_user("principal"))
    with pytest.raises(ValidationError) as raised:
        services.plan_approve(plan, actor=role_user("principal"))
    assert "status" in raised.value.message_dict
    plan.refresh_from_db()
    assert plan.status == "approved"


def test_closing_needs_a_summary(alpha):
    plan = _plan()
    services.plan_approve(plan, actor=role_user("principal"))
    services.plan_start(plan, actor=role_user("principal"))
    with pytest.raises(ValidationError) as raised:
        services.plan_close(plan, actor=role_user("principal"), summary="   ")
    assert "summary" in raised.value.message_dict
    plan.refresh_from_db()
    assert plan.status == "in_progress"
    # The database says the same.
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(status="closed", closed_at=timezone.now())


def test_the_database_refuses_an_unapproved_plan_in_progress(alpha):
    plan = _plan()
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=plan.pk).update(status="in_progress")


def test_plan_fields_are_validated_by_field(alpha):
    with pytest.raises(ValidationError) as raised:
        _plan(starts_on=date(2026, 9, 1), ends_on=date(2026, 8, 1))
    assert "ends_on" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        _plan(school_year="2026-2028")
    assert "school_year" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        _plan(kind="phase")
    assert "term" in raised.value.message_dict
    assert not Plan.objects.exists()


def test_edits_cannot_move_the_status_and_a_closed_plan_is_final(alpha):
    plan = _plan()
    with pytest.raises(ValidationError) as raised:
        services.plan_update(plan, actor=role_user("principal"), data={"status": "approved"})
    assert "status" in raised.value.message_dict
    services.plan_approve(plan, actor=role_user("principal"))
    services.plan_start(plan, actor=role_user("principal"))
    services.plan_close(plan, actor=role_user("principal"), summary="完成")
    with pytest.raises(ValidationError) as raised:
        services.plan_update(plan, actor=role_user("principal"), data={"goals": "改"})
    assert "status" in raised.value.message_dict


def test_key_tasks_are_ledger_tasks_with_an_owner(alpha):
    plan = _plan()
    today = timezone.localdate()
    task = services.plan_key_task_add(
        plan,
        actor=role_user("secretary"),
        title="完成新生心理普查",
        owner=role_user("psychology_teacher"),
        due_on=today + timedelta(days=10),
        department="moral",
    )
    assert isinstance(task, Task) and task.plan == plan and task.owner == role_user("psychology_teacher")
    assert list(plan.tasks.all()) == [task]
    with pytest.raises(ValidationError) as raised:
        services.plan_key_task_add(plan, actor=role_user("secretary"), title="x", owner=None, due_on=today)
    assert "owner" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.plan_key_task_add(
            plan,
            actor=role_user("secretary"),
            title="x",
            owner=role_user("member"),
            due_on=plan.ends_on + timedelta(days=1),
        )
    assert "due_on" in raised.value.message_dict
    assert plan.tasks.count() == 1


def test_progress_is_done_over_all_key_tasks(alpha):
    plan = _plan()
    other = _plan(title="第一学期阶段计划", kind="phase", term="first")
    today = timezone.localdate()

    def add(title, days, status=None):
        task = services.plan_key_task_add(
            plan,
            actor=role_user("principal"),
            title=title,
            owner=role_user("member"),
            due_on=today + timedelta(days=days),
        )
        if status:
            ledger.task_update(task, actor=role_user("principal"), data={"status": status})
        return task

    add("开展心理健康月", -5, "done")
    add("教师培训", 3, "done")
    add("家长讲座", -1)  # open and past due: overdue
    add("团体辅导", 20, "in_progress")
    add("取消的活动", -10, "cancelled")  # left out of progress
    numbers = {p["public_id"]: p for p in selectors.plans_with_progress(today=today)}
    assert numbers[plan.public_id] == {
        "public_id": plan.public_id,
        "title": plan.title,
        "status": "draft",
        "total": 4,
        "done": 2,
        "overdue": 1,
        "percent": 50,
    }
    assert numbers[other.public_id]["total"] == 0 and numbers[other.public_id]["percent"] == 0
    # Days later, the group-counseling task is overdue too.
    later = {p["public_id"]: p for p in selectors.plans_with_progress(today=today + timedelta(days=21))}
    assert later[plan.public_id]["overdue"] == 2


def test_closed_plans_leave_the_home_list_unless_asked_for(alpha):
    plan = _plan()
    services.plan_approve(plan, actor=role_user("principal"))
    services.plan_start(plan, actor=role_user("principal"))
    running = _plan(title="正在执行的计划")
    services.plan_close(plan, actor=role_user("principal"), summary="完成")
    today = timezone.localdate()
    assert [p["public_id"] for p in selectors.plans_with_progress(today=today)] == [running.public_id]
    assert {p["public_id"] for p in selectors.plans_with_progress(today=today, include_closed=True)} == {
        plan.public_id,
        running.public_id,
    }


def test_only_an_empty_draft_can_be_deleted(alpha):
    plan = _plan()
    services.plan_key_task_add(
        plan,
        actor=role_user("principal"),
        title="任务",
        owner=role_user("member"),
        due_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError):
        services.plan_delete(plan, actor=role_user("principal"))
    empty = _plan(title="空计划")
    services.plan_delete(empty, actor=role_user("principal"))
    assert not Plan.objects.filter(pk=empty.pk).exists()
