"""Periodic work on student records, one task per school (fanned out by district.fan_out)."""

from celery import shared_task

from shared.tasks import SchoolTask
from tenants.care.retention import apply_retention


@shared_task(base=SchoolTask, name="care.apply_retention")
def apply_retention_task() -> dict:
    """Archive, then delete, records past their retention period. Returns counts only."""
    return apply_retention()
