"""The evaluation demo: a realistic school year built with the services, once."""

from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from tenants.evaluation import selectors
from tenants.evaluation.demo import seed_demo
from tenants.evaluation.models import (
    Commendation,
    ImprovementAction,
    IndicatorSet,
    Questionnaire,
    Response,
    SelfAssessment,
)

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


def _counts():
    return (
        IndicatorSet.objects.count(),
        SelfAssessment.objects.count(),
        ImprovementAction.objects.count(),
        Questionnaire.objects.count(),
        Response.objects.count(),
        Commendation.objects.count(),
    )


def test_demo_builds_a_school_year_once():
    from shared.accounts.services import account_create

    today = date(2026, 12, 10)
    with schema_context("school_alpha"):
        for username, role in DEMO_ACCOUNTS.items():
            account_create(
                username=username, full_name=f"演示{username}", roles=[role], password="Demo-Pass-2026"
            )
        seed_demo(today=today)
        assert _counts() == (1, 2, 3, 3, 42, 5)

        current = selectors.assessment_list().get(school_year="2026-2027", term="first")
        assert selectors.assessment_totals(current).weighted_score == Decimal("84.4")
        previous = selectors.assessment_list().get(school_year="2025-2026", term="second")
        assert selectors.assessment_totals(previous).weighted_score == Decimal("82.0")
        assert current.assessed_on == date(2026, 12, 7)

        owners = set(ImprovementAction.objects.values_list("task__owner__username", flat=True))
        assert owners == {"psych", "counselor", "homeroom"}
        assert sorted(ImprovementAction.objects.values_list("task__status", flat=True)) == [
            "done",
            "in_progress",
            "todo",
        ]

        parents = Questionnaire.objects.get(audience="parents")
        assert parents.status == "open" and parents.links.count() == 40
        summary = selectors.questionnaire_summary(parents, include_texts=True)
        assert summary.responses == 30
        assert sum(o["count"] for o in summary.questions[0].options) == 30
        assert summary.questions[2].mean is not None and Decimal("3") < summary.questions[2].mean < Decimal(
            "5"
        )
        assert Questionnaire.objects.get(audience="students").status == "closed"
        assert Questionnaire.objects.get(audience="staff").status == "draft"
        assert not Commendation.objects.filter(awarded_on__gt=today).exists()

        seed_demo(today=today)
        assert _counts() == (1, 2, 3, 3, 42, 5)
