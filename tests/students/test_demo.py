"""The demo roster: classes fitting the school type, invented students, idempotent."""

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shared.accounts.services import account_create
from tenants.students import selectors
from tenants.students.demo import seed_demo
from tenants.students.models import SchoolClass, Student
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_roster_fits_a_junior_school_and_is_idempotent():
    today = timezone.localdate()
    with schema_context("school_alpha"):
        homeroom = account_create(
            username="homeroom", full_name="黄丽娟", roles=["homeroom_teacher"], password=PASSWORD
        )
        seed_demo(today=today)
        classes = list(SchoolClass.objects.all())
        assert len(classes) == 4 and {c.grade for c in classes} == {7, 8}
        assert [str(c) for c in classes if c.homeroom_teacher == homeroom] == ["7年级1班"]
        students = list(Student.objects.select_related("school_class"))
        assert 36 <= len(students) <= 44
        start = today.year if today.month >= 9 else today.year - 1
        for student in students:
            age_at_start = start - student.date_of_birth.year
            assert student.school_class.grade + 5 <= age_at_start <= student.school_class.grade + 7
            assert student.guardian_phone.startswith("139") and len(student.guardian_phone) == 11
            assert 2 <= len(student.name) <= 3
        assert len({s.student_number for s in students}) == len(students)
        seed_demo(today=today)
        assert SchoolClass.objects.count() == 4 and Student.objects.count() == len(students)


def test_demo_roster_fits_the_school_type():
    from django_tenants.utils import get_tenant_model

    from tenants.students import demo

    with schema_context("school_beta"):
        school = get_tenant_model().objects.get(schema_name="school_beta")
        assert selectors.school_type() == school.school_type == "junior"
    assert demo.GRADES_BY_TYPE["primary"][1] <= 6 and demo.GRADES_BY_TYPE["senior"][0] >= 10
