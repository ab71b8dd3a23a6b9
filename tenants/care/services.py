"""Write use cases of the record itself: the attention level (every change kept)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.care.audit import audit
from tenants.care.models import LEVEL_ORDER, AttentionChange, CareRecord


def record_of(student) -> CareRecord:
    record, _created = CareRecord.objects.get_or_create(student=student)
    return record


@transaction.atomic
def attention_set(*, student, level: str, reason: str, actor) -> CareRecord:
    """Set a student's attention level, with the reason, who and when; the change is kept."""
    if level not in LEVEL_ORDER:
        raise ValidationError({"level": _("Choose one of the attention levels.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Write down why the level changes.")})
    record = CareRecord.objects.select_for_update().filter(student=student).first() or record_of(student)
    if record.level == level:
        return record
    AttentionChange.objects.create(
        student=student, from_level=record.level, to_level=level, reason=reason.strip(), changed_by=actor
    )
    record.level, record.reason, record.set_by, record.set_at = level, reason.strip(), actor, timezone.now()
    record.save()
    audit(actor=actor, action="change", subject="care.attention", student=student, obj=record)
    return record


def raises_level(current: str, new: str) -> bool:
    return LEVEL_ORDER.index(new) > LEVEL_ORDER.index(current)
