from celery import shared_task


@shared_task(name="outbox.resend")
def resend() -> int:
    """Beat, every minute: tasks recorded in the outbox and not done in time are sent again."""
    from outbox.services import outbox_resend

    return outbox_resend()
