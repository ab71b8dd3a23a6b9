"""Write use cases of the record pages: homeroom teachers' observations and referrals, a counselor
marking a referral as seen, and guardians' consent answers. (The attention level is set by
tenants.care.services.attention_set.) Each change writes one audit event in its transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shared.accounts.models import User
from tenants.care.access import CARE_TEAM
from tenants.care.audit import audit
from tenants.care.models import Consent, ConsentStatus, Observation, ObservationKind
from tenants.care.selectors import homeroom_students


def care_team():
    return [u for u in User.objects.filter(is_active=True).order_by("pk") if u.has_role(*CARE_TEAM)]


def _referral_alert(observation: Observation) -> int:
    """In-app alert to the care team. It names no student: it links to the observation, which
    only the care team (and its author) can open."""
    from tenants.workspace.services import notify

    sent = 0
    for person in care_team():
        note = notify(
            recipient=person,
            title=_("A homeroom teacher referred a student"),
            body=_("Open the referral to see who and why, then mark it as seen."),
            link=f"/care/observations/{observation.public_id}/",
            dedupe_key=f"care:referral:{observation.public_id}",
        )
        sent += note is not None
    return sent


@transaction.atomic
def observation_create(*, actor, student, kind: str, observed_on, text: str) -> Observation:
    """A homeroom teacher's observation or referral about a student of their own class."""
    if student is None or not homeroom_students(actor).filter(pk=student.pk).exists():
        raise ValidationError({"student": _("Choose a student of a class you are the homeroom teacher of.")})
    if kind not in ObservationKind.values:
        raise ValidationError({"kind": _("Choose observation or referral.")})
    if observed_on is None:
        raise ValidationError({"observed_on": _("Enter the date.")})
    if observed_on > timezone.localdate():
        raise ValidationError({"observed_on": _("The date cannot be in the future.")})
    if not (text or "").strip():
        raise ValidationError({"text": _("Write down what you observed.")})
    observation = Observation(
        student=student, kind=kind, observed_on=observed_on, text=text.strip(), created_by=actor
    )
    observation.full_clean()
    observation.save()
    audit(actor=actor, action="create", subject="care.observation", student=student, obj=observation)
    if kind == ObservationKind.REFERRAL:
        _referral_alert(observation)
    return observation


@transaction.atomic
def observation_acknowledge(observation: Observation, *, actor) -> Observation:
    """A counselor has seen the observation or referral. Seeing it twice keeps the first time."""
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    if observation.acknowledged_at is None:
        observation.acknowledged_at = timezone.now()
        observation.save(update_fields=["acknowledged_at", "updated_at"])
        audit(
            actor=actor,
            action="change",
            subject="care.observation",
            student=observation.student,
            obj=observation,
        )
    return observation


@transaction.atomic
def consent_record(
    *,
    actor,
    student,
    status: str,
    guardian_name: str,
    recorded_on,
    note: str = "",
    purpose: str = "screening",
) -> Consent:
    """A guardian's answer. The latest answer per student and purpose is the one in force."""
    if student is None:
        raise ValidationError({"student": _("Choose a student.")})
    if status not in ConsentStatus.values:
        raise ValidationError({"status": _("Choose granted, refused or withdrawn.")})
    if recorded_on is not None and recorded_on > timezone.localdate():
        raise ValidationError({"recorded_on": _("The date cannot be in the future.")})
    if len((note or "").strip()) > 200:
        raise ValidationError({"note": _("At most %(n)d characters.") % {"n": 200}})
    consent = Consent(
        student=student,
        purpose=purpose,
        status=status,
        guardian_name=(guardian_name or "").strip(),
        recorded_on=recorded_on,
        note=(note or "").strip(),
        created_by=actor,
    )
    consent.full_clean()
    consent.save()
    audit(actor=actor, action="create", subject="care.consent", student=student, obj=consent)
    return consent
