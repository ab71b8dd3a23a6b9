"""District tasks. They run in the public schema and fan school work out one task per school."""

from celery import current_app, shared_task
from django.conf import settings

from district.provisioning import pool
from shared.tenancy.context_helpers import active_schools


@shared_task(name="district.fan_out")
def fan_out(task_name: str) -> int:
    """Send `task_name` once to every active school, each message carrying that school's schema."""
    schemas = list(active_schools().values_list("schema_name", flat=True))
    for schema in schemas:
        current_app.send_task(task_name, headers={"_schema_name": schema})
    return len(schemas)


@shared_task(name="district.refill_pool")
def refill_pool() -> int:
    return pool.pool_refill(settings.SCHOOL_POOL_SIZE)


@shared_task(name="district.onboarding_run")
def onboarding_run(job_id: int) -> None:
    """Onboard the schools of one CSV file (district.services.onboarding_job_run), by the job's id."""
    from district.services import onboarding_job_run

    onboarding_job_run(job_id=job_id)
