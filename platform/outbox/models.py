"""The task outbox (public schema): a task to send, written in the transaction of the work it follows
up, so a task is never lost between a commit and the broker, nor inside the broker (a worker killed
between Redis's BRPOP and kombu's record of the unacknowledged message, a Redis that lost its data).
See outbox/services.py."""

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    task = models.CharField(max_length=200)
    # Ids only, like every Celery message of the platform.
    args = models.JSONField(default=list)
    schema_name = models.CharField(max_length=63)
    created_at = models.DateTimeField(default=timezone.now)
    # When it was last handed to the broker (first: at commit); the resend job sends it again when
    # it is still not done RESEND_AFTER later.
    sent_at = models.DateTimeField(default=timezone.now)
    sends = models.PositiveIntegerField(default=1)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["sent_at"], condition=models.Q(done_at__isnull=True), name="outbox_pending"),
            models.Index(fields=["done_at"], condition=models.Q(done_at__isnull=False), name="outbox_done"),
        ]

    def __str__(self):
        return f"{self.task}#{self.pk}"


class TaskReceipt(models.Model):
    """An idempotency receipt for a task whose effect is outside the database (a robot message): the
    Celery task id, stable across a redelivery and a retry, recorded once the effect is done. A
    redelivered message whose receipt exists does nothing (outbox/services.py)."""

    task_id = models.CharField(max_length=64, unique=True)
    task = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.task}[{self.task_id}]"
