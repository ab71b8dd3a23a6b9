"""Citus scale-out mode (settings.CITUS, deploy/scale-out.md): the SQL this platform issues on a Citus
coordinator, and nothing when the mode is off.

- Public tables that school tables reference by foreign key become reference tables (a copy on every
  node): Citus accepts foreign keys from a distributed schema only to the same schema or to reference
  tables. They are found in the catalog, with the public tables those reference in turn (a reference
  table cannot point at a local table), dependencies first, and skipped once they are reference tables.
- A new school's schema is built as a plain schema on the coordinator (the template's DDL replayed with
  its seeded rows as literal VALUES, never read from another schema) and then distributed with
  citus_schema_distribute() in the same transaction. Not CREATE SCHEMA under
  citus.enable_schema_based_sharding: then every table would be distributed as soon as it is created,
  and pg_dump's `ALTER TABLE ... ADD GENERATED ... AS IDENTITY`, which follows each CREATE TABLE, is
  listed by Citus as unsupported on distributed tables; distributing the finished schema converts each
  table once, with its identity columns, indexes and data.
- The pool is not used: a pooled schema would be distributed before it is a school, and its rename has
  not been tried on a cluster.
"""

from django.conf import settings
from django.db import connection

# Every table of the schema has a trigger-free path except the append-only audit tables, whose triggers
# only raise (they read no table, so where they run does not matter). Citus refuses to distribute a
# table with triggers unless this is on.
_UNSAFE_TRIGGERS = "SET LOCAL citus.enable_unsafe_triggers TO on"

# Public tables referenced by a table of any other (non-system) schema: school schemas, the template,
# the pool. Then, transitively, the public tables those reference.
_REFERENCED_PUBLIC = """
WITH RECURSIVE needed(relid) AS (
    SELECT con.confrelid
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_class r ON r.oid = con.confrelid
    JOIN pg_namespace rn ON rn.oid = r.relnamespace
    WHERE con.contype = 'f' AND rn.nspname = 'public' AND n.nspname <> 'public'
      AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
    UNION
    SELECT con.confrelid
    FROM pg_constraint con JOIN needed ON con.conrelid = needed.relid
    WHERE con.contype = 'f' AND con.confrelid <> con.conrelid
)
SELECT DISTINCT relid FROM needed
"""

# Foreign keys among public tables, to order the conversions.
_PUBLIC_EDGES = """
SELECT con.conrelid, con.confrelid FROM pg_constraint con
WHERE con.contype = 'f' AND con.conrelid = ANY(%s) AND con.confrelid = ANY(%s)
  AND con.conrelid <> con.confrelid
"""


def enabled() -> bool:
    return bool(getattr(settings, "CITUS", False))


def _reference_tables(cursor) -> set[int]:
    """OIDs of tables that are already reference tables: in pg_dist_partition with no distribution
    column and two-phase-commit replication. Empty without Citus."""
    cursor.execute("SELECT to_regclass('pg_dist_partition') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return set()
    cursor.execute(
        "SELECT logicalrelid::oid FROM pg_dist_partition WHERE partmethod = 'n' AND repmodel = 't'"
    )
    return {oid for (oid,) in cursor.fetchall()}


def _dependencies_first(oids: set[int], edges: list[tuple[int, int]]) -> list[int]:
    """Tables ordered so that each comes after the tables it references (a cycle is broken by OID)."""
    pending = {oid: {to for frm, to in edges if frm == oid and to in oids} for oid in oids}
    ordered: list[int] = []
    while pending:
        ready = sorted(oid for oid, needs in pending.items() if not needs) or [min(pending)]
        for oid in ready:
            ordered.append(oid)
            del pending[oid]
        for needs in pending.values():
            needs.difference_update(ready)
    return ordered


def reference_tables_needed() -> list[str]:
    """The public tables to make reference tables now, dependencies first, as qualified names."""
    with connection.cursor() as cursor:
        cursor.execute(_REFERENCED_PUBLIC)
        wanted = {oid for (oid,) in cursor.fetchall()}
        wanted -= _reference_tables(cursor)
        if not wanted:
            return []
        oids = sorted(wanted)
        cursor.execute(_PUBLIC_EDGES, [oids, oids])
        order = _dependencies_first(wanted, cursor.fetchall())
        cursor.execute(
            "SELECT c.oid, format('%%I.%%I', n.nspname, c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ANY(%s)",
            [oids],
        )
        names = dict(cursor.fetchall())
    return [names[oid] for oid in order]


def ensure_reference_tables() -> list[str]:
    """Make the public tables that school tables reference into reference tables (idempotent).
    Returns the tables converted now. Does nothing when CITUS is off."""
    if not enabled():
        return []
    converted = reference_tables_needed()
    with connection.cursor() as cursor:
        for table in converted:
            cursor.execute("SELECT create_reference_table(%s::regclass)", [table])
    return converted


def distribute_school_schema(schema_name: str) -> bool:
    """Distribute a school's freshly built schema, inside the caller's transaction (a failure later in
    school creation rolls it back with the schema). Does nothing when CITUS is off."""
    if not enabled():
        return False
    with connection.cursor() as cursor:
        cursor.execute(_UNSAFE_TRIGGERS)
        cursor.execute("SELECT citus_schema_distribute(%s::regnamespace)", [schema_name])
    return True
