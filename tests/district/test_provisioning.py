import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, schema_exists

from district.models import Domain, PooledSchema, School
from district.provisioning import ddl, migration_state, pool
from district.services import school_create
from shared.accounts.models import User
from tests.conftest import PASSWORD, host

pytestmark = pytest.mark.django_db


def _create(code, number, **extra):
    params = dict(
        code=code,
        name=f"新建学校{code}",
        school_type="primary",
        number=number,
        student_count=300,
        admin_name="管理员",
        admin_email=f"head@{code}.example.cn",
    )
    params.update(extra)
    return school_create(**params)


def test_school_create_builds_schema_domain_and_admin_with_one_time_link():
    result = _create("gamma", "P100")
    school = result.school
    assert schema_exists(school.schema_name)
    assert Domain.objects.get(tenant=school).domain == host("gamma")
    with schema_context(school.schema_name):
        admin = User.objects.get(username="head@gamma.example.cn")
        assert admin.roles == ["school_admin"]
        assert not admin.has_usable_password()
    connection.set_schema_to_public()

    path = re.sub(r"^https?://[^/]+", "", result.set_password_url)
    client = Client(HTTP_HOST=host("gamma"))
    form = client.get(path, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    post_url = form.redirect_chain[-1][0] if form.redirect_chain else path
    done = client.post(post_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    assert (
        client.post(
            "/accounts/login/", {"username": "head@gamma.example.cn", "password": PASSWORD}
        ).status_code
        == 302
    )
    # The link is spent once used.
    again = Client(HTTP_HOST=host("gamma")).get(path, follow=True)
    assert again.context["validlink"] is False
    # And it means nothing at another school.
    assert Client(HTTP_HOST=host("alpha")).get(path, follow=True).context["validlink"] is False


def test_bad_input_is_reported_by_field_and_creates_nothing():
    before = set(School.objects.values_list("code", flat=True))
    with pytest.raises(ValidationError) as raised:
        _create("Bad Code!", "T001", student_count=-1, admin_email="not-an-email")
    errors = raised.value.message_dict
    assert {"code", "number", "student_count"} <= set(errors)
    assert set(School.objects.values_list("code", flat=True)) == before


def test_reserved_code_is_refused():
    with pytest.raises(ValidationError) as raised:
        _create("www", "P101")
    assert "code" in raised.value.message_dict


def test_failure_after_the_schema_is_built_leaves_nothing(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure while saving the domain")

    monkeypatch.setattr(Domain.objects, "create", broken)
    with pytest.raises(RuntimeError):
        _create("delta", "P102")
    monkeypatch.undo()
    assert not School.objects.filter(code="delta").exists()
    assert not Domain.objects.filter(domain=host("delta")).exists()
    assert not schema_exists("school_delta")


def test_pool_schema_becomes_a_school_and_failure_returns_it(monkeypatch):
    template = ddl.current_template()
    pool.pool_refill(1)
    pooled = PooledSchema.objects.get(fingerprint=template.fingerprint)

    monkeypatch.setattr(Domain.objects, "create", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        _create("epsilon", "P103")
    monkeypatch.undo()
    assert PooledSchema.objects.filter(schema_name=pooled.schema_name).exists()
    assert schema_exists(pooled.schema_name) and not schema_exists("school_epsilon")

    result = _create("epsilon", "P103")
    assert result.method == "pool"
    assert not schema_exists(pooled.schema_name)
    assert not PooledSchema.objects.filter(schema_name=pooled.schema_name).exists()
    assert migration_state.schemas_needing_migration([result.school.schema_name]) == []


def _catalog(schema):
    """Everything about a schema's objects that a migration could care about, with the schema name
    taken out."""
    queries = {
        "columns": """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid), a.attidentity,
                   -- logical order; attnum itself keeps gaps where a migration dropped a column
                   row_number() OVER (PARTITION BY c.relname ORDER BY a.attnum)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = %s AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'v', 'p')""",
        "constraints": """
            SELECT con.conname, c.relname, con.contype, pg_get_constraintdef(con.oid),
                   con.condeferrable, con.condeferred
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s""",
        "indexes": "SELECT indexname, tablename, indexdef FROM pg_indexes WHERE schemaname = %s",
        "relations": """
            SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s""",
        "sequences": """
            SELECT sequencename, data_type, start_value, increment_by, max_value, cycle
            FROM pg_sequences WHERE schemaname = %s""",
        # Positions matter for the tables the replay copies rows into (the new school's own
        # admin account has moved accounts_user_id_seq on, as it should).
        "copied_sequence_positions": """
            SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s
            AND sequencename ~ '^(django_migrations|django_content_type|auth_permission)_id_seq$'""",
        "triggers": """
            SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND NOT t.tgisinternal""",
        "functions": """
            SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %s""",
    }
    result = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql, [schema])
            rows = [tuple(str(v).replace(schema, "<schema>") for v in row) for row in cursor.fetchall()]
            result[name] = sorted(rows)
        for table in ("django_migrations", "django_content_type", "auth_permission"):
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            result[f"rows:{table}"] = cursor.fetchone()[0]
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY app, name')
        result["migrations"] = cursor.fetchall()
        cursor.execute(f'SELECT app_label, model FROM "{schema}".django_content_type ORDER BY 1, 2')
        result["content_types"] = cursor.fetchall()
    return result


def test_replayed_schema_is_identical_to_a_migrated_one_and_needs_no_migration():
    migrated = "zz_migrated_reference"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{migrated}"')
    call_command("migrate_schemas", schema_name=migrated, interactive=False, verbosity=0)
    connection.set_schema_to_public()
    replayed = _create("zeta", "P104").school.schema_name

    reference, candidate = _catalog(migrated), _catalog(replayed)
    assert reference["relations"], "the reference schema is empty"
    for key in reference:
        assert candidate[key] == reference[key], key

    # Django's own migration planner, which migrate_schemas runs per schema, finds nothing to apply.
    from django.db.migrations.executor import MigrationExecutor

    for schema in (replayed, migrated):
        connection.set_schema(schema, include_public=False)
        executor = MigrationExecutor(connection)
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == [], schema
    connection.set_schema_to_public()


def test_migrate_schemas_skips_schemas_that_are_up_to_date(capsys):
    school = School.objects.get(code="alpha")
    assert migration_state.schemas_needing_migration([school.schema_name]) == []
    with connection.cursor() as cursor:
        cursor.execute(
            # A migration that changes no table (proxy model options), so re-applying it is harmless.
            f'DELETE FROM "{school.schema_name}".django_migrations '
            f"WHERE app = 'authtoken' AND name = '0004_alter_tokenproxy_options'"
        )
    assert migration_state.schemas_needing_migration([school.schema_name]) == [school.schema_name]
    call_command("migrate_schemas", interactive=False, verbosity=1, fake=False)
    connection.set_schema_to_public()
    printed = capsys.readouterr().out
    assert "already up to date, skipped" in printed
    assert school.schema_name in printed  # the stale one was migrated...
    assert "school_beta" not in printed.replace("skipped", "")  # ...and the current one was not


def test_bulk_onboarding_reports_bad_lines_and_creates_the_good_rows(tmp_path):
    csv_file = tmp_path / "schools.csv"
    csv_file.write_text(
        "code,name,type,number,student_count,admin_name,admin_email\n"
        "eta,东城小学,小学,P200,420,林老师,lin@eta.example.cn\n"
        "theta,西城中学,初中,T001,500,吴老师,wu@theta.example.cn\n"  # number taken by alpha
        "iota,南城中学,大学,P202,-3,郑老师,zheng@iota.example.cn\n"  # unknown type, negative count
        "kappa,北城高中,高中,P203,900,何老师,not-an-email\n",  # bad admin email
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("onboard_schools", str(csv_file), stdout=out, stderr=err)
    errors = err.getvalue()
    assert re.search(r"line 3: .*number", errors)
    assert re.search(r"line 4: .*type.*student_count|line 4: .*student_count", errors)
    assert "line 4" in errors and "大学" in errors
    assert re.search(r"line 5: .*admin_email", errors)
    assert re.search(r"line 2: eta ready in \d+ ms", out.getvalue())
    assert School.objects.filter(code="eta").exists()
    for code in ("theta", "iota", "kappa"):
        assert not School.objects.filter(code=code).exists()
        assert not schema_exists(f"school_{code}")


def test_onboarding_check_mode_creates_nothing(tmp_path):
    csv_file = tmp_path / "schools.csv"
    csv_file.write_text(
        "code,name,type,number,student_count,admin_name,admin_email\n"
        "lambda,东城二小,小学,P300,420,林老师,lin@lambda.example.cn\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("onboard_schools", str(csv_file), "--check", stdout=out, stderr=io.StringIO())
    assert "1 good row(s), 0 bad row(s)" in out.getvalue()
    assert not School.objects.filter(code="lambda").exists()


def test_provision_school_command_prints_timing_and_link():
    out = io.StringIO()
    call_command(
        "provision_school",
        "--code",
        "mu",
        "--name",
        "木兰小学",
        "--type",
        "小学",
        "--number",
        "P400",
        "--student-count",
        "350",
        "--admin-name",
        "钟老师",
        "--admin-email",
        "zhong@mu.example.cn",
        stdout=out,
    )
    assert re.search(r"^mu\t\d+ ms \((ddl|pool)\)\tzhong@mu.example.cn\thttp", out.getvalue())
