"""The audit trail: one AuditEvent for every read and change of a student's sensitive data.

Call `audit()` once per sensitive read (a detail page, an API retrieve, an export) and once per
change, in the same transaction as the change. The table is append-only in the database.
"""

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from tenants.care.models import AuditEvent

# An event never carries clinical free text in `reason`. A break-glass (and each case view during
# it) refers to the break-glass row, whose reason is encrypted, with this text (care migration 0005
# rewrote older events the same way).
BREAK_GLASS_TEXT = gettext_noop("break-glass: the reason is kept encrypted with it, for the care team")


def break_glass_reason() -> str:
    return gettext(BREAK_GLASS_TEXT)


# What each `subject` code means, for the audit page and its export.
SUBJECT_LABELS = {
    "care.record": _("Mental-health record"),
    "care.attention": _("Attention level"),
    "care.observation": _("Observation or referral"),
    "care.consent": _("Guardian consent"),
    "care.audit": _("Audit trail"),
    "care.retention": _("Retention period"),
    "care.transfer": _("Record transfer"),
    "crisis.case": _("Crisis case"),
    "screening.response": _("Screening response"),
    "screening.campaign": _("Screening campaign and its students"),
    "students.roster": _("Student roster"),
    "students.student": _("Student"),
    "counseling.session": _("Counseling session"),
    "counseling.referral": _("Medical referral"),
    "counseling.plan": _("Plan (一生一策)"),
}


def subject_label(code: str) -> str:
    return str(SUBJECT_LABELS.get(code, code))


def _event(*, actor, action: str, subject: str, student, obj, reason: str, reason_ref=None) -> AuditEvent:
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(getattr(actor, "display_name", "") or "system")[:80],
        action=action,
        subject=subject[:40],
        object_ref=getattr(obj, "public_id", None),
        student_ref=getattr(student, "public_id", None),
        reason=(reason or "")[:300],
        reason_ref=reason_ref,
    )


def audit(
    *, actor, action: str, subject: str, student=None, obj=None, reason: str = "", reason_ref=None
) -> AuditEvent:
    """`subject` names the kind of record, e.g. "screening.response"; `student` is a Student (or
    None for a list); `obj` is the record read or changed, when it has a public_id. `reason` is never
    clinical free text: when the why is such text, it stays encrypted in its own row and `reason_ref`
    names that row (its public_id)."""
    event = _event(
        actor=actor,
        action=action,
        subject=subject,
        student=student,
        obj=obj,
        reason=reason,
        reason_ref=reason_ref,
    )
    event.save()
    return event


def audit_many(*, actor, action: str, subject: str, objects, reason: str = "") -> int:
    """One audit event per object (each a student, or a row with `.student`), in one INSERT per
    thousand: for bulk work such as a roster import or the retention job."""
    events = [
        _event(
            actor=actor,
            action=action,
            subject=subject,
            student=getattr(obj, "student", obj),
            obj=obj,
            reason=reason,
        )
        for obj in objects
    ]
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)
