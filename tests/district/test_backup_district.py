"""The whole district: backup_district, then restore_district into a fresh database created for the
test (xinyu_backup_restore, dropped at the end) by a separate process, as an operator would. Every
table of every schema has its rows, encrypted notes decrypt, stored files are back. Slow (~15 s)."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_tenants.utils import schema_context

from district.backup import dump, verify
from district.models import PooledSchema
from shared.accounts.models import User
from shared.keyring.models import EncryptedNote
from tenants.workspace.models import Attachment
from tests.district.test_backup import _drop, _school, media  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CODE = "bkdist"
TARGET = "xinyu_backup_restore"
NOTES = ["第一次访谈：睡眠不好，约定下周复谈", "家长反馈情况好转", ""]


def _admin(sql: str) -> None:
    with psycopg.connect(**dump._conninfo() | {"dbname": "postgres"}, autocommit=True) as conn:
        conn.execute(sql)


def _counts(cursor, schema: str) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [schema])
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture(scope="module")
def district_file(django_db_setup, django_db_blocker, media, tmp_path_factory):  # noqa: F811
    path = tmp_path_factory.mktemp("backup_district") / "district.xybak"
    with django_db_blocker.unblock():
        school = _school(CODE, "BKT20")
        with schema_context(school.schema_name):
            if not EncryptedNote.objects.exists():
                for text in NOTES:
                    EncryptedNote.objects.create(body=text)
                admin = User.objects.first()
                Attachment.objects.create(
                    content_type=ContentType.objects.get_for_model(User),
                    object_id=admin.pk,
                    file=ContentFile(b"district copy", name="copy.txt"),
                    name="copy.txt",
                    size=13,
                    created_by=admin,
                )
            file_name = Attachment.objects.get().file.name
        connection.set_schema_to_public()
        out = io.StringIO()
        call_command("backup_district", "--out", str(path), stdout=out)
        assert "schools" in out.getvalue()
    _admin(f"DROP DATABASE IF EXISTS {TARGET} WITH (FORCE)")
    _admin(f"CREATE DATABASE {TARGET}")
    yield {"path": path, "file_name": file_name}
    _admin(f"DROP DATABASE IF EXISTS {TARGET} WITH (FORCE)")
    with django_db_blocker.unblock():
        _drop(CODE)
        connection.set_schema_to_public()


def _manage(*args, media_root, check=True):
    db = dump._conninfo()
    url = f"postgresql://{db.get('user', 'postgres')}@{db.get('host', '127.0.0.1')}:{db.get('port', 5432)}/{TARGET}"
    if db.get("password"):
        url = url.replace("@", f":{db['password']}@", 1)
    env = dict(os.environ, DATABASE_URL=url, MEDIA_ROOT=str(media_root), MASTER_KEY=settings.MASTER_KEY)
    env.pop("MASTER_KEY_FILE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check
    )


@pytest.mark.django_db
def test_district_backup_restores_into_a_fresh_database(district_file, tmp_path):
    manifest = verify(district_file["path"])
    assert manifest["kind"] == "district"
    codes = {s["code"] for s in manifest["schools"]}
    assert {"alpha", "beta", CODE} <= codes
    assert settings.SCHOOL_TEMPLATE_SCHEMA not in manifest["tables"]

    media_root = tmp_path / "media"
    result = _manage(
        "restore_district", str(district_file["path"]), "--pool-size", "0", media_root=media_root
    )
    assert "schools" in result.stdout, result.stderr[-2000:]

    # Every table of every schema: the same rows as the platform it came from.
    with connection.cursor() as cursor:
        source = {schema: _counts(cursor, schema) for schema in manifest["tables"]}
    with psycopg.connect(**dump._conninfo() | {"dbname": TARGET}) as conn:
        cursor = conn.cursor()
        restored = {schema: _counts(cursor, schema) for schema in manifest["tables"]}
        cursor.execute("SELECT code, schema_name FROM public.district_school ORDER BY code")
        schools = dict(cursor.fetchall())
    assert set(schools) == codes
    pooled = PooledSchema._meta.db_table
    for schema, tables in source.items():
        assert set(restored[schema]) == set(tables), schema
        for table, count in tables.items():
            if (schema, table) != ("public", pooled):
                assert restored[schema][table] == count, f"{schema}.{table}"

    # Encrypted notes decrypt there (same MASTER_KEY), and the stored file is back under its name.
    script = (
        "import json; from django_tenants.utils import schema_context; "
        "from shared.keyring.models import EncryptedNote; "
        f"ctx = schema_context('school_{CODE}'); ctx.__enter__(); "
        "print(json.dumps(sorted(n.body for n in EncryptedNote.objects.all())))"
    )
    shell = _manage("shell", "-c", script, media_root=media_root)
    assert json.loads(shell.stdout.strip().splitlines()[-1]) == sorted(NOTES)
    assert (media_root / district_file["file_name"]).read_bytes() == b"district copy"

    # Restoring again: the database is no longer empty.
    again = _manage("restore_district", str(district_file["path"]), media_root=media_root, check=False)
    assert again.returncode != 0 and "not empty" in again.stderr


@pytest.mark.django_db
def test_district_restore_refuses_a_database_in_use(district_file):
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_district", str(district_file["path"]), stdout=io.StringIO())
    with pytest.raises(CommandError, match="district backup: restore it with restore_district"):
        call_command("restore_school", str(district_file["path"]), "--as", "bkwhole", stdout=io.StringIO())
