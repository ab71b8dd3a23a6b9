"""Retention (issue 4, point 10): each type of record is kept for its RetentionRule's years, then
archived (hidden from everyday pages, still in the school's schema), then deleted `grace_days`
later. The clock starts when the record was made, or, for crisis cases and plans, when it closed;
open cases and plans are never touched. Each archive and delete writes an audit event.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from tenants.care.audit import audit_many
from tenants.care.models import RetentionRule


@dataclass(frozen=True)
class Kind:
    model: str  # app_label.Model
    basis: str  # the field the retention period counts from
    subject: str


KINDS = {
    "screening": Kind("screening.Response", "taken_at", "screening.response"),
    "counseling": Kind("counseling.CounselingSession", "held_at", "counseling.session"),
    "observation": Kind("care.Observation", "created_at", "care.observation"),
    "referral": Kind("counseling.Referral", "created_at", "counseling.referral"),
    "crisis": Kind("crisis.CrisisCase", "closed_at", "crisis.case"),
    "plan": Kind("counseling.CarePlan", "closed_at", "counseling.plan"),
}


def _years_ago(now, years: int):
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def _due(rule: RetentionRule, now):
    """The records of a rule's type past their period (to archive), and those archived longer than
    the grace period (to delete)."""
    kind = KINDS[rule.record_type]
    model = apps.get_model(kind.model)
    expired = model.objects.filter(
        archived_at__isnull=True,
        **{f"{kind.basis}__isnull": False, f"{kind.basis}__lt": _years_ago(now, rule.keep_years)},
    )
    stale = model.objects.filter(archived_at__lt=now - timedelta(days=rule.grace_days))
    return kind, model, expired, stale


def retention_preview(*, now=None) -> dict:
    """What the next run would do, per record type: {"archive": n, "delete": n, "archived": n}."""
    now = now or timezone.now()
    preview = {}
    for rule in RetentionRule.objects.all():
        _kind, model, expired, stale = _due(rule, now)
        preview[rule.record_type] = {
            "archive": expired.count(),
            "delete": stale.count(),
            "archived": model.objects.filter(archived_at__isnull=False).count(),
        }
    return preview


@transaction.atomic
def apply_retention(*, now=None) -> dict:
    """Archive what has passed its period and delete what has been archived for longer than the
    grace period. Returns {"<type>": {"archived": n, "deleted": n}}."""
    now = now or timezone.now()
    done = {}
    for rule in RetentionRule.objects.all():
        # Both querysets are lazy: `stale` is read after the archiving, which it cannot match
        # (just-archived rows are not older than the grace period).
        kind, _model, expired, stale = _due(rule, now)
        archived = audit_many(
            actor=None,
            action="archive",
            subject=kind.subject,
            reason=f"retention {rule.keep_years}y",
            objects=expired.select_related("student").only("pk", "public_id", "student__public_id"),
        )
        expired.update(archived_at=now)
        deleted = audit_many(
            actor=None,
            action="delete",
            subject=kind.subject,
            reason=f"retention {rule.keep_years}y + {rule.grace_days}d",
            objects=stale.select_related("student").only("pk", "public_id", "student__public_id"),
        )
        stale.delete()
        done[rule.record_type] = {"archived": archived, "deleted": deleted}
    return done
