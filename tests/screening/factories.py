"""Screening test data: students with (or without) guardian consent, campaigns. Call inside a
school schema."""

import uuid
from datetime import timedelta

from django.utils import timezone

from tenants.care.models import Consent
from tenants.screening import services
from tests.conftest import role_user
from tests.support.students import make_class, make_student


def consent(student, status="granted", on=None):
    return Consent.objects.create(
        student=student,
        purpose="screening",
        status=status,
        guardian_name=student.guardian_name,
        recorded_on=on or timezone.localdate(),
    )


def consenting_student(school_class=None, **extra):
    student = make_student(school_class, **extra)
    consent(student)
    return student


def make_campaign(*, instrument="phq9", school_class=None, grade=None, title=None):
    if school_class is None and grade is None:
        school_class = make_class(grade=8, name=f"测评{uuid.uuid4().hex[:5]}班")
    today = timezone.localdate()
    return services.campaign_create(
        actor=role_user("counselor"),
        title=title or f"秋季心理测评·{uuid.uuid4().hex[:6]}",
        instrument_code=instrument,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=13),
        grade=grade,
        school_class=school_class,
    )


def make_response(answers=(1, 0, 1, 0, 1, 0, 0, 0, 0), instrument="phq9", student=None, campaign=None):
    return services.screening_record(
        student=student or consenting_student(),
        instrument=instrument,
        answers=list(answers),
        actor=role_user("counselor"),
        campaign=campaign,
    )


def bands_json():
    return [
        {"code": "low", "lower": 0, "upper": 4, "label_zh": "低"},
        {"code": "high", "lower": 5, "upper": 10, "label_zh": "高"},
    ]
