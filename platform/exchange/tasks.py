"""Exchange tasks. The daily job runs in the public schema and queues one task per school, which
runs in that school's schema; messages carry ids only."""

from celery import shared_task

from shared.tasks import SchoolTask


@shared_task(name="exchange.event_reminders")
def event_reminders() -> int:
    """The day-before reminders of events (beat: once a day, see config/beat.py)."""
    from exchange.services import event_reminders_send

    return event_reminders_send()


@shared_task(base=SchoolTask, name="exchange.event_remind_school")
def event_remind_school(event_id: int) -> int:
    """One event's reminders in one school (idempotent: see exchange.services.event_school_remind)."""
    from exchange.services import event_school_remind

    return event_school_remind(event_id=event_id)
