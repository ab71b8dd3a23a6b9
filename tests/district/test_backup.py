"""Backups of one school: a refused file (a changed byte, a cut file, a wrong checksum, a newer
platform's file) and a failure midway leave nothing behind; a file from an older migration state is
migrated forward; the commands say what is wrong in plain words.

Backups read committed data (pg_dump has its own connection), so the schools these tests back up are
made outside the test transaction, with codes of this module's own, and dropped at the end. Restores
run inside the test transaction and roll back with it.
"""

import hashlib
import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django_tenants.utils import schema_context, schema_exists

from district.backup import BackupError, container, restore, verify
from district.backup.encryption import CHUNK_BYTES, HEADER_BYTES
from district.models import Domain, School
from district.provisioning import migration_state
from shared.accounts.models import User
from tenants.workspace.models import Attachment
from tests.schools import school_for_tests

MINI = "bkmini"
OLD = "bkold"


def _school(code: str, number: str) -> School:
    return school_for_tests(code, number=number, name=f"备份测试{code}")


def _drop(code: str) -> None:
    school = School.objects.filter(code=code).first()
    if school is None:
        return
    schema = school.schema_name
    Domain.objects.filter(tenant=school).delete()
    school.delete()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    root = tmp_path_factory.mktemp("backup_media")
    override = override_settings(MEDIA_ROOT=str(root))
    override.enable()
    yield root
    override.disable()


@pytest.fixture(scope="module")
def mini(django_db_setup, django_db_blocker, media, tmp_path_factory):
    """A small school with an attachment, backed up once for the module."""
    path = tmp_path_factory.mktemp("backup_files") / "mini.xybak"
    with django_db_blocker.unblock():
        school = _school(MINI, "BKT01")
        with schema_context(school.schema_name):
            admin = User.objects.first()
            if not Attachment.objects.exists():
                Attachment.objects.create(
                    content_type=ContentType.objects.get_for_model(User),
                    object_id=admin.pk,
                    file=ContentFile(b"minutes of the meeting", name="minutes.txt"),
                    name="minutes.txt",
                    size=22,
                    created_by=admin,
                )
        connection.set_schema_to_public()
        call_command("backup_school", MINI, "--out", str(path), stdout=io.StringIO())
    yield path
    with django_db_blocker.unblock():
        _drop(MINI)
        connection.set_schema_to_public()


def _nothing_left(code: str, media) -> None:
    assert not schema_exists(f"school_{code}")
    assert not School.objects.filter(code=code).exists()
    assert not Domain.objects.filter(domain__startswith=f"{code}.").exists()
    assert not (media / "schools" / f"school_{code}").exists() or not any(
        (media / "schools" / f"school_{code}").rglob("*")
    )


def _restore(path, code, *extra):
    out = io.StringIO()
    call_command("restore_school", str(path), "--as", code, "--number", f"N{code}"[:30], *extra, stdout=out)
    return out.getvalue()


def _altered(source, tmp_path, position: int, name="altered.xybak"):
    data = bytearray(source.read_bytes())
    data[position] ^= 0x01
    target = tmp_path / name
    target.write_bytes(bytes(data))
    return target


@pytest.mark.django_db
def test_backup_file_is_encrypted_and_owner_only(mini):
    data = mini.read_bytes()
    assert data.startswith(b"XINYUBAK")
    assert b"school_bkmini" not in data and b"minutes of the meeting" not in data
    assert oct(mini.stat().st_mode & 0o777) == "0o600"
    manifest = verify(mini)
    assert manifest["kind"] == "school" and manifest["school"]["code"] == MINI
    assert manifest["school"]["schema_name"] == "school_bkmini"
    assert ["keyring", "0001_initial"] in manifest["migrations"]
    assert manifest["files"] == 1 and manifest["missing_files"] == []
    assert manifest["tables"]["workspace_attachment"] == 1
    assert len(manifest["payload"]["sha256"]) == 64


