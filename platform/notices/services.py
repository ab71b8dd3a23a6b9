"""Write use cases of notices: group-robot configuration (and, below, the district's notices)."""

import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from district import audit
from district.models import SchoolType
from notices.models import (
    Audience,
    DeliveryStatus,
    Notice,
    NoticeAttachment,
    NoticeKind,
    NoticeRecipient,
    RobotKind,
    RobotWebhook,
)
from notices.webhooks import url_check, url_hint

MAX_SECRET = 200


@transaction.atomic
def robot_webhook_set(
    *, actor, school=None, kind: str, url: str = "", secret: str = "", enabled: bool = True
) -> RobotWebhook:
    """Configure the group robot of `school` (the district's when None). An empty `url` or `secret`
    keeps the stored one (pages never show them back); a new URL or kind needs a URL."""
    if kind not in RobotKind.values:
        raise ValidationError({"kind": _("Choose WeCom or DingTalk.")})
    config = RobotWebhook.objects.select_for_update().filter(school=school).first()
    url = (url or "").strip()
    secret = (secret or "").strip()
    if config is None or config.kind != kind:
        if not url:
            raise ValidationError({"url": _("Paste the robot's webhook address.")})
    if url:
        url = url_check(kind, url)
    if len(secret) > MAX_SECRET:
        raise ValidationError({"secret": _("The signing secret is too long.")})
    if secret and kind != RobotKind.DINGTALK:
        raise ValidationError({"secret": _("Only a DingTalk robot has a signing secret: leave it empty.")})
    if config is None:
        config = RobotWebhook(school=school)
    if config.kind != kind:
        config.secret = ""
    config.kind = kind
    if url:
        config.url = url
        config.url_hint = url_hint(url)
    if secret:
        config.secret = secret
    if kind != RobotKind.DINGTALK:
        config.secret = ""
    config.enabled = enabled
    config.updated_by = str(getattr(actor, "username", actor) or "")[:150]
    config.last_status = DeliveryStatus.NONE if url else config.last_status
    config.last_error = "" if url else config.last_error
    config.save()
    if school is None:
        audit.record(actor, "webhook.set", target=str(config.public_id), summary=str(config))
    return config


@transaction.atomic
def robot_webhook_remove(*, actor, school=None) -> bool:
    deleted, _rows = RobotWebhook.objects.filter(school=school).delete()
    if deleted and school is None:
        audit.record(actor, "webhook.remove", summary=_("The district's group robot was removed"))
    return bool(deleted)


# --- Notices ----------------------------------------------------------------------------------------

MAX_FILES = 10


def _addressed(audience: str, school_types, schools):
    from district.models import School, SchoolStatus

    active = School.objects.filter(status=SchoolStatus.ACTIVE).exclude(schema_name="public")
    if audience == Audience.ALL:
        return list(active.order_by("code"))
    if audience == Audience.TYPES:
        if not school_types:
            raise ValidationError({"school_types": _("Choose at least one school type.")})
        return list(active.filter(school_type__in=list(school_types)).order_by("code"))
    if audience == Audience.SCHOOLS:
        chosen = list(active.filter(pk__in=[s.pk for s in schools or ()]).order_by("code"))
        if not chosen:
            raise ValidationError({"schools": _("Choose at least one school.")})
        return chosen
    raise ValidationError({"audience": _("Choose who receives the notice.")})


def robot_text(notice) -> str:
    """What a school's group robot says: the notice's title and deadline, nothing else."""
    text = _("New notice from the district: “%(title)s”.") % {"title": notice.title}
    if notice.deadline:
        text += " " + _("Deadline: %(date)s.") % {"date": notice.deadline.isoformat()}
    if notice.asks_action:
        text += " " + _("It asks for action.")
    return text + " " + _("Sign in to the platform to read it.")


@transaction.atomic
def notice_send(
    *,
    actor,
    title: str,
    body: str = "",
    kind: str = NoticeKind.NOTICE,
    deadline=None,
    asks_action: bool = False,
    audience: str = Audience.ALL,
    school_types=(),
    schools=(),
    files=(),
) -> Notice:
    """Send a notice: the addressed schools are fixed now, the attachments are checked by type and
    size, the district audit log records it, and after commit each addressed school's group robot
    (and the district's) announces it."""
    from tenants.workspace.services import validate_upload

    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the notice a title.")})
    if kind not in NoticeKind.values:
        raise ValidationError({"kind": _("Not one of the choices.")})
    unknown = [t for t in school_types or () if t not in SchoolType.values]
    if unknown:
        raise ValidationError({"school_types": _("Not one of the choices.")})
    files = list(files or ())
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("Attach at most %(n)d files.") % {"n": MAX_FILES}})
    for upload in files:
        validate_upload(upload, field="files")
    addressed = _addressed(audience, school_types, schools)
    if not addressed:
        raise ValidationError({"audience": _("No active school matches: choose other schools or types.")})
    notice = Notice.objects.create(
        kind=kind,
        title=title,
        body=(body or "").strip(),
        deadline=deadline,
        asks_action=bool(asks_action),
        audience=audience,
        school_types=sorted(set(school_types or ())) if audience == Audience.TYPES else [],
        sent_by=str(getattr(actor, "username", actor) or "")[:150],
    )
    for upload in files:
        NoticeAttachment.objects.create(
            notice=notice, file=upload, name=os.path.basename(upload.name)[:200], size=upload.size
        )
    NoticeRecipient.objects.bulk_create(NoticeRecipient(notice=notice, school=s) for s in addressed)
    audit.record(
        actor,
        "notice.send",
        target=str(notice.public_id),
        summary=_("“%(title)s” to %(n)d schools") % {"title": title[:200], "n": len(addressed)},
    )
    from notices.webhooks import announce, announce_many

    announce_many(robot_text(notice), schools=addressed)
    announce(_("The district sent “%(title)s” to %(n)d schools.") % {"title": title, "n": len(addressed)})
    return notice


@transaction.atomic
def notice_mark_read(*, recipient: NoticeRecipient, reader) -> bool:
    """The school has read the notice: the first reader and time are kept, later reads change
    nothing. True when this was the first read."""
    name = getattr(reader, "display_name", "") or getattr(reader, "username", "")
    updated = NoticeRecipient.objects.filter(pk=recipient.pk, first_read_at__isnull=True).update(
        first_read_at=timezone.now(), first_reader=str(name)[:150]
    )
    return bool(updated)


@transaction.atomic
def notice_to_task(*, recipient: NoticeRecipient, actor, owner, due_on=None):
    """One step, as a meeting's action item does: the notice becomes a ledger task of the school
    (in the current school's schema), owned by `owner`, due on `due_on` (the deadline by default)."""
    from tenants.ledger.services import task_create

    recipient = NoticeRecipient.objects.select_for_update().select_related("notice").get(pk=recipient.pk)
    notice = recipient.notice
    if not notice.asks_action:
        raise ValidationError(_("This notice does not ask for action."))
    if recipient.task_public_id:
        raise ValidationError(_("This notice is already a ledger task."))
    due_on = due_on or notice.deadline
    if due_on is None:
        raise ValidationError({"due_on": _("Choose a due date.")})
    task = task_create(
        actor=actor,
        title=notice.title[:200],
        owner=owner,
        due_on=due_on,
        description=_("From the district notice “%(title)s”.") % {"title": notice.title},
    )
    recipient.task_public_id = task.public_id
    recipient.task_made_at = timezone.now()
    recipient.save(update_fields=["task_public_id", "task_made_at"])
    return task
