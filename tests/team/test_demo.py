"""The team demo data builds with the real services, is realistic and idempotent."""

from datetime import date

import pytest
from django.db import connection
from django_tenants.utils import schema_context

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = [
    ("principal", "张建华", "principal"),
    ("deputy", "李国强", "deputy"),
    ("secretary", "周文", "secretary"),
    ("member", "赵敏", "member"),
    ("psych", "王心怡", "psychology_teacher"),
    ("counselor", "陈静", "counselor"),
    ("homeroom", "刘洋", "homeroom_teacher"),
    ("guest", "孙专家", "invited_attendee"),
]


@pytest.fixture
def demo_school():
    from shared.accounts.services import account_create

    with schema_context("school_beta"):
        for username, name, role in DEMO_ACCOUNTS:
            account_create(username=username, full_name=name, roles=[role])
        yield
    connection.set_schema_to_public()


def test_team_demo(demo_school):
    from tenants.team.demo import seed_demo
    from tenants.team.models import StaffMember, TrainingPlan, TrainingRecord
    from tenants.team.selectors import training_hours_by_person, training_hours_total

    today = date(2026, 11, 29)
    seed_demo(today=today)
    assert StaffMember.objects.count() == 13
    assert StaffMember.objects.get(account__username="psych").name == "王心怡"
    assert set(TrainingPlan.objects.values_list("school_year", flat=True)) == {"2026-2027"}
    assert not TrainingRecord.objects.filter(trained_on__gt=today).exists()
    rows = {s.name: s.hours for s in training_hours_by_person(year="2026-2027")}
    # 4 (教研) + 2 (全员) + 12 (沙盘) + 3 (督导) = 21 hours by 29 November.
    assert rows["王心怡"] == 21
    assert "周涛" not in rows  # left in the summer, trained only the year before
    assert {s.name for s in training_hours_by_person(year="2025-2026") if s.hours} >= {"周涛", "王心怡"}
    assert training_hours_total(school_year="2026-2027") > 0
    records = TrainingRecord.objects.count()

    seed_demo(today=today)  # idempotent
    assert TrainingRecord.objects.count() == records
