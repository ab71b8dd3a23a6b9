"""Writing backups: one consistent snapshot, read by pg_dump and by the manifest's queries.

A connection of its own opens a REPEATABLE READ transaction and exports its snapshot; pg_dump runs
with `--snapshot`, and the manifest (the school row, the schema's django_migrations rows, row counts,
data key versions, the stored files' names) is read in the same transaction. So the script, the
counts and the manifest describe the same moment, whatever the platform does meanwhile. The script is
the schema's full pg_dump (DDL and data): a restore builds the schema as it was at that migration
state, then migrates it forward to the platform's.
"""

import os
import subprocess
import tempfile
from datetime import UTC, datetime

import psycopg
from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models

from district.backup.container import RecordWriter
from district.backup.encryption import BackupError
from district.models import PooledSchema, School
from district.provisioning import ddl, migration_state
from shared.keyring.rotation import encrypted_models

PG_DUMP_PIECE = 256 * 1024


def _conninfo() -> dict:
    db = settings.DATABASES["default"]
    params = {
        "dbname": db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    return {k: v for k, v in params.items() if v}


def connect(**extra) -> psycopg.Connection:
    """A connection of the backup's own, to the platform's database (or another on the same server)."""
    return psycopg.connect(**{**_conninfo(), **extra})


def _tenant_only_apps() -> set[str]:
    return set(settings.TENANT_APPS) - set(settings.SHARED_APPS)


def encrypted_columns() -> list[dict]:
    """Every EncryptedTextField of a school model: where it is stored and how its tokens are bound."""
    return [
        {
            "table": model._meta.db_table,
            "column": f.column,
            "model": model._meta.label_lower,
            "field": f.name,
            "pk": model._meta.pk.column,
        }
        for model, fields in encrypted_models()
        for f in fields
    ]


def file_columns(*, school: bool) -> list[dict]:
    """The FileField columns of school models (school=True) or of district models (False)."""
    wanted = _tenant_only_apps() if school else set(settings.SHARED_APPS) - _tenant_only_apps()
    found = []
    for model in apps.get_models():
        if model._meta.app_config.name not in wanted or model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.local_concrete_fields:
            if isinstance(f, models.FileField):
                found.append({"table": model._meta.db_table, "column": f.column})
    return found


def _tables(cur, schema: str) -> list[str]:
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
    return [name for (name,) in cur.fetchall()]


def _row_counts(cur, schema: str) -> dict[str, int]:
    counts = {}
    for table in _tables(cur, schema):
        cur.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
        counts[table] = cur.fetchone()[0]
    return counts


def _migrations(cur, schema: str) -> list[list[str]]:
    cur.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = 'django_migrations')",
        [schema],
    )
    if not cur.fetchone()[0]:
        return []
    cur.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY id')
    return [[app, name] for app, name in cur.fetchall()]


def _existing(cur, schema: str, columns: list[dict]) -> list[dict]:
    """Only the columns the schema has (a schema behind the code may lack some)."""
    kept = []
    for spec in columns:
        cur.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
            "AND column_name = %s",
            [schema, spec["table"], spec["column"]],
        )
        if cur.fetchone():
            kept.append(spec)
    return kept


def _file_names(cur, schema: str, columns: list[dict]) -> list[str]:
    names = []
    for spec in columns:
        cur.execute(
            f'SELECT DISTINCT "{spec["column"]}" FROM "{schema}"."{spec["table"]}" '
            f"WHERE \"{spec['column']}\" <> '' ORDER BY 1"
        )
        names += [name for (name,) in cur.fetchall()]
    return names


def _pg_dump(writer: RecordWriter, snapshot: str, args: list[str]) -> None:
    env = ddl._pg_env()
    env["PGDATABASE"] = settings.DATABASES["default"]["NAME"]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [ddl.find_pg_dump(), f"--snapshot={snapshot}", "--no-owner", "--no-privileges", *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
        )
        try:
            while piece := process.stdout.read(PG_DUMP_PIECE):
                writer.sql(piece)
        finally:
            process.stdout.close()
            code = process.wait()
        if code != 0:
            errors.seek(0)
            raise BackupError(f"pg_dump failed: {errors.read().decode(errors='replace').strip()[:2000]}")


def _write_files(writer: RecordWriter, names: list[str]) -> list[str]:
    """Each stored file into the backup; the names of those missing from storage."""
    missing = []
    for name in names:
        try:
            with default_storage.open(name, "rb") as handle:
                writer.file(name, handle.read())
        except (FileNotFoundError, OSError):
            missing.append(name)
    return missing


