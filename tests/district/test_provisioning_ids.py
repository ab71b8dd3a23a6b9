"""Rows that data migrations seed are copied from the template schema; each school must still get
its own UUIDs for them (issue 8, 3.10)."""

import pytest
from django.db import connection

from district.models import PooledSchema
from district.provisioning import ddl, pool
from district.services import school_create

pytestmark = pytest.mark.django_db


def _create(code, number):
    return school_create(
        code=code,
        name=f"新建学校{code}",
        school_type="primary",
        number=number,
        student_count=300,
        admin_name="管理员",
        admin_email=f"head@{code}.example.cn",
    )


def _uuid_values(schema):
    """{(table, column): set of values} for every uuid column of every table in the schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, a.attname FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
              AND a.atttypid = 'uuid'::regtype
            ORDER BY 1, 2""",
            [schema],
        )
        columns = cursor.fetchall()
        values = {}
        for table, column in columns:
            cursor.execute(f'SELECT "{column}" FROM "{schema}"."{table}" WHERE "{column}" IS NOT NULL')
            values[(table, column)] = {row[0] for row in cursor.fetchall()}
    return values


def _shared(first, second):
    a, b = _uuid_values(first), _uuid_values(second)
    assert a.keys() == b.keys()
    return {key: a[key] & b[key] for key in a if a[key] & b[key]}


def test_two_new_schools_share_no_uuid_in_any_table():
    PooledSchema.objects.all().delete()  # (rows only, inside the test's transaction): replay the DDL
    first = _create("nu", "P500")
    second = _create("xi", "P501")
    assert first.method == second.method == "ddl"
    values = _uuid_values(first.school.schema_name)
    # The walk sees the seeded rows: the crisis time limits, which the API addresses by public id.
    assert len(values[("crisis_timelimit", "public_id")]) == 6
    assert _shared(first.school.schema_name, second.school.schema_name) == {}
    # Nor do they share any with the template they were built from.
    assert _shared(first.school.schema_name, ddl.template_schema()) == {}


def test_schools_taken_from_the_pool_share_no_uuid():
    PooledSchema.objects.all().delete()
    pool.pool_refill(2)
    first = _create("omicron", "P502")
    second = _create("pi", "P503")
    assert first.method == second.method == "pool"
    assert _shared(first.school.schema_name, second.school.schema_name) == {}
    # The fixture schools, made at the start of the session, too.
    assert _shared("school_alpha", "school_beta") == {}


def test_seeded_rows_keep_everything_but_their_ids():
    PooledSchema.objects.all().delete()
    school = _create("rho", "P504").school.schema_name
    query = "SELECT level, step, minutes FROM {}.crisis_timelimit ORDER BY level, step"
    with connection.cursor() as cursor:
        cursor.execute(query.format(f'"{ddl.template_schema()}"'))
        template_rows = cursor.fetchall()
        cursor.execute(query.format(f'"{school}"'))
        assert cursor.fetchall() == template_rows and len(template_rows) == 6


def test_template_refuses_a_seeded_row_referring_to_another_by_uuid():
    """Fresh ids would leave such a reference dangling: the template build says so instead."""
    template = ddl.template_schema()
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{template}".care_auditevent (at, actor_name, action, subject, object_ref, reason) '
            f"SELECT now(), '系统', 'view', 'crisis.timelimit', public_id, '' "
            f'FROM "{template}".crisis_timelimit LIMIT 1'
        )
    with pytest.raises(ddl.ProvisioningError, match=r"care_auditevent\.object_ref"):
        ddl._data_copy_sql()


def test_schools_made_before_the_fix_draw_their_own_time_limit_ids_when_migrated():
    import importlib

    from django_tenants.utils import schema_context

    from tenants.crisis.models import TimeLimit

    migration = importlib.import_module("tenants.crisis.migrations.0006_fresh_time_limit_ids").Migration
    with schema_context("school_beta"):
        beta_ids = list(TimeLimit.objects.order_by("pk").values_list("public_id", flat=True))
    with schema_context("school_alpha"):
        # As a school made from the old template was: the same ids as another school.
        for limit, shared in zip(TimeLimit.objects.order_by("pk"), beta_ids, strict=True):
            TimeLimit.objects.filter(pk=limit.pk).update(public_id=shared)
        with connection.cursor() as cursor:
            cursor.execute(migration.operations[0].sql)
        alpha_ids = set(TimeLimit.objects.values_list("public_id", flat=True))
    assert len(alpha_ids) == len(beta_ids) > 0
    assert alpha_ids.isdisjoint(beta_ids)
