"""The home page shows the care team and the principal student care in counts, never names."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from shared.display_time import school_today
from tenants.care.models import Observation
from tenants.crisis.models import CrisisCase, DutyAssignment
from tenants.crisis.services import case_open
from tests.conftest import ALPHA, role_user, signed_in
from tests.support.students import make_student

pytestmark = pytest.mark.django_db
NAME = "贺首页"


def _setup():
    with schema_context("school_alpha"):
        CrisisCase.objects.all().delete()
        Observation.objects.all().delete()
        student = make_student(name=NAME)
        late = case_open(student=student, level="high", identified_how="other", actor=role_user("counselor"))
        CrisisCase.objects.filter(pk=late.pk).update(opened_at=timezone.now() - timedelta(hours=2))
        case_open(student=make_student(), level="low", identified_how="other", actor=role_user("counselor"))
        Observation.objects.create(
            student=student,
            kind="referral",
            observed_on=timezone.localdate(),
            text="情绪低落",
            created_by=role_user("homeroom_teacher"),
        )
        DutyAssignment.objects.get_or_create(user=role_user("counselor"), on_date=school_today())
    connection.set_schema_to_public()


def test_counselor_sees_counts_and_duty():
    _setup()
    response = signed_in(ALPHA, "r_counselor").get("/")
    care = response.context["care"]
    assert (care["open_cases"], care["overdue_cases"], care["unseen_referrals"]) == (2, 1, 1)
    assert care["on_duty_today"] is True
    body = response.content.decode()
    assert 'id="care-today"' in body and NAME not in body


def test_principal_sees_cases_not_referrals():
    _setup()
    response = signed_in(ALPHA, "r_principal").get("/")
    care = response.context["care"]
    assert (care["open_cases"], care["overdue_cases"]) == (2, 1) and "unseen_referrals" not in care
    assert NAME not in response.content.decode()


@pytest.mark.parametrize("role", ["homeroom_teacher", "secretary", "deputy", "member"])
def test_other_staff_see_no_care_block(role):
    _setup()
    response = signed_in(ALPHA, f"r_{role}").get("/")
    assert response.context["care"] is None and 'id="care-today"' not in response.content.decode()
