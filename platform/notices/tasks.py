"""Notices tasks: they run in the public schema and are sent with ids (and a shareable text) only."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from notices.models import DeliveryStatus, RobotWebhook

log = logging.getLogger(__name__)


def _retry_delays() -> list[int]:
    return list(getattr(settings, "WEBHOOK_RETRY_DELAYS", (10, 60, 300)))


def _names_a_student(config: RobotWebhook, text: str) -> bool:
    if config.school_id is None:
        return False
    from tenants.students.text_check import find_personal_data

    with schema_context(config.school.schema_name):
        return bool(find_personal_data(text))


@shared_task(name="notices.webhook_deliver", bind=True)
def webhook_deliver(self, config_id: int, text: str) -> str:
    from notices.webhooks import DeliveryFailed, deliver, host_of
    from outbox.services import receipt_exists, receipt_record

    # A redelivered message (a worker lost after posting, before its late ack) posts nothing again.
    if receipt_exists(self.request.id):
        return "sent"
    config = RobotWebhook.objects.select_related("school").filter(pk=config_id, enabled=True).first()
    if config is None:
        return "skipped"
    if _names_a_student(config, text):
        log.warning("Robot %s: message refused (it names a student of the school)", config.public_id)
        return "refused"
    attempt = self.request.retries + 1
    try:
        deliver(config, text)
    except Exception as exc:
        reason = str(exc) if isinstance(exc, DeliveryFailed) else type(exc).__name__
        delays = _retry_delays()
        final = self.request.retries >= len(delays)
        log.warning(
            "Robot %s (%s at %s): delivery attempt %d failed: %s%s",
            config.public_id,
            config.kind,
            host_of(config),
            attempt,
            reason,
            "; giving up" if final else "; will retry",
        )
        RobotWebhook.objects.filter(pk=config.pk).update(
            last_status=DeliveryStatus.FAILED, last_error=reason[:120], last_attempt_at=timezone.now()
        )
        if final:
            return "failed"
        raise self.retry(countdown=delays[self.request.retries], exc=None, max_retries=len(delays))
    receipt_record(task_id=self.request.id, task=self.name)
    RobotWebhook.objects.filter(pk=config.pk).update(
        last_status=DeliveryStatus.SENT, last_error="", last_attempt_at=timezone.now()
    )
    return "sent"
