"""The retention job archives records past their period, deletes them after the grace period,
never touches open cases, and audits each step."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from config.beat import BEAT_SCHEDULE
from tenants.care.models import AuditEvent, Observation, RetentionRule
from tenants.care.retention import apply_retention
from tenants.crisis.models import CrisisCase
from tenants.screening.models import Response
from tests.conftest import role_user
from tests.support.students import make_student

pytestmark = pytest.mark.django_db


def test_expired_records_are_archived_then_deleted_and_open_cases_kept():
    with schema_context("school_alpha"):
        now = timezone.now()
        student = make_student()
        old, recent = (
            Response.objects.create(
                student=student, instrument_code="gad7", answers="[0,0,0,0,0,0,0]", total=0, band="minimal"
            )
            for _ in range(2)
        )
        Response.objects.filter(pk=old.pk).update(taken_at=now - timedelta(days=3 * 365 + 5))
        note = Observation.objects.create(
            student=student, observed_on=now.date(), text="上课走神", created_by=role_user("homeroom_teacher")
        )
        Observation.objects.filter(pk=note.pk).update(created_at=now - timedelta(days=4 * 365))
        closed = CrisisCase.objects.create(
            student=student,
            level="low",
            identified_how="other",
            step="closed",
            closed_at=now - timedelta(days=11 * 365),
        )
        still_open = CrisisCase.objects.create(student=student, level="high", identified_how="other")
        CrisisCase.objects.filter(pk=still_open.pk).update(opened_at=now - timedelta(days=12 * 365))
        RetentionRule.objects.filter(record_type="screening").update(keep_years=3, grace_days=90)

        from tenants.care.retention import retention_preview

        assert retention_preview(now=now)["screening"] == {"archive": 1, "delete": 0, "archived": 0}
        first = apply_retention(now=now)
        assert first["screening"] == {"archived": 1, "deleted": 0}
        assert first["observation"] == {"archived": 1, "deleted": 0}
        assert first["crisis"] == {"archived": 1, "deleted": 0}
        old.refresh_from_db()
        recent.refresh_from_db()
        still_open.refresh_from_db()
        assert old.archived_at == now and recent.archived_at is None and still_open.archived_at is None
        assert (
            AuditEvent.objects.filter(
                action="archive", object_ref=old.public_id, student_ref=student.public_id
            ).count()
            == 1
        )
        # Archived records leave the everyday pages: the timeline, the observation list, the case list.
        from tenants.care.selectors import observations, timeline
        from tenants.crisis.selectors import cases

        kinds = [entry.kind for entry in timeline(student, clinical=True)]
        assert kinds.count("screening") == 1 and "observation" not in kinds
        assert not observations().filter(pk=note.pk).exists()
        assert not cases().filter(pk=closed.pk).exists() and cases().filter(pk=still_open.pk).exists()

        assert retention_preview(now=now + timedelta(days=91))["screening"] == {
            "archive": 0,
            "delete": 1,
            "archived": 1,
        }
        # Running again the same day changes nothing; 91 days later the archived ones go.
        assert apply_retention(now=now)["screening"] == {"archived": 0, "deleted": 0}
        later = apply_retention(now=now + timedelta(days=91))
        assert later["screening"]["deleted"] == 1 and later["observation"]["deleted"] == 1
        assert later["crisis"]["deleted"] == 1
        assert not Response.objects.filter(pk=old.pk).exists()
        assert Response.objects.filter(pk=recent.pk).exists()
        assert CrisisCase.objects.filter(pk=still_open.pk).exists()
        assert not CrisisCase.objects.filter(pk=closed.pk).exists()
        assert AuditEvent.objects.filter(action="delete", object_ref=old.public_id).count() == 1


def test_retention_runs_every_night_in_every_school():
    entry = BEAT_SCHEDULE["care-retention"]
    assert entry["task"] == "district.fan_out" and entry["args"] == ("care.apply_retention",)
    from config.celery import app

    app.loader.import_default_modules()
    assert "care.apply_retention" in app.tasks