@pytest.mark.django_db
def test_restore_of_a_small_school_copies_its_file_under_the_new_schema(mini, media):
    output = _restore(mini, "bkminib")
    assert "bkminib" in output and "already current" in output
    restored = School.objects.get(code="bkminib")
    assert restored.name == "备份测试bkmini" and restored.number == "Nbkminib"
    with schema_context(restored.schema_name):
        attachment = Attachment.objects.get()
        assert attachment.file.name.startswith("schools/school_bkminib/")
        assert attachment.file.read() == b"minutes of the meeting"
    with schema_context(f"school_{MINI}"):
        original = Attachment.objects.get()
        assert original.file.name.startswith("schools/school_bkmini/")
        assert original.file.read() == b"minutes of the meeting"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "where, message",
    [
        (lambda size: HEADER_BYTES + 200, "does not decrypt"),  # inside the ciphertext
        (lambda size: size - 3, "does not decrypt"),  # the last chunk's tag
        (lambda size: 10, "does not decrypt"),  # the salt: another key
        (lambda size: 0, "not a Xinyu backup file"),  # the magic
    ],
)
def test_a_changed_byte_is_refused_and_leaves_nothing(mini, media, tmp_path, where, message):
    altered = _altered(mini, tmp_path, where(mini.stat().st_size))
    with pytest.raises(CommandError, match=message):
        _restore(altered, "bkbad")
    _nothing_left("bkbad", media)


@pytest.mark.django_db
def test_a_cut_file_is_refused(mini, media, tmp_path):
    data = mini.read_bytes()
    for size in (len(data) - 1, HEADER_BYTES + 4, HEADER_BYTES):
        cut = tmp_path / f"cut{size}.xybak"
        cut.write_bytes(data[:size])
        with pytest.raises(CommandError, match="does not decrypt"):
            _restore(cut, "bkbad")
    _nothing_left("bkbad", media)


def _crafted(path, *, manifest: dict, digest_of: bytes | None = None, sql: bytes = b"SELECT 1;\n"):
    with open(path, "wb") as raw:
        writer = container.RecordWriter(raw)
        writer.sql(sql)
        if digest_of is not None:
            writer._digest = hashlib.sha256(digest_of)
        return writer.finish(manifest)


@pytest.mark.django_db
def test_a_checksum_that_does_not_match_is_refused(tmp_path, media):
    path = tmp_path / "sum.xybak"
    _crafted(path, manifest={"kind": "school"}, digest_of=b"something else")
    with pytest.raises(BackupError, match="checksum does not match"):
        verify(path)
    with pytest.raises(CommandError, match="checksum does not match"):
        _restore(path, "bkbad")
    _nothing_left("bkbad", media)


@pytest.mark.django_db
def test_a_file_from_a_newer_platform_is_refused(mini, tmp_path, media):
    manifest = verify(mini)
    manifest["migrations"] = manifest["migrations"] + [["care", "9999_from_the_future"]]
    path = tmp_path / "newer.xybak"
    _crafted(path, manifest=manifest)
    with pytest.raises(CommandError, match="newer version of Xinyu.*care.9999_from_the_future"):
        _restore(path, "bkbad")
    _nothing_left("bkbad", media)


