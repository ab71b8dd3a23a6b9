"""Restoring backups.

A school file is restored into a NEW school, in one transaction on the platform's connection: the
schema is built from the file's script under the new schema name, its row counts are checked against
the manifest, the data keys are re-wrapped for the new schema and every encrypted value re-sealed
(tokens are bound to the schema they live in), stored files are copied under the new schema's folder,
sessions and API tokens are dropped (people sign in again), the schema is migrated forward if the file
is older than the platform, and the School and Domain rows go in last. Any failure rolls all of it
back and deletes the files written, so nothing is left behind.

The file is read twice: once to authenticate every chunk and compare the payload's checksum with the
manifest (before the database is touched), then to apply it.
"""

import posixpath
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.utils import schema_exists

from district.backup import container, dump
from district.backup.encryption import BackupError
from district.models import Domain, School
from district.provisioning import citus, migration_state
from district.services import school_build, school_host
from shared.crypto import PREFIX, DecryptionError, seal, token_version, unseal
from shared.keyring import keys

COPY_FLUSH = 1024 * 1024
RESEAL_BATCH = 500
_SESSION_SETTINGS = re.compile(r"^(SET |SELECT pg_catalog\.set_config)")
_NOISE = re.compile(r"^(\\restrict|\\unrestrict|--)")


# --- the script -----------------------------------------------------------------------------------


def _lines(pieces: Iterator[bytes]) -> Iterator[bytes]:
    rest = b""
    for piece in pieces:
        rest += piece
        *complete, rest = rest.split(b"\n")
        for line in complete:
            yield line + b"\n"
    if rest:
        yield rest


def apply_script(cursor, pieces: Iterator[bytes], *, rewrite=None, keep_session_settings=False) -> None:
    """Run a plain pg_dump script on a psycopg cursor: statements between COPY blocks as one batch
    each, COPY data streamed with COPY FROM STDIN. `rewrite` maps each line outside COPY data (data
    lines are never rewritten)."""
    lines = _lines(pieces)
    batch: list[str] = []

    def run_batch():
        if batch:
            cursor.execute("".join(batch))
            batch.clear()

    for raw in lines:
        text = raw.decode("utf-8")
        if not text.strip() or _NOISE.match(text):
            continue
        if not keep_session_settings and _SESSION_SETTINGS.match(text):
            continue
        if rewrite is not None:
            text = rewrite(text)
        if text.startswith("COPY ") and text.rstrip().endswith("FROM stdin;"):
            run_batch()
            with cursor.copy(text.rstrip().removesuffix(";")) as copy:
                buffer: list[bytes] = []
                size = 0
                for data in lines:
                    if data == b"\\.\n" or data == b"\\.":
                        break
                    buffer.append(data)
                    size += len(data)
                    if size >= COPY_FLUSH:
                        copy.write(b"".join(buffer))
                        buffer, size = [], 0
                else:
                    raise BackupError("The backup's script ends inside a table's data. Nothing was restored.")
                if buffer:
                    copy.write(b"".join(buffer))
            continue
        batch.append(text)
    run_batch()


def schema_rewriter(old: str, new: str):
    """Rename the schema where it qualifies an object (and in CREATE SCHEMA); refuse the script if the
    old name appears anywhere else outside table data, rather than guess."""
    qualified = re.compile(rf"(?<![\w\"]){re.escape(old)}(?=\.)")
    create = f"CREATE SCHEMA {old};"
    anywhere = re.compile(rf"(?<!\w){re.escape(old)}(?!\w)")

    def rewrite(text: str) -> str:
        if text.strip() == create:
            return f"CREATE SCHEMA {new};\n"
        out = qualified.sub(new, text)
        if anywhere.search(out):
            raise BackupError(
                f"The backup's script names the schema {old} where it cannot be renamed safely: "
                f"{out.strip()[:200]}"
            )
        return out

    return rewrite


def _check_counts(cursor, schema: str, expected: dict[str, int]) -> None:
    for table, count in sorted(expected.items()):
        cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
        found = cursor.fetchone()[0]
        if found != count:
            raise BackupError(
                f"{schema}.{table} has {found} rows after loading, the manifest says {count}. Nothing was "
                "restored."
            )


def check_migrations_known(applied) -> None:
    """Refuse a file from a newer platform: one that has migrations this code does not know."""
    loader_known = migration_state.expected_migrations()
    for replaced in migration_state._replacements().values():
        loader_known |= {tuple(r) for r in replaced}
    unknown = sorted({tuple(m) for m in applied} - loader_known)
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"This backup was made by a newer version of Xinyu (migrations unknown here: {names}). "
            "Upgrade the platform first, then restore."
        )


