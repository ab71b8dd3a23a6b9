"""CITUS mode, against real PostgreSQL without Citus (it is in no package registry here).

Stand-ins with Citus's names and signatures are created in the test database, inside each test's
transaction: create_reference_table(regclass) and citus_schema_distribute(regnamespace) record their
calls and keep Citus's bookkeeping (pg_dist_partition, pg_dist_schema) in tables of the same names, which
the search_path finds as it would find Citus's own. citus_schema_distribute also refuses what Citus
refuses (a foreign key to a public table that is not a reference table; triggers without
citus.enable_unsafe_triggers). Every statement issued is captured with connection.execute_wrapper.
"""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, schema_exists

from district.models import Domain, PooledSchema, School
from district.provisioning import citus, ddl, pool
from district.services import school_create
from shared.accounts.models import User
from shared.accounts.services import api_token_issue
from tests.conftest import host

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

STAND_INS = r"""
CREATE TABLE public.pg_dist_partition (logicalrelid regclass NOT NULL, partmethod "char" NOT NULL,
                                       repmodel "char" NOT NULL);
CREATE TABLE public.pg_dist_schema (schemaid regnamespace NOT NULL, colocationid integer NOT NULL);
CREATE TABLE public.zz_citus_calls (id serial PRIMARY KEY, fn text NOT NULL, arg text NOT NULL,
                                    unsafe_triggers text);

CREATE FUNCTION public.create_reference_table(regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM public.pg_dist_partition WHERE logicalrelid = $1) THEN
        RAISE EXCEPTION 'table "%" is already distributed', $1;
    END IF;
    INSERT INTO public.zz_citus_calls (fn, arg) VALUES ('create_reference_table', $1::text);
    INSERT INTO public.pg_dist_partition VALUES ($1, 'n', 't');
END $$;

CREATE FUNCTION public.citus_schema_distribute(regnamespace) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    bad text;
BEGIN
    SELECT con.conname INTO bad
    FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class r ON r.oid = con.confrelid
    WHERE con.contype = 'f' AND c.relnamespace = $1 AND r.relnamespace <> $1
      AND NOT EXISTS (SELECT 1 FROM public.pg_dist_partition p
                      WHERE p.logicalrelid = r.oid AND p.partmethod = 'n' AND p.repmodel = 't')
    LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'foreign keys from distributed schemas can only point to the same distributed '
                        'schema or reference tables in regular schemas (%)', bad;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
               WHERE c.relnamespace = $1 AND NOT t.tgisinternal)
       AND coalesce(current_setting('citus.enable_unsafe_triggers', true), 'off') NOT IN ('on', 'true') THEN
        RAISE EXCEPTION 'cannot distribute a relation with triggers: citus.enable_unsafe_triggers is off';
    END IF;
    INSERT INTO public.zz_citus_calls (fn, arg, unsafe_triggers)
    VALUES ('citus_schema_distribute', $1::text, current_setting('citus.enable_unsafe_triggers', true));
    INSERT INTO public.pg_dist_schema VALUES ($1, (SELECT count(*) + 1 FROM public.pg_dist_schema));
END $$;
"""

# A stand-in school schema whose table points at a public table that itself points at another:
# district_domain -> district_school.
SCRATCH = """
CREATE SCHEMA zz_citus_school;
CREATE TABLE zz_citus_school.visit (
    id bigint PRIMARY KEY,
    domain_id bigint NOT NULL REFERENCES public.district_domain (id) DEFERRABLE INITIALLY DEFERRED
);
"""


@pytest.fixture
def stand_ins():
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(STAND_INS)


@pytest.fixture
def statements():
    """Every SQL statement issued while the fixture is in use."""
    issued = []

    def capture(execute, sql, params, many, context):
        issued.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        yield issued


def calls(fn=None):
    with connection.cursor() as cursor:
        cursor.execute("SELECT fn, arg, unsafe_triggers FROM public.zz_citus_calls ORDER BY id")
        return [row for row in cursor.fetchall() if fn is None or row[0] == fn]


def _create(code, number):
    return school_create(
        code=code,
        name=f"分布学校{code}",
        school_type="primary",
        number=number,
        student_count=300,
        admin_name="管理员",
        admin_email=f"head@{code}.example.cn",
    )


