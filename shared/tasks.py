"""Task base classes and sending rules shared by school and district work."""

from django.db import connection, transaction
from tenant_schemas_celery.task import TenantTask

from shared.tenancy.context_helpers import require_school_schema


class SchoolTask(TenantTask):
    """A task that works inside one school. tenant-schemas-celery has already switched to the
    schema named in the `_schema_name` header; a task sent without one would silently run in
    public, so it refuses instead."""

    abstract = True

    def __call__(self, *args, **kwargs):
        require_school_schema()
        return super().__call__(*args, **kwargs)


def send_after_commit(task, *args: int | str, schema_name: str | None = None) -> None:
    """Send a task with IDs only, once the current transaction commits, to the current school."""
    schema = schema_name or connection.schema_name
    transaction.on_commit(lambda: task.apply_async(args=args, headers={"_schema_name": schema}))