# --- keys and encrypted values ----------------------------------------------------------------------


def _rewrap(wrapped: bytes, *, old: str, new: str, version: int) -> tuple[bytes, keys.DataKeyMaterial]:
    """The data key unwrapped with the old schema as associated data, wrapped again for the new one."""
    try:
        return keys.data_key_rewrap(wrapped, schema=old, new_schema=new, version=version)
    except DecryptionError:
        raise BackupError(
            f"Data key v{version} in the backup does not unwrap: MASTER_KEY is not the one the school's keys "
            "were made with. Nothing was restored."
        ) from None


def _rekey(cursor, *, old: str, new: str, columns: list[dict]) -> int:
    """Re-wrap the data keys and re-seal every encrypted value for the new schema, key versions kept.
    Values that are not tokens yet (a column a later migration encrypts) are left to that migration.
    Returns how many values were re-sealed."""
    cursor.execute(f'SELECT version, wrapped_key FROM "{new}".keyring_datakey ORDER BY version')
    material = {}
    for version, wrapped in cursor.fetchall():
        rewrapped, material[version] = _rewrap(wrapped, old=old, new=new, version=version)
        cursor.execute(
            f'UPDATE "{new}".keyring_datakey SET wrapped_key = %s WHERE version = %s', [rewrapped, version]
        )
    resealed = 0
    for spec in columns:
        table, column, pk = (f'"{spec[k]}"' for k in ("table", "column", "pk"))
        where = f'"{new}".{table}'
        # An append-only table's guard (a user trigger) would refuse the rewrite; it is off for this
        # transaction only.
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal)",
            [f'"{new}"."{spec["table"]}"'],
        )
        guarded = cursor.fetchone()[0]
        if guarded:
            cursor.execute(f"ALTER TABLE {where} DISABLE TRIGGER USER")
        last = None
        while True:
            cursor.execute(
                f"SELECT {pk}, public_id::text, {column} FROM {where} WHERE {column} LIKE %s"
                + (f" AND {pk} > %s" if last is not None else "")
                + f" ORDER BY {pk} LIMIT {RESEAL_BATCH}",
                [f"{PREFIX}:%"] + ([last] if last is not None else []),
            )
            rows = cursor.fetchall()
            if not rows:
                break
            updates = []
            for row_pk, public_id, token in rows:
                binding = {"model": spec["model"], "field": spec["field"], "row": public_id}
                try:
                    version = token_version(token)
                    if version not in material:
                        raise DecryptionError(f"no data key v{version}")
                    text = unseal(material[version], token, schema=old, **binding)
                except DecryptionError:
                    raise BackupError(
                        f"A value of {spec['model']}.{spec['field']} does not decrypt with the school's data "
                        "keys in the backup. Nothing was restored."
                    ) from None
                updates.append([seal(material[version], text, schema=new, **binding), row_pk])
                last = row_pk
            cursor.executemany(f"UPDATE {where} SET {column} = %s WHERE {pk} = %s", updates)
            resealed += len(updates)
        if guarded:
            cursor.execute(f"ALTER TABLE {where} ENABLE TRIGGER USER")
    return resealed


# --- files ------------------------------------------------------------------------------------------


def _new_file_name(name: str, *, old: str, new: str) -> str:
    prefix = f"schools/{old}/"
    if name.startswith(prefix):
        return f"schools/{new}/" + name[len(prefix) :]
    return f"schools/{new}/restored/{posixpath.basename(name)}"


def _restore_files(cursor, payload, *, old: str, new: str, columns: list[dict], written: list[str]) -> int:
    count = 0
    for name, content in payload.files():
        saved = default_storage.save(_new_file_name(name, old=old, new=new), ContentFile(content))
        written.append(saved)
        for spec in columns:
            cursor.execute(
                f'UPDATE "{new}"."{spec["table"]}" SET "{spec["column"]}" = %s WHERE "{spec["column"]}" = %s',
                [saved, name],
            )
        count += 1
    return count


def _forget_sign_ins(cursor, schema: str) -> None:
    """Sessions and API tokens of the original school mean nothing in the new one: people sign in again."""
    for table in ("django_session", "authtoken_token"):
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s)",
            [schema, table],
        )
        if cursor.fetchone()[0]:
            cursor.execute(f'DELETE FROM "{schema}"."{table}"')


