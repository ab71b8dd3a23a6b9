"""The safety flag's alert reaches the counselors on duty by email when SMTP is configured, and
the email names no student."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from shared.display_time import school_today
from tenants.crisis.models import DutyAssignment
from tests.conftest import ALPHA, api_client, role_user
from tests.screening.factories import consenting_student

pytestmark = pytest.mark.django_db
NAME = "邮件测试生"


def test_flagged_screening_emails_the_counselor_on_duty(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = "smtp.example.cn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with schema_context("school_alpha"):
        on_duty, off_duty = role_user("counselor"), role_user("psychology_teacher")
        on_duty.email, off_duty.email = "counselor@alpha.example.cn", "psych@alpha.example.cn"
        on_duty.save()
        off_duty.save()
        DutyAssignment.objects.get_or_create(user=on_duty, on_date=school_today())
        student = consenting_student(name=NAME)
    connection.set_schema_to_public()
    client = api_client(ALPHA, "r_psychology_teacher")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/screenings/",
            {"student": str(student.public_id), "instrument": "phq9", "answers": [0, 0, 0, 0, 0, 0, 0, 0, 2]},
            content_type="application/json",
        )
    assert response.status_code == 201 and response.json()["crisis_case"]
    sent = [m for m in mailoutbox if m.to == ["counselor@alpha.example.cn"]]
    assert len(sent) == 1
    assert (
        f"://alpha.{settings.BASE_DOMAIN}" in sent[0].body
        and f"/crisis/cases/{response.json()['crisis_case']}/" in sent[0].body
    )
    assert not [m for m in mailoutbox if m.to == ["psych@alpha.example.cn"]], "only the counselor on duty"
    assert all(NAME not in m.subject + m.body for m in mailoutbox)
