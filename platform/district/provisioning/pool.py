"""Empty school schemas built ahead of time, so a new school is ready in milliseconds.

Pool schemas are not tenants: migrate_schemas never sees them. Each records the migration
fingerprint it was built for; schemas of an older fingerprint are dropped and rebuilt.
"""

import secrets

from django.db import connection, transaction

from district.models import PooledSchema
from district.provisioning import citus, ddl, migration_state


def pool_take(fingerprint: str) -> str | None:
    """Lock one ready schema for the caller's transaction and delete its pool row, or None."""
    row = (
        PooledSchema.objects.select_for_update(skip_locked=True)
        .filter(fingerprint=fingerprint)
        .order_by("id")
        .first()
    )
    if row is None:
        return None
    row.delete()
    return row.schema_name


def pool_purge_stale() -> int:
    current = migration_state.fingerprint()
    stale = list(PooledSchema.objects.exclude(fingerprint=current).values_list("schema_name", flat=True))
    for name in stale:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
            PooledSchema.objects.filter(schema_name=name).delete()
    return len(stale)


def pool_refill(size: int) -> int:
    """Top the pool up to `size` current schemas. Returns how many were built. On Citus the pool
    is not used (schools are built and distributed in place), so nothing is built."""
    pool_purge_stale()
    if citus.enabled():
        return 0
    template = ddl.current_template()
    built = 0
    while PooledSchema.objects.filter(fingerprint=template.fingerprint).count() < size:
        name = f"pool_{secrets.token_hex(6)}"
        with transaction.atomic():
            ddl.replay(template, name)
            PooledSchema.objects.create(schema_name=name, fingerprint=template.fingerprint)
        connection.set_schema_to_public()
        built += 1
    return built
