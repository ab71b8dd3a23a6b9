"""The counseling demo: sessions, a referral with feedback and return plan, and a plan owned by the
demo homeroom teacher with a review due this week; seeding twice adds nothing."""

import pytest
from django_tenants.utils import schema_context

from shared.accounts.services import account_create
from tenants.counseling import demo
from tenants.counseling.models import CarePlan, CounselingSession, PlanReview, Referral
from tenants.counseling.selectors import reviews_due_for, school_today
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_seeds_once_and_the_plan_review_is_due_for_the_homeroom_teacher():
    from tenants.students import demo as roster

    today = school_today()
    with schema_context("school_alpha"):
        demo.seed_demo(today=today)  # no students yet: nothing
        assert not CounselingSession.objects.exists()
        people = {}
        for username, roles in (
            ("psych", ["psychology_teacher", "member"]),
            ("counselor", ["counselor"]),
            ("homeroom", ["homeroom_teacher"]),
            ("secretary", ["secretary"]),
        ):
            people[username] = account_create(
                username=username, full_name=f"演示{username}", roles=roles, password=PASSWORD
            )
        roster.seed_demo(today=today)
        demo.seed_demo(today=today)
        demo.seed_demo(today=today)
        assert CounselingSession.objects.count() == len(demo.SESSIONS)
        referral = Referral.objects.get()
        assert referral.feedback and referral.return_plan and referral.return_on
        plan = CarePlan.objects.get()
        assert (
            plan.owner == people["homeroom"]
            and plan.student.school_class.homeroom_teacher == people["homeroom"]
        )
        assert plan.student.care_record.level == "elevated"
        assert [r.plan for r in reviews_due_for(people["homeroom"], today=today)] == [plan]
        assert PlanReview.objects.count() == 1
