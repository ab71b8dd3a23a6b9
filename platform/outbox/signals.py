"""The worker marks an outbox message done once its task has succeeded (before the late ack)."""

from celery.signals import task_success


def _message_id(request):
    headers = getattr(request, "headers", None) or {}
    # With the Redis broker the headers are merged into the request (as tenant-schemas-celery notes).
    return headers.get("_outbox_id") or getattr(request, "_outbox_id", None)


@task_success.connect(dispatch_uid="outbox-done")
def _done(sender=None, **kwargs):
    message_id = _message_id(sender.request) if sender is not None else None
    if message_id:
        from outbox.services import outbox_done

        outbox_done(int(message_id))
