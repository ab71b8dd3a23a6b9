"""The record's demo data: consent for most students, two observations (one referral) by the demo
homeroom teacher, a few attention levels; seeding twice adds nothing."""

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shared.accounts.services import account_create
from tenants.care import demo
from tenants.care.models import AttentionChange, CareRecord, Consent, Observation
from tests.support.students import make_class, make_student

pytestmark = pytest.mark.django_db


def test_seed_is_believable_and_idempotent():
    with schema_context("school_beta"):
        assert not Consent.objects.exists()
        demo.seed_demo(today=timezone.localdate())  # no students: nothing
        assert not Consent.objects.exists()
        homeroom = account_create(
            username="homeroom", full_name="黄丽娟", roles=["homeroom_teacher"], password="x" * 12
        )
        account_create(username="secretary", full_name="张晓燕", roles=["secretary"], password="x" * 12)
        account_create(username="counselor", full_name="杨思远", roles=["counselor"], password="x" * 12)
        klass = make_class(grade=7, name="1班", homeroom=homeroom)
        for _ in range(12):
            make_student(school_class=klass)
        demo.seed_demo(today=timezone.localdate())
        counts = (Consent.objects.count(), Observation.objects.count(), AttentionChange.objects.count())
        assert 9 <= Consent.objects.filter(status="granted").count() < 12
        assert sorted(Observation.objects.values_list("kind", flat=True)) == ["observation", "referral"]
        assert set(CareRecord.objects.exclude(level="none").values_list("level", flat=True)) == {
            "attention",
            "elevated",
        }
        demo.seed_demo(today=timezone.localdate())
        assert (
            Consent.objects.count(),
            Observation.objects.count(),
            AttentionChange.objects.count(),
        ) == counts
