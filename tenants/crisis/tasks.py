"""The escalation job, one task per school (fanned out by the district beat job `district.fan_out`)."""

from celery import shared_task

from shared.tasks import SchoolTask
from tenants.crisis import services


@shared_task(base=SchoolTask, name="crisis.escalate_overdue")
def escalate_overdue() -> dict:
    """Open cases past a time limit: the principal is told once per case and step."""
    return services.escalate_overdue()
