"""A transactional outbox for Celery tasks whose loss would matter.

    from outbox.services import outbox_send
    outbox_send(event_remind_school, event.pk, schema_name=school.schema_name)

`outbox_send` writes an OutboxMessage in the caller's transaction and, once it commits, sends the task
with the message's id in the `_outbox_id` header (and the schema in `_schema_name`). When the task
succeeds, the worker marks the message done (outbox/signals.py). `outbox.resend` (beat, every minute)
sends again every message not done OUTBOX_RESEND_AFTER seconds after it was last sent and no longer
held by the broker (outbox/broker.py: a message waiting behind a long queue is not copied), and
forgets done messages after a week. So a task is delivered at least once even when the broker loses it
(kombu's Redis transport pops a message before it records it as unacknowledged, so a worker killed
between the two loses it; a Redis without its append-only file loses its queue): the task itself must
be idempotent, with an idempotency key written in the same transaction as its effect.

A task whose effect is outside the database (a robot message) records a TaskReceipt under its Celery
task id once the effect is done, and a redelivered message with a receipt does nothing
(`receipt_exists`, `receipt_record`).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from outbox.broker import held_outbox_ids
from outbox.models import OutboxMessage, TaskReceipt

log = logging.getLogger(__name__)

HEADER = "_outbox_id"
KEEP_DONE = timedelta(days=7)
# A task that fails every time is not sent for ever: after this many sends it waits for a person
# (its row stays, not done; the log says how many are waiting).
MAX_SENDS = 10


def _publish(message_id: int, task: str, args: list, schema_name: str) -> bool:
    from celery import current_app

    try:
        current_app.send_task(task, args=args, headers={"_schema_name": schema_name, HEADER: message_id})
    except Exception as exc:  # noqa: BLE001 - the resend job sends it later; the class name only
        log.warning(
            "Outbox %s (%s) not sent: %s; it will be sent again", message_id, task, type(exc).__name__
        )
        return False
    return True


def outbox_send(task, *args: int | str, schema_name: str | None = None) -> OutboxMessage:
    """Record the task in the current transaction and send it after commit (see the module)."""
    schema = schema_name or connection.schema_name
    message = OutboxMessage.objects.create(task=task.name, args=list(args), schema_name=schema)
    transaction.on_commit(
        lambda: _publish(message.pk, message.task, message.args, message.schema_name), robust=True
    )
    return message


def outbox_done(message_id: int) -> bool:
    return bool(
        OutboxMessage.objects.filter(pk=message_id, done_at__isnull=True).update(done_at=timezone.now())
    )


def outbox_resend(*, now=None, after: float | None = None, limit: int = 5000) -> int:
    """Send again the messages not done `after` seconds (OUTBOX_RESEND_AFTER) after their last send
    that the broker no longer holds, up to MAX_SENDS sends; forget done ones older than a week.
    Returns how many were sent."""
    now = now or timezone.now()
    after = settings.OUTBOX_RESEND_AFTER if after is None else after
    OutboxMessage.objects.filter(done_at__lt=now - KEEP_DONE).delete()
    TaskReceipt.objects.filter(created_at__lt=now - KEEP_DONE).delete()
    late = OutboxMessage.objects.filter(
        done_at__isnull=True, sends__lt=MAX_SENDS, sent_at__lte=now - timedelta(seconds=after)
    )
    # The broker is read (only when something is late) before the rows are taken: a message the
    # broker no longer holds and the database still shows not done was lost (or its worker is between
    # taking it and recording it, and it runs twice).
    held = held_outbox_ids() if late.exists() else None
    sent = 0
    if held is not None:
        with transaction.atomic():
            due = [
                message
                for message in late.select_for_update(skip_locked=True).order_by("sent_at")[:limit]
                if message.pk not in held
            ]
            OutboxMessage.objects.filter(pk__in=[m.pk for m in due]).update(sent_at=now, sends=F("sends") + 1)
        sent = sum(_publish(m.pk, m.task, m.args, m.schema_name) for m in due)
        if due:
            log.warning("Outbox: %d lost task(s) sent again (%d reached the broker)", len(due), sent)
    given_up = OutboxMessage.objects.filter(done_at__isnull=True, sends__gte=MAX_SENDS).count()
    if given_up:
        log.error("Outbox: %d task(s) still not done after %d sends; not sent again", given_up, MAX_SENDS)
    return sent


def receipt_exists(task_id: str | None) -> bool:
    """Whether the task with this id (a redelivery or a retry of it) already did its effect."""
    return bool(task_id) and TaskReceipt.objects.filter(task_id=task_id).exists()


def receipt_record(*, task_id: str | None, task: str) -> None:
    """Record that the task did its effect. Between the effect and this record (milliseconds) a
    killed worker still means the effect may happen again: an outside service without an idempotency
    key of its own can do no better."""
    if task_id:
        TaskReceipt.objects.get_or_create(task_id=task_id, defaults={"task": task})
