"""The template schema and its DDL.

A school schema is built by replaying the DDL of a fully migrated template schema, rather than
by running every migration (whose cost grows with the migration history: about 29 s per school
for a 60-model app, almost all of it Django rebuilding migration state). The template is migrated the normal way, dumped with pg_dump, and
the dump is rewritten to name the new schema. The result matches a migrated schema in the
catalog, and migrate_schemas finds nothing to apply to it.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.utils import schema_exists

from district.models import SchemaTemplate
from district.provisioning import migration_state

SCHEMA_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_DROP_LINE = re.compile(r"^(SET |SELECT pg_catalog\.set_config|\\restrict|\\unrestrict|--)")


class ProvisioningError(RuntimeError):
    pass


def template_schema() -> str:
    return settings.SCHOOL_TEMPLATE_SCHEMA


def _server_major() -> int:
    return connection.cursor().connection.info.server_version // 10000


def _pg_dump_major(path: str) -> int | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)" or "pg_dump (PostgreSQL) 16.2"
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def find_pg_dump() -> str:
    """A pg_dump at least as new as the server (older ones refuse to dump a newer server)."""
    need = _server_major()
    candidates = [os.environ.get("PG_DUMP")]
    try:
        import pgserver

        candidates.append(str(Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_dump"))
    except ImportError:
        pass
    candidates.append(shutil.which("pg_dump"))
    candidates += sorted((str(p) for p in Path("/usr/lib/postgresql").glob("*/bin/pg_dump")), reverse=True)
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            major = _pg_dump_major(candidate)
            if major is not None and major >= need:
                return candidate
    raise ProvisioningError(f"No pg_dump of version {need} or newer was found; set PG_DUMP to one")


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": str(db.get("HOST") or ""),
            "PGPORT": str(db.get("PORT") or ""),
            "PGUSER": str(db.get("USER") or ""),
            "PGPASSWORD": str(db.get("PASSWORD") or ""),
            "PGDATABASE": connection.settings_dict["NAME"],
        }
    )
    return {k: v for k, v in env.items() if v != ""}


def migrate_template() -> None:
    """Create the template schema if needed and bring it up to date, the way schools are migrated."""
    name = template_schema()
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{name}"')
    if migration_state.schemas_needing_migration([name]):
        call_command("migrate_schemas", schema_name=name, interactive=False, verbosity=0)
    connection.set_schema_to_public()


def dump_template_ddl() -> str:
    name = template_schema()
    result = subprocess.run(
        [
            find_pg_dump(),
            "--schema-only",
            f"--schema={name}",
            "--no-owner",
            "--no-privileges",
            "--no-comments",
        ],
        capture_output=True,
        text=True,
        env=_pg_env(),
    )
    if result.returncode != 0:
        raise ProvisioningError(f"pg_dump of the template failed: {result.stderr.strip()}")
    lines = [line for line in result.stdout.splitlines() if line.strip() and not _DROP_LINE.match(line)]
    return "\n".join(lines) + "\n"


_UUID_COLUMNS = """
    SELECT c.relname, a.attname,
           EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique
                   AND i.indnatts = 1 AND i.indkey[0] = a.attnum AND i.indpred IS NULL) AS identity
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      AND a.atttypid = 'uuid'::regtype
    ORDER BY 1, 2"""


def _seeded_uuid_columns(cursor, name: str, tables: list[str]) -> dict[str, set[str]]:
    """The identity UUID columns (unique on their own: public ids) of the tables migrations put
    rows in, which each school must get fresh values for.

    Fresh values are safe only if no seeded row refers to another seeded row by UUID: a foreign
    key to a UUID column, or a soft reference such as an audit event's object_ref. Refuse when one
    does, rather than build schools with dangling references."""
    cursor.execute(_UUID_COLUMNS, [name])
    identity: dict[str, set[str]] = {}
    references: list[tuple[str, str]] = []
    for table, column, is_identity in cursor.fetchall():
        if table not in tables:
            continue
        if is_identity:
            identity.setdefault(table, set()).add(column)
        else:
            references.append((table, column))
    if not identity or not references:
        return identity
    ids = " UNION ALL ".join(
        f'SELECT "{column}" FROM "{name}"."{table}"'
        for table, columns in identity.items()
        for column in columns
    )
    for table, column in references:
        cursor.execute(f'SELECT "{column}" FROM "{name}"."{table}" WHERE "{column}" IN ({ids}) LIMIT 1')
        if cursor.fetchone():
            raise ProvisioningError(
                f"A row seeded in {table}.{column} refers to another seeded row by UUID; every school "
                "gets fresh UUIDs for seeded rows, so provisioning would leave it dangling"
            )
    return identity


def _braces(text: str) -> str:
    """Escape a literal for the script's str.format (only {schema} is a placeholder)."""
    return text.replace("{", "{{").replace("}", "}}")


