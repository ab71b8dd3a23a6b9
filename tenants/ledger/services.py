"""Write use cases of the task ledger and meetings."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.common.writes import model_create, model_update
from tenants.ledger.models import (
    Meeting,
    MeetingActionItem,
    MeetingDecision,
    MeetingInvitation,
    MeetingStatus,
    ProgressNote,
    Task,
    TaskStatus,
)


def _check_owner(owner):
    if owner is None or not owner.is_active:
        raise ValidationError({"owner": _("Choose an active school account as the responsible person.")})
    if owner.has_role("invited_attendee") and len(owner.roles) == 1:
        raise ValidationError({"owner": _("Invited attendees cannot be responsible for ledger tasks.")})


@transaction.atomic
def task_create(
    *,
    actor,
    title: str,
    owner,
    due_on: date,
    description: str = "",
    priority: str = "normal",
    department: str = "",
    plan=None,
    meeting=None,
    status: str = TaskStatus.TODO,
) -> Task:
    _check_owner(owner)
    data = dict(
        title=title,
        owner=owner,
        due_on=due_on,
        description=description,
        priority=priority,
        department=department,
        plan=plan,
        meeting=meeting,
        status=status,
    )
    if status == TaskStatus.DONE:
        data["completed_at"] = timezone.now()
    return model_create(Task, actor=actor, data=data)


@transaction.atomic
def task_update(task: Task, *, actor, data: dict) -> Task:
    if "owner" in data:
        _check_owner(data["owner"])
    status = data.get("status", task.status)
    if status == TaskStatus.DONE and task.completed_at is None:
        data["completed_at"] = timezone.now()
    elif status != TaskStatus.DONE:
        data["completed_at"] = None
    return model_update(task, data=data)


@transaction.atomic
def task_delete(task: Task, *, actor) -> None:
    task.delete()


@transaction.atomic
def progress_note_add(*, actor, task: Task, text: str, files=()) -> ProgressNote:
    from tenants.workspace.services import attachment_add

    if not (text or "").strip():
        raise ValidationError({"text": _("Write what was done.")})
    note = model_create(ProgressNote, actor=actor, data={"task": task, "text": text.strip()})
    for upload in files:
        attachment_add(actor=actor, subject=note, upload=upload)
    if task.status == TaskStatus.TODO:
        task_update(task, actor=actor, data={"status": TaskStatus.IN_PROGRESS})
    return note


@transaction.atomic
def meeting_create(*, actor, title, starts_at, ends_at, agenda, chair, location="", invitees=()) -> Meeting:
    meeting = model_create(
        Meeting,
        actor=actor,
        data=dict(
            title=title, starts_at=starts_at, ends_at=ends_at, agenda=agenda, chair=chair, location=location
        ),
    )
    meeting_set_invitees(meeting, invitees=invitees)
    return meeting


@transaction.atomic
def meeting_update(meeting: Meeting, *, actor, data: dict, invitees=None) -> Meeting:
    data = dict(data)
    if "invitees" in data:
        invitees = data.pop("invitees")
    meeting = model_update(meeting, data=data)
    if invitees is not None:
        meeting_set_invitees(meeting, invitees=invitees)
    return meeting


@transaction.atomic
def meeting_delete(meeting: Meeting, *, actor) -> None:
    """The meeting goes; tasks made from its action items stay in the ledger (their link is cleared)."""
    meeting.delete()


def meeting_set_invitees(meeting: Meeting, *, invitees) -> None:
    wanted = {u.pk: u for u in invitees}
    meeting.invitations.exclude(person_id__in=wanted).delete()
    existing = set(meeting.invitations.values_list("person_id", flat=True))
    MeetingInvitation.objects.bulk_create(
        [MeetingInvitation(meeting=meeting, person=u) for pk, u in wanted.items() if pk not in existing]
    )


@transaction.atomic
def meeting_record(meeting: Meeting, *, actor, minutes: str, attended_ids, decisions=()) -> Meeting:
    """Record that the meeting was held: minutes (纪要), attendance and decisions."""
    if not (minutes or "").strip():
        raise ValidationError({"minutes": _("Write the minutes before marking the meeting as held.")})
    attended = set(attended_ids)
    for invitation in meeting.invitations.all():
        invitation.attended = invitation.person_id in attended
        invitation.save(update_fields=["attended"])
    for text in decisions:
        if text.strip():
            MeetingDecision.objects.create(meeting=meeting, text=text.strip())
    return model_update(meeting, data={"minutes": minutes.strip(), "status": MeetingStatus.HELD})


@transaction.atomic
def action_item_add(*, actor, meeting: Meeting, text: str, owner, due_on: date) -> MeetingActionItem:
    _check_owner(owner)
    return model_create(MeetingActionItem, data=dict(meeting=meeting, text=text, owner=owner, due_on=due_on))


@transaction.atomic
def action_item_to_task(item: MeetingActionItem, *, actor) -> Task:
    """One step: the action item becomes a ledger task that links back to its meeting."""
    item = MeetingActionItem.objects.select_for_update().get(pk=item.pk)
    if item.task_id:
        raise ValidationError({"task": _("This action item is already a ledger task.")})
    task = task_create(
        actor=actor,
        title=item.text[:200],
        owner=item.owner,
        due_on=item.due_on,
        meeting=item.meeting,
        description=_("From the meeting “%(title)s”.") % {"title": item.meeting.title},
    )
    item.task = task
    item.save(update_fields=["task"])
    return task
