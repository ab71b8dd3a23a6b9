"""Write use cases of the programs area: curriculum, class sessions, activities, subject
integration, publicity and home-school work. Every write is atomic and validated by the model
(full_clean), so errors come back named by field and nothing is half-saved."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shared.accounts.roles import SchoolRole
from tenants.common.roles import is_manager
from tenants.common.writes import model_create, model_update
from tenants.programs.models import (
    Activity,
    ActivityKind,
    ClassSession,
    CurriculumUnit,
    IntegrationLesson,
    ParentEvent,
    PublicityCampaign,
)
from tenants.workspace.models import Attachment


def _require_manager(actor) -> None:
    if not is_manager(actor):
        raise PermissionDenied


def _delete_attachments(obj) -> None:
    attachments = list(
        Attachment.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    )
    for attachment in attachments:
        attachment.delete()
        # The file goes only once the rows are gone for good.
        transaction.on_commit(lambda f=attachment.file: f.delete(save=False))


# Curriculum (课程体系)


@transaction.atomic
def curriculum_unit_create(
    *, actor, school_year: str, grade: int, title: str, objectives: str, planned_sessions: int = 1
) -> CurriculumUnit:
    _require_manager(actor)
    return model_create(
        CurriculumUnit,
        actor=actor,
        data=dict(
            school_year=school_year,
            grade=grade,
            title=title,
            objectives=objectives,
            planned_sessions=planned_sessions,
        ),
    )


@transaction.atomic
def curriculum_unit_update(unit: CurriculumUnit, *, actor, data: dict) -> CurriculumUnit:
    _require_manager(actor)
    return model_update(unit, data=data)


@transaction.atomic
def curriculum_unit_delete(unit: CurriculumUnit, *, actor) -> None:
    _require_manager(actor)
    unit = CurriculumUnit.objects.select_for_update().get(pk=unit.pk)
    if unit.sessions.exists():
        raise ValidationError({"unit": _("Class sessions were delivered for this unit; delete them first.")})
    unit.delete()


# Class sessions


@transaction.atomic
def class_session_create(
    *, actor, unit: CurriculumUnit, class_name: str, held_on: date, teacher, topic: str, notes: str = ""
) -> ClassSession:
    _require_manager(actor)
    return model_create(
        ClassSession,
        actor=actor,
        data=dict(
            unit=unit,
            class_name=(class_name or "").strip(),
            held_on=held_on,
            teacher=teacher,
            topic=topic,
            notes=notes,
        ),
    )


@transaction.atomic
def class_session_update(session: ClassSession, *, actor, data: dict) -> ClassSession:
    _require_manager(actor)
    if "class_name" in data:
        data["class_name"] = (data["class_name"] or "").strip()
    return model_update(session, data=data)


@transaction.atomic
def class_session_delete(session: ClassSession, *, actor) -> None:
    _require_manager(actor)
    session.delete()


# Activities (活动)


def _check_activity_rights(actor, *, kind: str, organiser) -> None:
    """Managers record any activity. Homeroom teachers record themed class meetings they organise."""
    if is_manager(actor):
        return
    if not actor.has_role(SchoolRole.HOMEROOM_TEACHER):
        raise PermissionDenied
    errors = {}
    if kind != ActivityKind.CLASS_MEETING:
        errors["kind"] = _("Homeroom teachers record themed class meetings (主题班会) only.")
    if organiser is not None and organiser.pk != actor.pk:
        errors["organiser"] = _("You can only record activities you organise yourself.")
    if errors:
        raise ValidationError(errors)


def _clean_classes(classes) -> list[str]:
    seen = []
    for name in classes or ():
        name = (name or "").strip()
        if name and name not in seen:
            seen.append(name)
    return seen


@transaction.atomic
def activity_create(
    *,
    actor,
    kind: str,
    title: str,
    held_on: date,
    organiser=None,
    audience_grades=(),
    audience_classes=(),
    participant_count: int = 0,
    description: str = "",
    files=(),
) -> Activity:
    organiser = organiser or actor
    _check_activity_rights(actor, kind=kind, organiser=organiser)
    activity = model_create(
        Activity,
        actor=actor,
        data=dict(
            kind=kind,
            title=title,
            held_on=held_on,
            organiser=organiser,
            audience_grades=sorted(set(audience_grades or ())),
            audience_classes=_clean_classes(audience_classes),
            participant_count=participant_count,
            description=description,
        ),
    )
    for upload in files:
        activity_attachment_add(activity, actor=actor, upload=upload)
    return activity


@transaction.atomic
def activity_update(activity: Activity, *, actor, data: dict, files=()) -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not is_manager(actor):
        # A homeroom teacher changes only their own class meetings, and they stay that.
        if activity.organiser_id != actor.pk or activity.kind != ActivityKind.CLASS_MEETING:
            raise PermissionDenied
        _check_activity_rights(
            actor, kind=data.get("kind", activity.kind), organiser=data.get("organiser", actor)
        )
    if "audience_grades" in data:
        data["audience_grades"] = sorted(set(data["audience_grades"] or ()))
    if "audience_classes" in data:
        data["audience_classes"] = _clean_classes(data["audience_classes"])
    activity = model_update(activity, data=data)
    for upload in files:
        activity_attachment_add(activity, actor=actor, upload=upload)
    return activity


@transaction.atomic
def activity_attachment_add(activity: Activity, *, actor, upload) -> Attachment:
    from tenants.programs.policies import activity_policy
    from tenants.workspace.services import attachment_add, validate_upload

    if not activity_policy.can_change(actor, activity):
        raise PermissionDenied
    validate_upload(upload, field="attachment")
    return attachment_add(actor=actor, subject=activity, upload=upload)


@transaction.atomic
def activity_delete(activity: Activity, *, actor) -> None:
    _require_manager(actor)
    _delete_attachments(activity)
    activity.delete()


# Subject integration (学科融合)


@transaction.atomic
def integration_lesson_create(
    *, actor, subject: str, teacher, class_name: str, held_on: date, topic: str, reflection: str = ""
) -> IntegrationLesson:
    _require_manager(actor)
    return model_create(
        IntegrationLesson,
        actor=actor,
        data=dict(
            subject=subject,
            teacher=teacher,
            class_name=(class_name or "").strip(),
            held_on=held_on,
            topic=topic,
            reflection=reflection,
        ),
    )


@transaction.atomic
def integration_lesson_update(lesson: IntegrationLesson, *, actor, data: dict) -> IntegrationLesson:
    _require_manager(actor)
    return model_update(lesson, data=data)


@transaction.atomic
def integration_lesson_delete(lesson: IntegrationLesson, *, actor) -> None:
    _require_manager(actor)
    lesson.delete()


# Publicity (宣传)


@transaction.atomic
def publicity_campaign_create(
    *,
    actor,
    channel: str,
    title: str,
    starts_on: date,
    ends_on: date,
    audience: str = "",
    description: str = "",
    reach: int = 0,
) -> PublicityCampaign:
    _require_manager(actor)
    return model_create(
        PublicityCampaign,
        actor=actor,
        data=dict(
            channel=channel,
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
            audience=audience,
            description=description,
            reach=reach,
        ),
    )


@transaction.atomic
def publicity_campaign_update(campaign: PublicityCampaign, *, actor, data: dict) -> PublicityCampaign:
    _require_manager(actor)
    return model_update(campaign, data=data)


@transaction.atomic
def publicity_campaign_delete(campaign: PublicityCampaign, *, actor) -> None:
    _require_manager(actor)
    campaign.delete()


# Home-school work (家庭讲座 / 家长培训)


@transaction.atomic
def parent_event_create(
    *,
    actor,
    kind: str,
    title: str,
    held_on: date,
    speaker: str,
    invited_count: int = 0,
    attendance_count: int = 0,
    notes: str = "",
) -> ParentEvent:
    _require_manager(actor)
    return model_create(
        ParentEvent,
        actor=actor,
        data=dict(
            kind=kind,
            title=title,
            held_on=held_on,
            speaker=speaker,
            invited_count=invited_count,
            attendance_count=attendance_count,
            notes=notes,
        ),
    )


@transaction.atomic
def parent_event_update(event: ParentEvent, *, actor, data: dict) -> ParentEvent:
    _require_manager(actor)
    return model_update(event, data=data)


@transaction.atomic
def parent_event_delete(event: ParentEvent, *, actor) -> None:
    _require_manager(actor)
    event.delete()
