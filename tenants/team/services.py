"""Write use cases of the team area: staff records, training plans and training records."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tenants.common.writes import model_create, model_update
from tenants.team.models import StaffMember, TrainingPlan, TrainingRecord

STAFF_FIELDS = (
    "account",
    "name",
    "position",
    "psychology_post",
    "qualification",
    "certificate_number",
    "is_active",
    "notes",
)
PLAN_FIELDS = ("title", "school_year", "audience", "planned_hours", "starts_on", "ends_on", "description")
RECORD_FIELDS = ("staff", "plan", "title", "trained_on", "hours", "provider", "certificate")


def _check_account(account, *, staff: StaffMember | None = None) -> None:
    if account is None:
        return
    if not account.is_active:
        raise ValidationError({"account": _("Choose an active school account.")})
    taken = StaffMember.objects.filter(account=account)
    if staff is not None:
        taken = taken.exclude(pk=staff.pk)
    if taken.exists():
        raise ValidationError({"account": _("This account already has a staff record.")})


@transaction.atomic
def staff_create(
    *,
    actor,
    name: str,
    position: str,
    psychology_post: str = "none",
    account=None,
    qualification: str = "",
    certificate_number: str = "",
    is_active: bool = True,
    notes: str = "",
) -> StaffMember:
    _check_account(account)
    return model_create(
        StaffMember,
        actor=actor,
        data=dict(
            account=account,
            name=(name or "").strip(),
            position=position,
            psychology_post=psychology_post,
            qualification=qualification.strip(),
            certificate_number=certificate_number.strip(),
            is_active=is_active,
            notes=notes,
        ),
    )


@transaction.atomic
def staff_update(staff: StaffMember, *, actor, data: dict) -> StaffMember:
    data = {k: v for k, v in data.items() if k in STAFF_FIELDS}
    if "account" in data:
        _check_account(data["account"], staff=staff)
    return model_update(staff, data=data)


@transaction.atomic
def staff_delete(staff: StaffMember, *, actor) -> None:
    if staff.training_records.exists():
        raise ValidationError(
            {
                "staff": _(
                    "This person has training records and cannot be deleted. Mark them as no longer on staff."
                )
            }
        )
    staff.delete()


@transaction.atomic
def training_plan_create(
    *,
    actor,
    title: str,
    school_year: str,
    audience: str,
    planned_hours,
    starts_on: date,
    ends_on: date,
    description: str = "",
) -> TrainingPlan:
    return model_create(
        TrainingPlan,
        actor=actor,
        data=dict(
            title=(title or "").strip(),
            school_year=(school_year or "").strip(),
            audience=audience,
            planned_hours=planned_hours,
            starts_on=starts_on,
            ends_on=ends_on,
            description=description,
        ),
    )


@transaction.atomic
def training_plan_update(plan: TrainingPlan, *, actor, data: dict) -> TrainingPlan:
    return model_update(plan, data={k: v for k, v in data.items() if k in PLAN_FIELDS})


@transaction.atomic
def training_plan_delete(plan: TrainingPlan, *, actor) -> None:
    # Records keep their hours; they only lose the link to the plan.
    plan.delete()


def _check_staff(staff: StaffMember | None) -> None:
    if staff is not None and not staff.is_active:
        raise ValidationError({"staff": _("This person is no longer on staff.")})


@transaction.atomic
def training_record_create(
    *,
    actor,
    staff: StaffMember,
    title: str = "",
    trained_on: date,
    hours,
    plan=None,
    provider: str = "",
    certificate: str = "",
    files=(),
) -> TrainingRecord:
    """Record a training a staff member took. Without a title the plan's title is used.
    `files` (certificates, sign-in sheets) are attached to the record."""
    from tenants.workspace.services import attachment_add

    _check_staff(staff)
    title = (title or "").strip() or (plan.title if plan is not None else "")
    record = model_create(
        TrainingRecord,
        actor=actor,
        data=dict(
            staff=staff,
            plan=plan,
            title=title,
            trained_on=trained_on,
            hours=hours,
            provider=provider.strip(),
            certificate=certificate.strip(),
        ),
    )
    for upload in files:
        attachment_add(actor=actor, subject=record, upload=upload)
    return record


@transaction.atomic
def training_record_update(record: TrainingRecord, *, actor, data: dict, files=()) -> TrainingRecord:
    """`files` are attached to the record besides those it has."""
    from tenants.workspace.services import attachment_add

    data = {k: v for k, v in data.items() if k in RECORD_FIELDS}
    if "staff" in data and data["staff"].pk != record.staff_id:
        _check_staff(data["staff"])
    record = model_update(record, data=data)
    for upload in files:
        attachment_add(actor=actor, subject=record, upload=upload)
    return record


@transaction.atomic
def training_record_delete(record: TrainingRecord, *, actor) -> None:
    from django.contrib.contenttypes.models import ContentType

    from tenants.workspace.models import Attachment

    Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(TrainingRecord), object_id=record.pk
    ).delete()
    record.delete()