def _base_manifest(kind: str) -> dict:
    return {
        "kind": kind,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "platform_fingerprint": migration_state.fingerprint(),
        "encrypted_columns": encrypted_columns(),
    }


def _open_output(out_path):
    """A new file readable by its owner only; an existing file is never overwritten."""
    try:
        return os.fdopen(os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
    except FileExistsError:
        raise BackupError(f"{out_path} already exists; choose another file name") from None


def _refuse_on_citus() -> None:
    """On a Citus coordinator pg_dump sees empty shell tables (the rows are in the workers' shards), so
    a file written there would look like a backup and hold no data."""
    if settings.CITUS:
        raise BackupError(
            "CITUS is on: pg_dump on the coordinator does not see the rows on the workers, so no backup "
            "file is written. Back up each node and make a cluster restore point as deploy/scale-out.md "
            "says (Backups)."
        )


def school_backup(*, code: str, out_path) -> dict:
    """Write one encrypted file holding the school's schema (DDL and data, with its wrapped data keys
    in keyring_datakey), its stored files, and the manifest. Returns the manifest."""
    _refuse_on_citus()
    school_table = School._meta.db_table
    with connect() as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        cur = conn.cursor()
        cur.execute(
            f"SELECT public_id::text, code, name, school_type, number, student_count, status, schema_name "
            f"FROM public.{school_table} WHERE code = %s",
            [code],
        )
        row = cur.fetchone()
        if row is None:
            raise BackupError(f"There is no school with the code {code!r}")
        keys = [
            "public_id",
            "code",
            "name",
            "school_type",
            "number",
            "student_count",
            "status",
            "schema_name",
        ]
        school = dict(zip(keys, row, strict=True))
        schema = school["schema_name"]
        enc = _existing(cur, schema, encrypted_columns())
        files = file_columns(school=True)
        file_names = _file_names(cur, schema, _existing(cur, schema, files))
        cur.execute(
            f'SELECT version, retired_at IS NOT NULL FROM "{schema}".keyring_datakey ORDER BY version'
        )
        data_keys = [{"version": v, "retired": r} for v, r in cur.fetchall()]
        manifest = _base_manifest("school")
        manifest.update(
            school=school,
            migrations=_migrations(cur, schema),
            tables=_row_counts(cur, schema),
            data_keys=data_keys,
            encrypted_columns=enc,
            file_columns=files,
        )
        with _open_output(out_path) as raw:
            writer = RecordWriter(raw)
            try:
                _pg_dump(writer, snapshot, [f"--schema={schema}"])
                manifest["missing_files"] = _write_files(writer, file_names)
                manifest["files"] = len(file_names) - len(manifest["missing_files"])
                return writer.finish(manifest)
            except BaseException:
                raw.close()
                _remove(out_path)
                raise


def district_backup(*, out_path) -> dict:
    """Write one encrypted file holding the whole database (the public schema and every school; not
    the template or the pool, which are rebuilt), every stored file, and the manifest."""
    _refuse_on_citus()
    school_table = School._meta.db_table
    template = settings.SCHOOL_TEMPLATE_SCHEMA
    with connect() as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        cur = conn.cursor()
        cur.execute(f"SELECT code, name, schema_name FROM public.{school_table} ORDER BY number")
        schools = [{"code": c, "name": n, "schema_name": s} for c, n, s in cur.fetchall()]
        tables = {"public": _row_counts(cur, "public")}
        # The pool is rebuilt after a restore, not restored: its rows are left out with its schemas.
        tables["public"][PooledSchema._meta.db_table] = 0
        public_files = file_columns(school=False)
        file_names = _file_names(cur, "public", _existing(cur, "public", public_files))
        school_files = file_columns(school=True)
        for school in schools:
            schema = school["schema_name"]
            school["migrations"] = _migrations(cur, schema)
            tables[schema] = _row_counts(cur, schema)
            file_names += _file_names(cur, schema, _existing(cur, schema, school_files))
        manifest = _base_manifest("district")
        manifest.update(
            schools=schools,
            migrations=_migrations(cur, "public"),
            tables=tables,
            file_columns={"public": public_files, "school": school_files},
        )
        with _open_output(out_path) as raw:
            writer = RecordWriter(raw)
            try:
                _pg_dump(
                    writer,
                    snapshot,
                    [
                        f"--exclude-schema={template}",
                        "--exclude-schema=pool_*",
                        f"--exclude-table-data=public.{PooledSchema._meta.db_table}",
                    ],
                )
                manifest["missing_files"] = _write_files(writer, file_names)
                manifest["files"] = len(file_names) - len(manifest["missing_files"])
                return writer.finish(manifest)
            except BaseException:
                raw.close()
                _remove(out_path)
                raise


def _remove(path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
