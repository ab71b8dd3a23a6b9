"""The audit trail refuses UPDATE and DELETE in the database itself, whoever asks."""

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from tenants.care.audit import audit
from tenants.care.models import AuditEvent
from tests.conftest import role_user
from tests.support.students import make_student

pytestmark = pytest.mark.django_db


def test_audit_rows_cannot_be_changed_or_deleted_even_with_raw_sql():
    with schema_context("school_alpha"):
        student = make_student()
        event = audit(
            actor=role_user("counselor"), action="view", subject="care.record", student=student, obj=student
        )
        assert AuditEvent.objects.filter(pk=event.pk, student_ref=student.public_id).count() == 1
        for statement in (
            "UPDATE care_auditevent SET reason = 'x' WHERE id = %s",
            "DELETE FROM care_auditevent WHERE id = %s",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(statement, [event.pk])
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
        assert AuditEvent.objects.get(pk=event.pk).reason == ""
