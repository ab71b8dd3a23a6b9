from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone

from shared.tasks import SchoolTask


@shared_task(base=SchoolTask, name="accounts.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Sessions live in each school's schema, so each school clears its own."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
