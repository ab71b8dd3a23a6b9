"""The demo data of programs and finance: a realistic school year, built with the services, once."""

from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from tenants.finance import selectors as finance
from tenants.finance.demo import seed_demo as seed_finance
from tenants.finance.models import BudgetLine, Spending
from tenants.programs import selectors
from tenants.programs.demo import seed_demo as seed_programs
from tenants.programs.models import Activity, ClassSession, CurriculumUnit, ParentEvent

pytestmark = pytest.mark.django_db
DEMO_ACCOUNTS = {
    "principal": "principal",
    "deputy": "deputy",
    "secretary": "secretary",
    "member": "member",
    "psych": "psychology_teacher",
    "counselor": "counselor",
    "homeroom": "homeroom_teacher",
    "guest": "invited_attendee",
}


def _accounts():
    from shared.accounts.services import account_create

    for username, role in DEMO_ACCOUNTS.items():
        account_create(
            username=username, full_name=f"演示{username}", roles=[role], password="Demo-Pass-2026"
        )


def test_demo_builds_a_school_year_once():
    today = date(2026, 12, 10)
    with schema_context("school_alpha"):
        _accounts()
        seed_programs(today=today)
        seed_finance(today=today)
        counts = (
            CurriculumUnit.objects.count(),
            ClassSession.objects.count(),
            Activity.objects.count(),
            ParentEvent.objects.count(),
            BudgetLine.objects.count(),
            Spending.objects.count(),
        )
        assert counts[0] == 12 and counts[1] > 20 and counts[2] >= 9 and counts[3] == 3
        assert counts[4] == 6 and counts[5] == 9
        assert not Activity.objects.filter(held_on__gt=today).exists()
        assert selectors.activities_in_month(year=2026, month=12).count() >= 1
        assert Activity.objects.filter(organiser__username="homeroom", kind="class_meeting").count() >= 3

        use = finance.budget_use(school_year="2026-2027")
        assert use["budget"] == Decimal("74000.00")
        assert use["spent"] == Decimal("51880.00")
        assert use["over_budget_lines"] == 1

        seed_programs(today=today)
        seed_finance(today=today)
        assert (
            CurriculumUnit.objects.count(),
            ClassSession.objects.count(),
            Activity.objects.count(),
            ParentEvent.objects.count(),
            BudgetLine.objects.count(),
            Spending.objects.count(),
        ) == counts


def test_demo_early_in_the_year_has_nothing_in_the_future():
    today = date(2026, 9, 3)
    with schema_context("school_alpha"):
        _accounts()
        seed_programs(today=today)
        seed_finance(today=today)
        assert not Activity.objects.filter(held_on__gt=today).exists()
        assert not Spending.objects.filter(spent_on__gt=today).exists()
        assert Activity.objects.count() == 1  # today's class meeting