def _data_copy_sql() -> str:
    """The rows migrations put in the template (migration records, content types, permissions, seeded
    data) and the sequence positions, as placeholders for the new schema.

    The rows are literal VALUES, read from the template once when the script is built: replaying it
    reads no other schema (on Citus the template could sit on another node than the new school).
    Identity UUIDs (public ids) of the copied rows are drawn afresh for each schema as the rows are
    inserted, so no two schools share an id. Inserting rather than updating afterwards also leaves
    append-only tables (the audit trail refuses UPDATE) untouched."""
    name = template_schema()
    statements = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [name])
        seeded = []
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{name}"."{table}")')
            if cursor.fetchone()[0]:
                seeded.append(table)
        fresh = _seeded_uuid_columns(cursor, name, seeded)
        for table in seeded:
            cursor.execute(
                """SELECT a.attname FROM pg_attribute a
                   WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
                     AND a.attgenerated = '' ORDER BY a.attnum""",
                [f'"{name}"."{table}"'],
            )
            columns = [column for (column,) in cursor.fetchall()]
            drawn = fresh.get(table, set())
            # PostgreSQL writes each value in its own input syntax, quoted (or NULL); INSERT ... VALUES
            # coerces each to its column's type.
            read = ", ".join("NULL" if c in drawn else f'quote_nullable("{c}")' for c in columns)
            cursor.execute(f'SELECT {read} FROM "{name}"."{table}"')
            rows = [
                "("
                + ", ".join(
                    "gen_random_uuid()" if c in drawn else _braces(value)
                    for c, value in zip(columns, row, strict=True)
                )
                + ")"
                for row in cursor.fetchall()
            ]
            targets = ", ".join(f'"{c}"' for c in columns)
            # One line per statement, as the rest of the script (tools read it line by line).
            statements.append(
                f'INSERT INTO "{{schema}}"."{table}" ({targets}) VALUES ' + ", ".join(rows) + ";"
            )
        cursor.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = %s ORDER BY sequencename", [name]
        )
        for (sequence,) in cursor.fetchall():
            cursor.execute(f'SELECT last_value, is_called FROM "{name}"."{sequence}"')
            last_value, is_called = cursor.fetchone()
            statements.append(
                f'SELECT pg_catalog.setval(\'"{{schema}}"."{sequence}"\', {int(last_value)}, '
                f"{'true' if is_called else 'false'});"
            )
    return "\n".join(statements) + "\n"


def _to_placeholder(ddl: str) -> str:
    """Replace the template's name where it qualifies an object; refuse if it appears elsewhere."""
    name = template_schema()
    out = re.sub(rf"(?<![\w\"]){re.escape(name)}\.", "{schema}.", ddl)
    out = re.sub(rf"^CREATE SCHEMA {re.escape(name)};$", "CREATE SCHEMA {schema};", out, flags=re.M)
    if name in out:
        where = next(line for line in out.splitlines() if name in line)
        raise ProvisioningError(f"The template's name appears where it cannot be rewritten: {where[:200]}")
    return out.replace("{", "{{").replace("}", "}}").replace("{{schema}}", "{schema}")


def current_template(*, build: bool = True) -> SchemaTemplate:
    """The DDL for the current migration graph, building (and caching) it if needed."""
    fp = migration_state.fingerprint()
    found = SchemaTemplate.objects.filter(fingerprint=fp).first()
    if found or not build:
        return found
    migrate_template()
    script = _to_placeholder(dump_template_ddl()) + _data_copy_sql()
    with transaction.atomic():
        SchemaTemplate.objects.filter(fingerprint=fp).delete()
        return SchemaTemplate.objects.create(fingerprint=fp, ddl=script)


def build_schema_sql(template: SchemaTemplate, schema_name: str) -> str:
    if not SCHEMA_NAME_RE.match(schema_name):
        raise ProvisioningError(f"Invalid schema name {schema_name!r}")
    return template.ddl.format(schema=schema_name)


def replay(template: SchemaTemplate, schema_name: str) -> None:
    """Build schema_name from the template, inside the caller's transaction."""
    sql = build_schema_sql(template, schema_name)
    with connection.cursor() as cursor:
        # Django creates foreign keys DEFERRABLE INITIALLY DEFERRED, so copied rows may come in any order.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(sql)