@pytest.mark.django_db
def test_a_failure_midway_rolls_everything_back_and_deletes_the_files(mini, media, monkeypatch):
    def fail(cursor, schema):
        # By now the schema is loaded, the keys re-wrapped and the attachment written.
        assert schema_exists("school_bkhalf")
        assert any((media / "schools" / "school_bkhalf").rglob("*.txt"))
        raise RuntimeError("disk full")

    monkeypatch.setattr(restore, "_forget_sign_ins", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        _restore(mini, "bkhalf")
    _nothing_left("bkhalf", media)


@pytest.mark.django_db
def test_restore_refuses_bad_new_codes_and_taken_numbers(mini, media):
    with pytest.raises(CommandError, match="code"):
        _restore(mini, "alpha")  # taken
    with pytest.raises(CommandError, match="code"):
        _restore(mini, "Bad Code")
    with pytest.raises(CommandError, match="www"):
        _restore(mini, "www")
    with pytest.raises(CommandError, match="--number"):
        call_command("restore_school", str(mini), "--as", "bknum", stdout=io.StringIO())  # BKT01 is taken
    with pytest.raises(CommandError, match="no such file"):
        _restore(mini.parent / "missing.xybak", "bkbad")
    with pytest.raises(CommandError, match="restore_school"):
        call_command("restore_district", str(mini), stdout=io.StringIO())
    for code in ("bknum", "bkbad"):
        _nothing_left(code, media)


@pytest.mark.django_db
def test_backup_refuses_an_unknown_school_and_an_existing_file(mini, tmp_path):
    with pytest.raises(CommandError, match="no school with the code"):
        call_command("backup_school", "nosuch", "--out", str(tmp_path / "x.xybak"), stdout=io.StringIO())
    assert not (tmp_path / "x.xybak").exists()
    before = mini.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup_school", MINI, "--out", str(mini), stdout=io.StringIO())
    assert mini.read_bytes() == before


@pytest.mark.django_db
def test_backups_are_refused_on_a_citus_coordinator(tmp_path, settings):
    """pg_dump on a coordinator sees empty shell tables: no file that merely looks like a backup."""
    settings.CITUS = True
    for command, args in (("backup_school", [MINI]), ("backup_district", [])):
        out = tmp_path / f"{command}.xybak"
        with pytest.raises(CommandError, match="CITUS is on"):
            call_command(command, *args, "--out", str(out), stdout=io.StringIO())
        assert not out.exists()


def test_large_payloads_span_several_chunks(tmp_path, settings):
    """More than one encrypted chunk: the payload is read back whole, and dropping a middle chunk fails."""
    import os

    sql = os.urandom(CHUNK_BYTES * 2 + 123)  # does not compress: three chunks
    path = tmp_path / "big.xybak"
    _crafted(path, manifest={"kind": "school"}, sql=sql)
    assert b"".join(container.Payload(path).sql_bytes()) == sql
    assert verify(path)["payload"]["bytes"] > len(sql)
    data = path.read_bytes()
    chunk = 4 + CHUNK_BYTES + 16
    without_second = data[: HEADER_BYTES + chunk] + data[HEADER_BYTES + 2 * chunk :]
    (tmp_path / "gap.xybak").write_bytes(without_second)
    with pytest.raises(BackupError, match="does not decrypt"):
        verify(tmp_path / "gap.xybak")
    settings.MASTER_KEY = "A" * 43  # another MASTER_KEY
    with pytest.raises(BackupError, match="MASTER_KEY"):
        verify(path)


@pytest.fixture(scope="module")
def older(django_db_setup, django_db_blocker, media, tmp_path_factory):
    """A school whose schema is one migration behind the platform, backed up."""
    path = tmp_path_factory.mktemp("backup_old") / "old.xybak"
    with django_db_blocker.unblock():
        school = _school(OLD, "BKT02")
        call_command(
            "migrate_schemas",
            "programs",
            "0001",
            schema_name=school.schema_name,
            interactive=False,
            verbosity=0,
        )
        connection.set_schema_to_public()
        call_command("backup_school", OLD, "--out", str(path), stdout=io.StringIO())
    yield path
    with django_db_blocker.unblock():
        _drop(OLD)
        connection.set_schema_to_public()


@pytest.mark.django_db
def test_a_file_from_an_older_migration_state_is_migrated_forward(older, media):
    manifest = verify(older)
    assert ["programs", "0001_initial"] in manifest["migrations"]
    assert not any(app == "programs" and name.startswith("0002") for app, name in manifest["migrations"])
    output = _restore(older, "bkoldnew")
    assert "migrated forward" in output
    assert migration_state.schemas_needing_migration(["school_bkoldnew"]) == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM school_bkoldnew.django_migrations WHERE app = 'programs' ORDER BY name"
        )
        names = [n for (n,) in cursor.fetchall()]
    assert names[0] == "0001_initial" and any(n.startswith("0002") for n in names)
    manifest_json = json.dumps(manifest)
    assert "school_bkold" in manifest_json  # the file says where it came from
