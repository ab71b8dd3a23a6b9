"""Round trip: a school with a demo year of every area (encrypted counseling notes, crisis narratives,
screening answers...) and an attachment is backed up, restored under a new code, and compared table
by table and value by value; the original school is unaffected. Seeding the demo takes ~12 s: slow.
"""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from district import demo
from district.backup import verify
from shared.accounts.models import User
from shared.accounts.services import api_token_issue
from shared.keyring.models import DataKey
from shared.keyring.rotation import encrypted_models
from tenants.counseling.models import CounselingSession
from tenants.workspace.models import Attachment
from tests.conftest import host
from tests.district.test_backup import _drop, _school, media  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow

SRC = "bksrc"
DST = "bkdst"
SIGN_IN_TABLES = {"django_session", "authtoken_token"}


def _counts(schema: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [schema])
        tables = [t for (t,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def _plaintexts(schema: str) -> dict[tuple, str]:
    """Every encrypted value of the school, decrypted, by (model, public id, field)."""
    values = {}
    with schema_context(schema):
        for model, fields in encrypted_models():
            for obj in model._base_manager.all():
                for f in fields:
                    values[(model._meta.label_lower, str(obj.public_id), f.name)] = getattr(obj, f.attname)
    connection.set_schema_to_public()
    return values


@pytest.fixture(scope="module")
def source(django_db_setup, django_db_blocker, media, tmp_path_factory):  # noqa: F811
    path = tmp_path_factory.mktemp("backup_roundtrip") / "src.xybak"
    with django_db_blocker.unblock():
        school = _school(SRC, "BKT10")
        with schema_context(school.schema_name):
            if not User.objects.filter(username="principal").exists():
                demo._ensure_accounts(demo.SCHOOL_ACCOUNTS)
                demo._seed_areas()
            principal = User.objects.get(username="principal")
            if not Attachment.objects.exists():
                Attachment.objects.create(
                    content_type=ContentType.objects.get_for_model(User),
                    object_id=principal.pk,
                    file=ContentFile("心理健康教育工作计划".encode(), name="plan.txt"),
                    name="plan.txt",
                    size=30,
                    created_by=principal,
                )
            token = api_token_issue(user=principal)
            from django.contrib.sessions.backends.db import SessionStore

            session = SessionStore()
            session["seen"] = True
            session.create()
        connection.set_schema_to_public()
        before = {"counts": _counts(school.schema_name), "values": _plaintexts(school.schema_name)}
        call_command("backup_school", SRC, "--out", str(path), stdout=io.StringIO())
    yield {"path": path, "token": token, "before": before}
    with django_db_blocker.unblock():
        _drop(SRC)
        connection.set_schema_to_public()


@pytest.mark.django_db
def test_round_trip_restores_every_row_and_every_note_and_leaves_the_original_alone(source, media):  # noqa: F811
    before = source["before"]
    manifest = verify(source["path"])
    assert manifest["tables"] == before["counts"]
    # The demo has encrypted values in several areas, counseling notes among them.
    assert sum(1 for v in before["values"].values() if v) >= 20
    assert any(k[0] == "counseling.counselingsession" and v for k, v in before["values"].items())

    out = io.StringIO()
    call_command("restore_school", str(source["path"]), "--as", DST, "--number", "BKT11", stdout=out)
    assert f"{DST}\tschool_{DST}" in out.getvalue()

    # Every table, the same rows; sessions and API tokens do not carry over.
    restored = _counts(f"school_{DST}")
    assert set(restored) == set(before["counts"])
    for table, count in before["counts"].items():
        expected = 0 if table in SIGN_IN_TABLES else count
        assert restored[table] == expected, table
    assert before["counts"]["authtoken_token"] >= 1 and before["counts"]["django_session"] >= 1

    # Every encrypted value decrypts in the new school to the same text.
    assert _plaintexts(f"school_{DST}") == before["values"]
    with schema_context(f"school_{DST}"):
        sample = next(s for s in CounselingSession.objects.order_by("held_at") if s.notes)
        notes = sample.notes
        public_id = str(sample.public_id)
        new_keys = list(DataKey.objects.values_list("version", "wrapped_key"))
        attachment = Attachment.objects.get()
        assert attachment.file.name.startswith(f"schools/school_{DST}/")
        assert attachment.file.read().decode() == "心理健康教育工作计划"
    with schema_context(f"school_{SRC}"):
        assert CounselingSession.objects.get(public_id=public_id).notes == notes
        old_keys = list(DataKey.objects.values_list("version", "wrapped_key"))
    # Same key versions, wrapped anew for the new schema.
    assert [v for v, _ in new_keys] == [v for v, _ in old_keys]
    assert all(bytes(a) != bytes(b) for (_, a), (_, b) in zip(new_keys, old_keys, strict=True))

    # The original is unaffected.
    assert _counts(f"school_{SRC}") == before["counts"]
    assert _plaintexts(f"school_{SRC}") == before["values"]

    # The original's API token means nothing at the new school; it still works at the original.
    auth = {"HTTP_AUTHORIZATION": f"Token {source['token']}"}
    assert Client(HTTP_HOST=host(SRC), **auth).get("/api/v1/me/").status_code == 200
    assert Client(HTTP_HOST=host(DST), **auth).get("/api/v1/me/").status_code == 401
    # The new school answers at its own host, the principal's account is there (sign in again).
    with schema_context(f"school_{DST}"):
        principal = User.objects.get(username="principal")
        assert principal.check_password(demo.DEMO_PASSWORD)
        fresh = api_token_issue(user=principal)
    connection.set_schema_to_public()
    me = Client(HTTP_HOST=host(DST), HTTP_AUTHORIZATION=f"Token {fresh}").get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == "principal"
    assert (
        Client(HTTP_HOST=host(SRC), HTTP_AUTHORIZATION=f"Token {fresh}").get("/api/v1/me/").status_code == 401
    )