def _delete_files(names, *, folder: str | None = None) -> None:
    """Delete the files a failed restore wrote, and (on a local file system) the folders it made."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass
    if folder is None:
        return
    try:
        root = Path(default_storage.path(folder))
    except NotImplementedError:
        return
    if root.is_dir() and not any(p.is_file() for p in root.rglob("*")):
        shutil.rmtree(root, ignore_errors=True)


# --- school ----------------------------------------------------------------------------------------


@dataclass
class RestoredSchool:
    school: School
    manifest: dict
    migrated: bool
    resealed: int
    files: int
    tables: int = field(default=0)


def school_restore(*, path, code: str, name: str = "", number: str = "") -> RestoredSchool:
    """Restore a school backup into a new school `code`. Raises BackupError (the file, the platform)
    or django's ValidationError (the new school's fields, by field)."""
    manifest = container.verify(path)
    if manifest.get("kind") != "school":
        raise BackupError(
            "This is a district backup: restore it with restore_district into an empty database"
        )
    check_migrations_known(manifest["migrations"])
    info = manifest["school"]
    school = school_build(
        code=code,
        name=name or info["name"],
        school_type=info["school_type"],
        number=number or info["number"],
        student_count=info["student_count"],
    )
    school.status = info["status"]
    old, new = info["schema_name"], school.schema_name
    if schema_exists(new):
        raise BackupError(f"The schema {new} already exists; choose another code")
    payload = container.Payload(path)
    written: list[str] = []
    connection.set_schema_to_public()
    try:
        with transaction.atomic():
            with connection.cursor() as wrapper:
                cursor = wrapper.cursor  # psycopg's own cursor: COPY, and no parameter parsing of the DDL
                apply_script(cursor, payload.sql_bytes(), rewrite=schema_rewriter(old, new))
                _check_counts(cursor, new, manifest["tables"])
                resealed = _rekey(cursor, old=old, new=new, columns=manifest["encrypted_columns"])
                files = _restore_files(
                    cursor, payload, old=old, new=new, columns=manifest["file_columns"], written=written
                )
                _forget_sign_ins(cursor, new)
            migrated = bool(migration_state.schemas_needing_migration([new]))
            if migrated:
                call_command("migrate_schemas", schema_name=new, interactive=False, verbosity=0)
            connection.set_schema_to_public()
            # On Citus the restored schema is distributed as a new school's is (a way onto a cluster:
            # back up on the single server, restore on the coordinator).
            citus.distribute_school_schema(new)
            # The registry rows last, as school_create does.
            school.save()
            Domain.objects.create(domain=school_host(school.code), tenant=school, is_primary=True)
    except BaseException:
        connection.set_schema_to_public()
        _delete_files(written, folder=f"schools/{new}")
        raise
    return RestoredSchool(
        school=school,
        manifest=manifest,
        migrated=migrated,
        resealed=resealed,
        files=files,
        tables=len(manifest["tables"]),
    )


# --- district --------------------------------------------------------------------------------------


def _database_is_empty(cursor) -> bool:
    cursor.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') "
        "AND n.nspname NOT LIKE 'pg_temp_%' AND n.nspname NOT LIKE 'pg_toast_temp_%' "
        "AND c.relkind IN ('r', 'p', 'v', 'S')"
    )
    return cursor.fetchone()[0] == 0


@dataclass
class RestoredDistrict:
    manifest: dict
    files: int


def district_restore(*, path) -> RestoredDistrict:
    """Load a district backup into the platform's database, which must be empty (create it, set
    DATABASE_URL to it, keep MASTER_KEY). Then run `migrate_platform` to migrate it forward and
    rebuild the template and the pool. Stored files are written at their original names; any that
    already exists stops the restore."""
    manifest = container.verify(path)
    if manifest.get("kind") != "district":
        raise BackupError("This is a school backup: restore it with restore_school --as <new code>")
    check_migrations_known(manifest["migrations"])
    for school in manifest["schools"]:
        check_migrations_known(school["migrations"])
    payload = container.Payload(path)
    written: list[str] = []
    try:
        with dump.connect() as conn:
            with conn.cursor() as cursor:
                if not _database_is_empty(cursor):
                    raise BackupError(
                        "The database is not empty: a district backup is restored into a new, empty database"
                    )
                apply_script(cursor, payload.sql_bytes(), keep_session_settings=True)
                cursor.execute("SELECT pg_catalog.set_config('search_path', 'public', true)")
                for schema, counts in manifest["tables"].items():
                    _check_counts(cursor, schema, counts)
                files = 0
                for name, content in payload.files():
                    if default_storage.exists(name):
                        raise BackupError(
                            f"The stored file {name} already exists: a district backup is restored into "
                            "empty file storage. Nothing was restored."
                        )
                    written.append(default_storage.save(name, ContentFile(content)))
                    files += 1
            conn.commit()
    except BaseException:
        _delete_files(written)
        raise
    return RestoredDistrict(manifest=manifest, files=files)