# Reference tables ------------------------------------------------------------------------------------


def test_public_tables_that_school_tables_reference_become_reference_tables_once(stand_ins, settings):
    settings.CITUS = True
    with connection.cursor() as cursor:
        cursor.execute(SCRATCH)
    # district_school first: a reference table may point only at reference tables.
    assert citus.ensure_reference_tables() == ["public.district_school", "public.district_domain"]
    assert calls() == [
        ("create_reference_table", "district_school", None),
        ("create_reference_table", "district_domain", None),
    ]
    # Idempotent: already in pg_dist_partition as reference tables, so nothing is issued again.
    assert citus.ensure_reference_tables() == []
    assert len(calls()) == 2
    # And the scratch school schema can now be distributed (its foreign key points at a reference table).
    assert citus.distribute_school_schema("zz_citus_school") is True
    assert calls("citus_schema_distribute") == [("citus_schema_distribute", "zz_citus_school", "on")]


def test_without_reference_tables_the_stand_in_refuses_as_citus_does(stand_ins, settings):
    settings.CITUS = True
    with connection.cursor() as cursor:
        cursor.execute(SCRATCH)
        cursor.execute("SAVEPOINT before_distribute")
    with pytest.raises(Exception, match="reference tables in regular schemas"):
        citus.distribute_school_schema("zz_citus_school")
    with connection.cursor() as cursor:
        cursor.execute("ROLLBACK TO SAVEPOINT before_distribute")


def test_migrate_platform_makes_reference_tables_before_the_schools_and_builds_no_pool(stand_ins, settings):
    settings.CITUS = True
    with connection.cursor() as cursor:
        cursor.execute(SCRATCH)
    out = io.StringIO()
    call_command("migrate_platform", "--pool-size", "2", verbosity=0, stdout=out)
    connection.set_schema_to_public()
    assert "citus: 2 public table(s) made reference tables" in out.getvalue()
    assert re.search(r"pool: \d+ stale dropped, 0 built", out.getvalue())
    assert [arg for _fn, arg, _t in calls("create_reference_table")] == ["district_school", "district_domain"]

    out = io.StringIO()
    call_command("migrate_platform", verbosity=0, stdout=out)
    assert "citus: 0 public table(s) made reference tables" in out.getvalue()
    assert len(calls("create_reference_table")) == 2


# A new school ----------------------------------------------------------------------------------------


