"""The screening demo: a campaign for the first grade, consent excluding some, about 70% screened,
no safety flag, idempotent."""

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.crisis.models import CrisisCase
from tenants.screening import selectors
from tenants.screening.demo import _answers, seed_demo
from tenants.screening.models import Campaign, Response
from tenants.students.models import Student

pytestmark = pytest.mark.django_db


def test_answers_sum_to_the_total_without_item_9():
    for total in range(0, 25):
        answers = _answers(total, total)
        assert sum(answers) == total and answers[8] == 0 and max(answers) <= 3


def test_demo_seeds_one_campaign_with_coverage_and_is_idempotent():
    from tenants.students.demo import seed_demo as students_demo

    today = timezone.localdate()
    with schema_context("school_beta"):
        from shared.accounts.services import account_create

        account_create(
            username="counselor", full_name="演示心理老师", roles=["counselor"], password="Correct-Horse-77"
        )
        students_demo(today=today)
        cases_before = CrisisCase.objects.count()
        seed_demo(today=today)
        seed_demo(today=today)
        campaigns = list(Campaign.objects.filter(title__contains="PHQ-9"))
        assert len(campaigns) == 1
        coverage = selectors.coverage_of(campaigns[0])
        grade = campaigns[0].grade
        assert (
            coverage.eligible
            == Student.objects.filter(status="active", school_class__grade=grade).count()
            > 0
        )
        assert coverage.excluded >= 2
        assert 0.6 <= coverage.screened / coverage.consenting <= 0.8
        responses = Response.objects.filter(campaign=campaigns[0])
        assert responses.count() == coverage.screened
        assert not responses.filter(safety_flag=True).exists()
        assert len(set(responses.values_list("band", flat=True))) >= 3
        assert CrisisCase.objects.count() == cases_before
