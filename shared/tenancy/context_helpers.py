"""Entering a school from code that runs outside a request: tasks, commands, the shell."""

from contextlib import contextmanager

from django.db import connection
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context, tenant_context


class PublicSchemaRefused(RuntimeError):
    """School work was asked to run with no school chosen (the public schema)."""


def require_school_schema() -> str:
    schema = connection.schema_name
    if schema == get_public_schema_name():
        raise PublicSchemaRefused("This is school work and refuses to run in the public (district) schema.")
    return schema


def active_schools():
    return get_tenant_model().objects.filter(status="active").order_by("id")


def for_each_school(schools=None):
    """Yield each school with its schema entered, then return to the previous schema."""
    for school in schools if schools is not None else active_schools():
        with tenant_context(school):
            yield school


@contextmanager
def in_school(schema_name: str):
    with schema_context(schema_name):
        yield
