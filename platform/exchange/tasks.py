"""Exchange tasks. They run in the public schema (district tasks) and enter schools themselves."""

from celery import shared_task


@shared_task(name="exchange.event_reminders")
def event_reminders() -> int:
    """The day-before reminders of events (beat: once a day, see config/beat.py)."""
    from exchange.services import event_reminders_send

    return event_reminders_send()
