"""The school home page: its numbers come from each area, checked here with real records."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.finance.services import budget_line_create, spending_create
from tenants.governance.services import plan_approve, plan_create, plan_key_task_add
from tenants.ledger.services import task_update
from tenants.programs.services import activity_create
from tenants.team.services import staff_create, training_record_create
from tenants.workspace.dashboard import school_year_of
from tests.conftest import role_user, signed_in

pytestmark = pytest.mark.django_db


def test_home_page_numbers_come_from_the_areas():
    today = timezone.localdate()
    year = school_year_of(today)
    start_year = int(year[:4])
    with schema_context("school_beta"):
        principal = role_user("principal")
        plan = plan_create(
            actor=principal,
            title="首页测试计划",
            school_year=year,
            goals="测试目标",
            starts_on=today.replace(year=start_year, month=9, day=1),
            ends_on=today.replace(year=start_year + 1, month=7, day=15),
        )
        plan_approve(plan, actor=principal)
        first = plan_key_task_add(
            plan,
            actor=principal,
            title="重点任务一",
            owner=role_user("member"),
            due_on=today + timedelta(days=5),
        )
        plan_key_task_add(
            plan,
            actor=principal,
            title="重点任务二",
            owner=role_user("member"),
            due_on=today - timedelta(days=1),
        )
        task_update(first, actor=principal, data={"status": "done"})
        line = budget_line_create(
            actor=principal,
            school_year=year,
            category="activities",
            title="活动经费",
            amount=Decimal("8000.00"),
        )
        spending_create(
            actor=principal,
            line=line,
            spent_on=today,
            amount=Decimal("2000.00"),
            payee="文具店",
            purpose="活动材料",
        )
        teacher = staff_create(
            actor=principal, name="首页测试老师", position="psychology_teacher", psychology_post="full_time"
        )
        training_record_create(
            actor=principal, staff=teacher, title="心理危机干预培训", trained_on=today, hours=Decimal("6.5")
        )
        activity_create(
            actor=principal, kind="lecture", title="首页测试讲座", held_on=today, participant_count=120
        )
    connection.set_schema_to_public()

    page = signed_in("beta", "r_principal").get("/")
    assert page.status_code == 200
    context = page.context
    plan_row = next(p for p in context["plans"] if p["title"] == "首页测试计划")
    assert (plan_row["total"], plan_row["done"], plan_row["overdue"], plan_row["percent"]) == (2, 1, 1, 50)
    assert context["budget"]["budget"] == Decimal("8000.00") and context["budget"]["percent"] == Decimal(
        "25.0"
    )
    assert {"name": "首页测试老师", "hours": Decimal("6.5")} in context["training"]
    assert context["training_total"] == Decimal("6.5")
    assert "首页测试讲座" in [a.title for a in context["activities"]]
    assert context["task_counts"]["overdue"] >= 1 and context["task_counts"]["done"] >= 1
    body = page.content.decode()
    assert "首页测试计划" in body and "首页测试讲座" in body and "echarts-6.1.0.min.js" in body
