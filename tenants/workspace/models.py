"""Cross-area pieces of the workspace: in-app notifications and file attachments."""

import os
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shared.models import AuthoredModel, PublicModel


class Notification(PublicModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    # One reminder per subject per day: the daily job may run twice without repeating itself.
    dedupe_key = models.CharField(max_length=120, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once",
            )
        ]


def attachment_path(instance, filename):
    # Each school's files under its own folder; names are random so nothing is guessable.
    ext = os.path.splitext(filename)[1].lower()
    return f"schools/{connection.schema_name}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class Attachment(AuthoredModel):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
