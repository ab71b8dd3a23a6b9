"""Write use cases shared by every area: attachments and notifications."""

import os

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tenants.workspace.models import Attachment, Notification


def validate_upload(upload, field: str = "file") -> None:
    ext = os.path.splitext(upload.name)[1].lower()
    if ext not in settings.UPLOAD_ALLOWED_EXTENSIONS:
        raise ValidationError(
            {
                field: _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s")
                % {"ext": ext or "?", "allowed": " ".join(settings.UPLOAD_ALLOWED_EXTENSIONS)}
            }
        )
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            {
                field: _("The file is %(size).1f MB; the limit is %(limit).0f MB.")
                % {"size": upload.size / 1048576, "limit": settings.UPLOAD_MAX_BYTES / 1048576}
            }
        )


@transaction.atomic
def attachment_add(*, actor, subject, upload) -> Attachment:
    validate_upload(upload)
    return Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        file=upload,
        name=os.path.basename(upload.name)[:200],
        size=upload.size,
        created_by=actor,
    )


def notify(
    *, recipient, title: str, body: str = "", link: str = "", dedupe_key: str = ""
) -> Notification | None:
    """An in-app notification, and an email when SMTP is configured. Returns None if this
    dedupe_key was already sent to this person."""
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                recipient=recipient, title=title, body=body, link=link, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return None
    if settings.EMAIL_HOST and recipient.email:
        url = _absolute(link)
        transaction.on_commit(
            lambda: send_mail(title, f"{body}\n\n{url}".strip(), None, [recipient.email], fail_silently=True)
        )
    return note


def _absolute(link: str) -> str:
    """An email needs the school's full address, not a path."""
    if not link.startswith("/"):
        return link
    from django.db import connection

    from district.models import Domain
    from shared.accounts.services import site_url

    host = (
        Domain.objects.filter(tenant__schema_name=connection.schema_name, is_primary=True)
        .values_list("domain", flat=True)
        .first()
    )
    return site_url(host, link) if host else link


@transaction.atomic
def notification_mark_read(*, recipient, notification_ids=None) -> int:
    from django.utils import timezone

    qs = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(public_id__in=notification_ids)
    return qs.update(read_at=timezone.now())