def test_a_new_school_is_distributed_at_creation_without_cloning_and_works(stand_ins, settings, statements):
    # A ready pool schema exists; CITUS mode must not take it.
    template = ddl.current_template()
    pool.pool_refill(1)
    pooled = PooledSchema.objects.filter(fingerprint=template.fingerprint).first()
    assert pooled is not None
    statements.clear()

    settings.CITUS = True
    result = _create("citusone", "C001")
    schema = result.school.schema_name
    assert result.method == "ddl"
    assert schema_exists(pooled.schema_name) and PooledSchema.objects.filter(pk=pooled.pk).exists()

    # Distributed once, with unsafe triggers allowed for the append-only audit triggers.
    assert calls() == [("citus_schema_distribute", schema, "on")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT schemaid::text FROM public.pg_dist_schema")
        assert cursor.fetchall() == [(schema,)]

    # No cloning: nothing read from the template or another schema, no rename, no clone_schema.
    template_name = ddl.template_schema()
    issued = "\n".join(statements)
    assert template_name not in issued
    assert not re.search(r"RENAME\s+TO|clone_schema", issued, re.I)
    distribute_at = next(i for i, sql in enumerate(statements) if "citus_schema_distribute" in sql)
    replayed_at = next(
        i for i, sql in enumerate(statements) if re.search(rf'CREATE SCHEMA "?{schema}"?;', sql)
    )
    registry_at = next(i for i, sql in enumerate(statements) if 'INSERT INTO "district_domain"' in sql)
    # Built, then distributed, then registered: all inside school_create's one transaction.
    assert replayed_at < distribute_at < registry_at

    # The school works: its admin's token reads the API on its host.
    with schema_context(schema):
        admin = User.objects.get(username="head@citusone.example.cn")
        key = api_token_issue(user=admin)
    connection.set_schema_to_public()
    response = Client(HTTP_HOST=host("citusone"), HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["username"] == "head@citusone.example.cn"


def test_distribution_is_undone_with_a_school_that_fails(stand_ins, settings, monkeypatch):
    settings.CITUS = True

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure while saving the domain")

    monkeypatch.setattr(Domain.objects, "create", broken)
    with pytest.raises(RuntimeError):
        _create("citustwo", "C002")
    monkeypatch.undo()
    # Same transaction: the distribution went with the schema and the registry rows.
    assert calls() == []
    assert not schema_exists("school_citustwo")
    assert not School.objects.filter(code="citustwo").exists()


@pytest.fixture(scope="module")
def beta_backup(django_db_setup, django_db_blocker, tmp_path_factory):
    """beta's backup file, made once (pg_dump reads committed data, outside any test's transaction)."""
    path = tmp_path_factory.mktemp("citus_backup") / "beta.xybak"
    with django_db_blocker.unblock():
        call_command("backup_school", "beta", "--out", str(path), stdout=io.StringIO())
        connection.set_schema_to_public()
    return path


def test_a_restored_school_is_distributed_before_it_is_registered(
    stand_ins, settings, statements, beta_backup, tmp_path
):
    settings.CITUS = True
    settings.MEDIA_ROOT = str(tmp_path)
    statements.clear()
    call_command(
        "restore_school", str(beta_backup), "--as", "citusback", "--number", "C004", stdout=io.StringIO()
    )
    assert calls() == [("citus_schema_distribute", "school_citusback", "on")]
    distribute_at = next(i for i, sql in enumerate(statements) if "citus_schema_distribute" in sql)
    registry_at = next(i for i, sql in enumerate(statements) if 'INSERT INTO "district_domain"' in sql)
    assert distribute_at < registry_at
    assert School.objects.filter(code="citusback").exists()


def test_with_citus_off_no_citus_sql_is_issued(stand_ins, settings, statements):
    settings.CITUS = False
    with connection.cursor() as cursor:
        cursor.execute(SCRATCH)
    statements.clear()
    assert citus.ensure_reference_tables() == []
    assert citus.distribute_school_schema("zz_citus_school") is False
    _create("plainone", "C003")
    assert not [sql for sql in statements if re.search(r"citus_|create_reference_table|pg_dist_", sql, re.I)]
    assert calls() == []


# Raw SQL never depends on current_schema() -----------------------------------------------------------

# On Citus a function, trigger or default runs on the worker holding the school's shards, in a session
# whose search_path is not the school's: current_schema() or an unqualified table there would point
# elsewhere.
_SCHEMA_DEPENDENT = re.compile(r"current_schema|current_schemas|search_path", re.I)


def test_no_raw_sql_in_the_source_calls_current_schema():
    found = []
    for folder in ("platform", "tenants", "shared"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".sql") or ".venv" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"current_schemas?\s*\(|\bcurrent_schema\b", line, re.I):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_school_functions_triggers_and_defaults_do_not_depend_on_the_search_path():
    """The template's functions, triggers and column defaults, as every school gets them: none calls
    current_schema() or reads the search_path, and no function body names a table of the schema (the
    append-only triggers only raise), so where they run cannot change what they touch."""
    name = ddl.template_schema()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = %s",
            [name],
        )
        functions = cursor.fetchall()
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [name])
        tables = [t for (t,) in cursor.fetchall()]
        cursor.execute(
            "SELECT c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d "
            "JOIN pg_class c ON c.oid = d.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE n.nspname = %s",
            [name],
        )
        defaults = cursor.fetchall()
        cursor.execute(
            "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND NOT t.tgisinternal",
            [name],
        )
        triggers = [t for (t,) in cursor.fetchall()]
    assert functions and triggers, "the template has its append-only triggers"
    for function, body in functions:
        assert not _SCHEMA_DEPENDENT.search(body), function
        named = [t for t in tables if re.search(rf"\b{re.escape(t)}\b", body)]
        assert named == [], (function, named)
    for table, column, expression in defaults:
        assert not _SCHEMA_DEPENDENT.search(expression), (table, column, expression)
    for trigger in triggers:
        # Each trigger calls its function by a schema-qualified name.
        assert re.search(rf"EXECUTE FUNCTION {re.escape(name)}\.\w+\(", trigger), trigger
