"""The data migrations of issue 8 (3.2): plain values already stored are encrypted in place, bound
to their rows; audit events that copied a break-glass reason or a reason for leaving are rewritten
to a neutral text (and a reference to the break-glass), with the append-only trigger back on after."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from tenants.care.models import AuditEvent, Consent
from tenants.counseling.models import Referral
from tenants.crisis.models import BreakGlass, CaseStep
from tests.conftest import role_user
from tests.support.students import make_student

pytestmark = pytest.mark.django_db

MIGRATIONS = [
    "tenants.crisis.migrations.0005_encrypt_reasons",
    "tenants.students.migrations.0003_encrypt_archived_reason",
    "tenants.counseling.migrations.0004_encrypt_referral_institution",
    "tenants.care.migrations.0005_encrypt_consent_note_audit_reason_ref",
]


def _run(*, backward=False):
    editor = SimpleNamespace(connection=connection)
    for name in MIGRATIONS:
        for op in importlib.import_module(name).Migration.operations:
            if hasattr(op, "code"):
                code = op.reverse_code if backward else op.code
                code(apps, editor)


def _sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def _plain_rows():
    """Rows as an older release left them: clinical text in plain columns and copied into audit."""
    from tenants.counseling import services as counseling
    from tenants.crisis import services as crisis
    from tenants.students import services as students

    counselor, principal = role_user("counselor"), role_user("principal")
    case = crisis.case_report(student=make_student(), level="high", identified_how="other", actor=counselor)
    step = CaseStep.objects.get(case=case)
    glass = crisis.break_glass_open(case, actor=principal, reason="占位")
    consent = Consent.objects.create(
        student=case.student, status="granted", guardian_name="家长", recorded_on="2026-09-01"
    )
    leaver = students.student_archive(make_student(), actor=role_user("secretary"), reason="占位")
    referral = counseling.referral_create(
        actor=counselor, student=make_student(), institution="占位", referred_on="2026-09-01", reason="失眠"
    )
    for table, column, pk, text in (
        ("crisis_casestep", "skipped_reason", step.pk, "旧理由PL01"),
        ("crisis_breakglass", "reason", glass.pk, "旧破窗原因PL02"),
        ("care_consent", "note", consent.pk, "旧备注PL03"),
        ("students_student", "archived_reason", leaver.pk, "旧离校原因PL04"),
        ("counseling_referral", "institution", referral.pk, "旧医院PL05"),
    ):
        _sql(f"UPDATE {table} SET {column} = %s WHERE id = %s", [text, pk])
    # Audit rows as the old code wrote them (INSERT is allowed on the append-only table).
    for action, reason, ref, student in (
        ("break_glass", "旧破窗原因PL02", case.public_id, case.student.public_id),
        ("view", "旧破窗原因PL02", case.public_id, case.student.public_id),
    ):
        _sql(
            "INSERT INTO care_auditevent (at, actor_id, actor_name, action, subject, object_ref, student_ref, reason) "
            "VALUES (now(), %s, 'x', %s, 'crisis.case', %s, %s, %s)",
            [principal.pk, action, ref, student, reason],
        )
    _sql(
        "INSERT INTO care_auditevent (at, actor_name, action, subject, object_ref, student_ref, reason) "
        "VALUES (now(), 'x', 'change', 'students.student', %s, %s, %s)",
        [leaver.public_id, leaver.public_id, "已归档：旧离校原因PL04"],
    )
    return step, glass, consent, leaver, referral


def test_existing_plain_values_are_encrypted_and_audit_copies_removed():
    with schema_context("school_alpha"):
        step, glass, consent, leaver, referral = _plain_rows()
        _run()
        stored = {
            "PL01": _sql("SELECT skipped_reason FROM crisis_casestep WHERE id = %s", [step.pk])[0][0],
            "PL02": _sql("SELECT reason FROM crisis_breakglass WHERE id = %s", [glass.pk])[0][0],
            "PL03": _sql("SELECT note FROM care_consent WHERE id = %s", [consent.pk])[0][0],
            "PL04": _sql("SELECT archived_reason FROM students_student WHERE id = %s", [leaver.pk])[0][0],
            "PL05": _sql("SELECT institution FROM counseling_referral WHERE id = %s", [referral.pk])[0][0],
        }
        assert all(v.startswith("xy1:") and k not in v for k, v in stored.items()), stored
        # Bound to their rows: the models read the text back.
        assert CaseStep.objects.get(pk=step.pk).skipped_reason == "旧理由PL01"
        assert BreakGlass.objects.get(pk=glass.pk).reason == "旧破窗原因PL02"
        assert Consent.objects.get(pk=consent.pk).note == "旧备注PL03"
        assert type(leaver).objects.get(pk=leaver.pk).archived_reason == "旧离校原因PL04"
        assert Referral.objects.get(pk=referral.pk).institution == "旧医院PL05"

        trail = [row for (row,) in _sql("SELECT row_to_json(t)::text FROM care_auditevent t")]
        assert not any(marker in row for row in trail for marker in ("PL02", "PL04"))
        rewritten = list(
            AuditEvent.objects.filter(object_ref=glass.case.public_id, reason_ref=glass.public_id)
        )
        # The two old events, and the one the break-glass service wrote itself (left as it was).
        assert sorted(e.action for e in rewritten) == ["break_glass", "break_glass", "view"]
        assert AuditEvent.objects.filter(object_ref=leaver.public_id, reason="已归档").count() == 2

        # Run again: nothing changes (tokens stay as they are).
        _run()
        assert _sql("SELECT note FROM care_consent WHERE id = %s", [consent.pk])[0][0] == stored["PL03"]

        # The audit table is append-only again.
        with pytest.raises(DatabaseError), transaction.atomic():
            _sql("UPDATE care_auditevent SET reason = 'x' WHERE id = (SELECT max(id) FROM care_auditevent)")

        # Reversed, the plain values come back (before the columns turn back into varchar).
        _run(backward=True)
        assert _sql("SELECT note FROM care_consent WHERE id = %s", [consent.pk])[0][0] == "旧备注PL03"
        assert (
            _sql("SELECT institution FROM counseling_referral WHERE id = %s", [referral.pk])[0][0]
            == "旧医院PL05"
        )
    connection.set_schema_to_public()
