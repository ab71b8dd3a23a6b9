"""School-to-school transfer of a student's record (issue 4, point 10).

The sending school's care team sends the whole record (tenants.care.export.record_package) to
another school on the platform. It goes straight from one school's schema to the other's, in one
database transaction, and is stored there encrypted under the receiving school's key: nothing is
written to the public (district) schema. A counselor of the receiving school accepts it into a
student of a class; both schools then keep a receipt: who accepted, when, and the SHA-256 of what
was sent.
"""

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_tenant_model, schema_context

from tenants.care.access import ClinicalPolicy, reads_clinical
from tenants.care.audit import audit
from tenants.care.models import (
    LEVEL_ORDER,
    AttentionChange,
    AttentionLevel,
    CareRecord,
    IncomingTransfer,
    OutgoingTransfer,
)
from tenants.students.models import Student


def _canonical(package: dict) -> str:
    return json.dumps(package, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def receiving_schools():
    """Active schools other than this one, as (code, name)."""
    here = connection.schema_name
    return list(
        get_tenant_model()
        .objects.filter(status="active")
        .exclude(schema_name=here)
        .exclude(schema_name="public")
        .order_by("name")
        .values_list("code", "name")
    )


@transaction.atomic
def transfer_send(*, student: Student, to_school_code: str, actor, reason: str = "") -> OutgoingTransfer:
    from tenants.care.export import record_package
    from tenants.crisis.services import counselors_on_duty
    from tenants.workspace.services import notify

    if not reads_clinical(actor):
        raise PermissionDenied
    here = get_tenant_model().objects.get(schema_name=connection.schema_name)
    target = (
        get_tenant_model().objects.filter(code=to_school_code, status="active").exclude(pk=here.pk).first()
    )
    if target is None:
        raise ValidationError({"to_school": _("Choose a school on the platform other than this one.")})
    if OutgoingTransfer.objects.filter(
        student_ref=student.public_id, to_school_code=target.code, status="sent"
    ).exists():
        raise ValidationError(
            {"to_school": _("This record was already sent there and waits to be accepted.")}
        )
    text = _canonical(record_package(student))
    digest = digest_of(text)
    outgoing = OutgoingTransfer.objects.create(
        student_ref=student.public_id,
        student_number=student.student_number,
        to_school_code=target.code,
        to_school_name=target.name,
        digest=digest,
        created_by=actor,
    )
    audit(
        actor=actor,
        action="transfer",
        subject="care.record",
        student=student,
        obj=outgoing,
        reason=reason or _("Sent to %(school)s") % {"school": target.name},
    )
    if student.status == "active":
        # save(), not update(): the reason for leaving is encrypted (EncryptedTextField).
        student.status, student.archived_at = "archived", timezone.now()
        student.archived_reason = _("Moved to %(school)s") % {"school": target.name}
        student.save(update_fields=["status", "archived_at", "archived_reason", "updated_at"])
    with schema_context(target.schema_name):
        incoming = IncomingTransfer.objects.create(
            from_school_code=here.code,
            from_school_name=here.name,
            outgoing_ref=outgoing.public_id,
            student_number=student.student_number,
            student_name=student.name,
            package=text,
            digest=digest,
        )
        for person in counselors_on_duty():
            notify(
                recipient=person,
                title=_("A student's record was transferred from %(school)s") % {"school": here.name},
                body=_("Accept it into the student's record."),
                link=f"/care/records/transfers/{incoming.public_id}/",
                dedupe_key=f"transfer:{incoming.public_id}",
            )
    return outgoing


def transfer_match(incoming: IncomingTransfer) -> Student | None:
    """The student of this school a received record would attach to: the one with the same student
    number, archived ones included (a student who left and comes back). None: a new student."""
    return (
        Student.objects.select_related("school_class").filter(student_number=incoming.student_number).first()
    )


# The parts of a record package (tenants.care.export.record_package) that list entries.
PACKAGE_SECTIONS = (
    "screenings",
    "counseling_sessions",
    "observations",
    "crisis_cases",
    "plans",
    "medical_referrals",
)


def package_sections(package: dict) -> dict[str, int]:
    """How many entries each part of a received record holds."""
    return {key: len(package.get(key, [])) for key in PACKAGE_SECTIONS}


@dataclass(frozen=True)
class LevelOutcome:
    """What accepting does to the attention level. A transfer never lowers a level: the higher of
    the received and the current level stays, and a lower received level is written into the
    level's history (the timeline), with the reason the sending school gave."""

    received: str
    current: str
    after: str

    @property
    def kept(self) -> bool:
        """The received level is lower than the current one, which stays."""
        return self.after != self.received

    @property
    def raised(self) -> bool:
        return self.after != self.current


def level_outcome(
    incoming: IncomingTransfer, student: Student | None, package: dict | None = None
) -> LevelOutcome:
    package = package if package is not None else json.loads(incoming.package)
    received = package["attention"]["level"]
    current = "none"
    if student is not None:
        record = CareRecord.objects.filter(student=student).first()
        current = record.level if record else "none"
    after = received if LEVEL_ORDER.index(received) > LEVEL_ORDER.index(current) else current
    return LevelOutcome(received=received, current=current, after=after)


@transaction.atomic
def transfer_accept(incoming: IncomingTransfer, *, actor, school_class) -> Student:
    """Take a received record in. The student is the one `transfer_match` shows before accepting
    (the same student number, archived ones included) or a new one; they join `school_class`
    (an archived student is restored, a student in another class moved, both kept in the class
    history). The attention level is never lowered (`level_outcome`): a higher received level is
    set, a lower one is recorded in the level's history only. The sending school's receipt is
    filled in."""
    from tenants.care.services import attention_set
    from tenants.students.services import student_move, student_restore

    if not reads_clinical(actor):
        raise PermissionDenied
    incoming = IncomingTransfer.objects.select_for_update().get(pk=incoming.pk)
    if incoming.status != "sent":
        raise ValidationError({"status": _("This record was already accepted.")})
    if school_class is None:
        raise ValidationError({"school_class": _("Choose the class the student joins.")})
    package = json.loads(incoming.package)
    if digest_of(incoming.package) != incoming.digest:
        raise ValidationError(
            {
                "package": _(
                    "The received record does not match its digest; ask the sending school to send it again."
                )
            }
        )
    data = package["student"]
    student = transfer_match(incoming)
    if student is None:
        student = Student(
            student_number=data["student_number"],
            name=data["name"],
            gender=data["gender"],
            date_of_birth=data["date_of_birth"],
            school_class=school_class,
            guardian_name=data["guardian_name"],
            guardian_phone=data["guardian_phone"],
            created_by=actor,
        )
        student.full_clean()
        student.save()
    else:
        if student.status != "active":
            student = student_restore(student, actor=actor)
        if student.school_class_id != school_class.pk:
            student = student_move(student, actor=actor, to_class=school_class)
    outcome = level_outcome(incoming, student, package)
    reason = package["attention"]["reason"] or "-"
    if outcome.raised:
        attention_set(
            student=student,
            level=outcome.after,
            actor=actor,
            reason=_("Carried over from %(school)s: %(reason)s")
            % {"school": incoming.from_school_name, "reason": reason},
        )
    else:
        CareRecord.objects.get_or_create(student=student)
        if outcome.received != "none" and outcome.kept:
            # Recorded, not applied: the level's history shows what the other school had.
            labels = dict(AttentionLevel.choices)
            AttentionChange.objects.create(
                student=student,
                from_level=outcome.current,
                to_level=outcome.current,
                changed_by=actor,
                reason=_(
                    "Received from %(school)s at level %(received)s (%(reason)s); the current level "
                    "%(current)s is kept: a transfer never lowers a level."
                )
                % {
                    "school": incoming.from_school_name,
                    "received": labels.get(outcome.received, outcome.received),
                    "reason": reason,
                    "current": labels.get(outcome.current, outcome.current),
                },
            )
    now = timezone.now()
    incoming.status, incoming.accepted_at, incoming.accepted_by, incoming.student = (
        "accepted",
        now,
        actor,
        student,
    )
    incoming.save(update_fields=["status", "accepted_at", "accepted_by", "student", "updated_at"])
    audit(
        actor=actor,
        action="transfer",
        subject="care.record",
        student=student,
        obj=incoming,
        reason=_("Accepted from %(school)s") % {"school": incoming.from_school_name},
    )
    sender = get_tenant_model().objects.filter(code=incoming.from_school_code).first()
    if sender is not None:
        with schema_context(sender.schema_name):
            OutgoingTransfer.objects.filter(public_id=incoming.outgoing_ref).update(
                status="accepted",
                accepted_at=now,
                accepted_by_name=actor.display_name[:80],
            )
    return student


def transferred_package(student) -> list[dict]:
    """Records received for this student from other schools, decoded."""
    return [
        {
            "from": t.from_school_name,
            "accepted_at": t.accepted_at,
            "digest": t.digest,
            "package": json.loads(t.package),
        }
        for t in IncomingTransfer.objects.filter(student=student, status="accepted")
    ]


class TransferPolicy(ClinicalPolicy):
    """Transfers are the care team's: they read both lists and send or accept through their own
    actions; nothing is created or changed as a resource (records arrive only from another
    school, receipts are written by the platform)."""

    def can_create(self, user) -> bool:
        return False

    def can_change(self, user, obj) -> bool:
        return False


transfer_policy = TransferPolicy()
