"""How fast a school is provisioned, by method, and what migrate_schemas costs with nothing to apply.

    .venv/bin/python bench/provision.py [--schools N] [--keep] [--id-rounds N]

Needs DATABASE_URL and REDIS_URL (a throwaway database: the bench empties the schema pool).
Methods compared, each over N schools:

  migrate   django-tenants' default: CREATE SCHEMA, migrate_schemas on it, then the School/Domain rows
  ddl       school_create() with the pool empty: the template's DDL is replayed
  pool      school_create() taking a schema built ahead of time by pool_refill()

Everything the bench creates is removed at the end unless --keep is given.

Then, what fresh UUIDs for seeded rows cost: the template script as it is (each seeded row's public id
drawn anew with gen_random_uuid()) against the same script copying the template's ids, replayed in
alternation inside rolled-back transactions, so that the machine's load falls on both alike.
"""

import argparse
import math
import os
import re
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _folder in (ROOT, ROOT / "platform"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def p90(values):
    """Nearest-rank 90th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def print_table(headers, rows):
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    line = "-+-".join("-" * w for w in widths)
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    for row in cells[1:]:
        print(
            " | ".join(
                c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )


class Bench:
    def __init__(self, schools: int, run_id: str):
        self.n = schools
        self.run_id = run_id
        self.created_schemas: list[str] = []  # every schema this run made, school or pool
        self.created_codes: list[str] = []
        self.dropped_pool = 0

    # --- helpers -------------------------------------------------------------------------------

    def code(self, method: str, i: int) -> str:
        return f"bench{method}{i}{self.run_id}"

    def number(self, method: str, i: int) -> str:
        return f"BENCH-{method}-{self.run_id}-{i}"

    def school_kwargs(self, method: str, i: int) -> dict:
        code = self.code(method, i)
        return dict(
            code=code,
            name=f"Bench {method} {i}",
            school_type="junior",
            number=self.number(method, i),
            student_count=500,
            admin_name="Bench Admin",
            admin_email=f"admin@{code}.example.cn",
        )

    def empty_pool(self) -> None:
        """Drop every pool schema (stale or current), so school_create has to replay the DDL."""
        from django.db import connection, transaction

        from district.models import PooledSchema
        from district.provisioning import pool

        pool.pool_purge_stale()
        names = list(PooledSchema.objects.values_list("schema_name", flat=True))
        for name in names:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
                PooledSchema.objects.filter(schema_name=name).delete()
        self.dropped_pool += len(names)

    # --- methods -------------------------------------------------------------------------------

    def run_migrate(self) -> list[float]:
        from django.core.management import call_command
        from django.db import connection

        from district.models import Domain, School
        from district.services import school_host, school_schema_name

        times = []
        for i in range(self.n):
            code = self.code("migrate", i)
            schema = school_schema_name(code)
            started = time.perf_counter()
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE SCHEMA "{schema}"')
            self.created_schemas.append(schema)
            call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
            connection.set_schema_to_public()
            school = School.objects.create(
                code=code,
                name=f"Bench migrate {i}",
                school_type="junior",
                number=self.number("migrate", i),
                student_count=500,
                schema_name=schema,
            )
            self.created_codes.append(code)
            Domain.objects.create(domain=school_host(code), tenant=school, is_primary=True)
            times.append(time.perf_counter() - started)
        return times

    def run_school_create(self, method: str, expect: str) -> list[float]:
        from district.services import school_create, school_schema_name

        times = []
        for i in range(self.n):
            kwargs = self.school_kwargs(method, i)
            started = time.perf_counter()
            result = school_create(**kwargs)
            times.append(time.perf_counter() - started)
            self.created_codes.append(kwargs["code"])
            self.created_schemas.append(school_schema_name(kwargs["code"]))
            if result.method != expect:
                print(
                    f"  warning: {kwargs['code']} was provisioned by {result.method!r}, expected {expect!r}"
                )
        return times

    def refill_pool(self) -> tuple[int, float]:
        from district.models import PooledSchema
        from district.provisioning import pool

        before = set(PooledSchema.objects.values_list("schema_name", flat=True))
        started = time.perf_counter()
        built = pool.pool_refill(self.n)
        elapsed = time.perf_counter() - started
        after = set(PooledSchema.objects.values_list("schema_name", flat=True))
        self.created_schemas.extend(sorted(after - before))
        return built, elapsed

    # --- migrate_schemas with nothing to apply ---------------------------------------------------

    def all_schemas(self) -> list[str]:
        from django.conf import settings

        from district.models import School

        schools = list(
            School.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME)
            .order_by("schema_name")
            .values_list("schema_name", flat=True)
        )
        return [settings.PUBLIC_SCHEMA_NAME] + schools

    def migrate_noop_skipping(self) -> float:
        from django.core.management import call_command
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate_schemas", interactive=False, verbosity=0)
        elapsed = time.perf_counter() - started
        connection.set_schema_to_public()
        return elapsed

    def migrate_noop_stock(self, schemas: list[str]) -> float:
        """What the stock executor does: run_migrations per schema, public first."""
        from django.db import connection
        from django_tenants.management.commands.migrate_schemas import Command as MigrateSchemas
        from django_tenants.migration_executors.base import run_migrations

        # The options migrate_schemas would hand its executor, as call_command builds them.
        parser = MigrateSchemas().create_parser("manage.py", "migrate_schemas")
        options = vars(parser.parse_args([]))
        options.update(interactive=False, verbosity=0, skip_checks=True)
        started = time.perf_counter()
        for idx, schema in enumerate(schemas):
            run_migrations(
                args=[],
                options=dict(options),
                executor_codename="standard",
                schema_name=schema,
                idx=idx,
                count=len(schemas),
            )
        elapsed = time.perf_counter() - started
        connection.set_schema_to_public()
        return elapsed

    # --- clean-up ------------------------------------------------------------------------------

    def cleanup(self) -> None:
        from django.db import connection, transaction

        from district.models import Domain, PooledSchema, School

        connection.set_schema_to_public()
        with transaction.atomic():
            Domain.objects.filter(tenant__code__in=self.created_codes).delete()
            School.objects.filter(code__in=self.created_codes).delete()
            PooledSchema.objects.filter(schema_name__in=self.created_schemas).delete()
        # One schema per transaction: dropping many at once can run out of lock table slots.
        for schema in self.created_schemas:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        print(f"cleaned up: {len(self.created_codes)} schools, {len(self.created_schemas)} schemas dropped")


# A seeded table's statement (its rows as literal VALUES, fresh ids drawn by gen_random_uuid()), and
# what copying the template's ids instead would be: its rows read from the template.
_FRESH_IDS = re.compile(r'^INSERT INTO "\{schema\}"\.("[^"]+") \(.*\) VALUES .*gen_random_uuid\(\).*;$', re.M)


def _copied(template_schema: str) -> str:
    return rf'INSERT INTO "{{schema}}".\1 SELECT * FROM "{template_schema}".\1;'


def seeded_ids_cost(rounds: int) -> None:
    """Median replay time with fresh ids for seeded rows against copying the template's ids."""
    from django.db import connection, transaction

    from district.models import SchemaTemplate
    from district.provisioning import ddl

    started = time.perf_counter()
    ddl._data_copy_sql()
    catalog_seconds = time.perf_counter() - started
    fresh = ddl.current_template()
    copied_script, tables = _FRESH_IDS.subn(_copied(ddl.template_schema()), fresh.ddl)
    copied = SchemaTemplate(fingerprint=fresh.fingerprint, ddl=copied_script)
    times = {"fresh": [], "copied": []}
    for i in range(rounds):
        for kind, template in (("fresh", fresh), ("copied", copied))[:: 1 if i % 2 else -1]:
            name = f"bench_ids_{kind}_{i}"
            connection.set_schema_to_public()
            with transaction.atomic():
                started = time.perf_counter()
                ddl.replay(template, name)
                times[kind].append(time.perf_counter() - started)
                transaction.set_rollback(True)
    connection.set_schema_to_public()
    # The statements that differ, alone: a whole replay varies by far more than they cost.
    fresh_lines = [line for line in fresh.ddl.splitlines() if _FRESH_IDS.match(line)]
    copied_lines = [_FRESH_IDS.sub(_copied(ddl.template_schema()), line) for line in fresh_lines]
    statement_times = {"fresh": [], "copied": []}
    with transaction.atomic(), connection.cursor() as cursor:
        ddl.replay(fresh, "bench_ids_statements")
        truncated = ", ".join(re.match(r"INSERT INTO (\S+)", line).group(1) for line in fresh_lines)
        for i in range(rounds * 10):
            for kind, lines in (("fresh", fresh_lines), ("copied", copied_lines))[:: 1 if i % 2 else -1]:
                sql = "\n".join(lines).format(schema="bench_ids_statements")
                cursor.execute("SAVEPOINT bench_ids")
                cursor.execute(f"TRUNCATE {truncated}".format(schema="bench_ids_statements"))
                started = time.perf_counter()
                cursor.execute(sql)
                statement_times[kind].append(time.perf_counter() - started)
                cursor.execute("ROLLBACK TO SAVEPOINT bench_ids")
        transaction.set_rollback(True)
    connection.set_schema_to_public()
    fresh_median, copied_median = statistics.median(times["fresh"]), statistics.median(times["copied"])
    print(f"fresh UUIDs for seeded rows: {tables} seeded table(s) with identity UUIDs, {rounds} replays each")
    print_table(
        ["template script", "median s/schema", "p90 s/schema"],
        [
            (
                "seeded ids copied from the template (before)",
                f"{copied_median:.4f}",
                f"{p90(times['copied']):.4f}",
            ),
            ("seeded ids drawn afresh (now)", f"{fresh_median:.4f}", f"{p90(times['fresh']):.4f}"),
            ("added per school", f"{fresh_median - copied_median:+.4f}", ""),
        ],
    )
    fresh_ms = 1000 * statistics.median(statement_times["fresh"])
    copied_ms = 1000 * statistics.median(statement_times["copied"])
    print(
        f"the seeded-row INSERTs alone ({len(fresh_lines)} statement(s), {rounds * 10} runs each): "
        f"{copied_ms:.3f} ms copying ids, {fresh_ms:.3f} ms drawing them, {fresh_ms - copied_ms:+.3f} ms per school"
    )
    print(
        f"once per template build, finding the identity UUID columns of seeded tables: {catalog_seconds:.3f} s"
    )
    print("a school taken from the pool pays nothing more: its ids were drawn when the pool schema was built")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=10, help="schools per method (default 10)")
    parser.add_argument("--keep", action="store_true", help="leave the schools and schemas in place")
    parser.add_argument(
        "--id-rounds", type=int, default=20, help="replays per script for the seeded-ids cost (default 20)"
    )
    parser.add_argument(
        "--only-ids", action="store_true", help="measure only the cost of fresh ids for seeded rows"
    )
    args = parser.parse_args()
    if args.schools < 1:
        parser.error("--schools must be at least 1")

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from district.provisioning import pool

    db = connection.settings_dict
    print(f"database {db['NAME']} on {db.get('HOST') or 'local socket'}; {args.schools} school(s) per method")

    started = time.perf_counter()
    call_command("migrate_platform", verbosity=0)
    print(f"migrate_platform: {time.perf_counter() - started:.2f} s")
    connection.set_schema_to_public()

    if args.only_ids:
        seeded_ids_cost(args.id_rounds)
        return 0

    bench = Bench(args.schools, secrets.token_hex(3))
    rows = []
    try:
        times = bench.run_migrate()
        rows.append(("migrate_schemas (django-tenants default)", times))

        bench.empty_pool()
        if bench.dropped_pool:
            print(f"emptied the pool: {bench.dropped_pool} pool schema(s) dropped")
        times = bench.run_school_create("ddl", expect="ddl")
        rows.append(("school_create, pool empty (DDL replay)", times))

        built, refill_seconds = bench.refill_pool()
        times = bench.run_school_create("pool", expect="pool")
        rows.append(("school_create from the pool", times))

        print()
        print_table(
            ["method", "schools", "median s/school", "p90 s/school", "schools/min"],
            [
                (name, len(t), f"{statistics.median(t):.3f}", f"{p90(t):.3f}", f"{60 * len(t) / sum(t):.1f}")
                for name, t in rows
            ],
        )
        print()
        print_table(
            ["pool_refill", "schemas built", "seconds", "s/schema", "schemas/min"],
            [
                (
                    f"pool_refill({args.schools})",
                    built,
                    f"{refill_seconds:.2f}",
                    f"{refill_seconds / built:.3f}" if built else "-",
                    f"{60 * built / refill_seconds:.1f}" if built else "-",
                )
            ],
        )

        schemas = bench.all_schemas()
        skipping = bench.migrate_noop_skipping()
        stock = bench.migrate_noop_stock(schemas)
        print()
        print(
            f"migrate_schemas with nothing to apply, {len(schemas)} schemas (public + {len(schemas) - 1} schools)"
        )
        print_table(
            ["executor", "schemas", "total s", "s/schema"],
            [
                (
                    f"skipping ({settings.GET_EXECUTOR_FUNCTION})",
                    len(schemas),
                    f"{skipping:.2f}",
                    f"{skipping / len(schemas):.3f}",
                ),
                (
                    "stock (run_migrations per schema)",
                    len(schemas),
                    f"{stock:.2f}",
                    f"{stock / len(schemas):.3f}",
                ),
            ],
        )
        print()
        seeded_ids_cost(args.id_rounds)
        print()
    finally:
        if args.keep:
            print(f"--keep: left {len(bench.created_codes)} schools and {len(bench.created_schemas)} schemas")
        else:
            bench.cleanup()
            if bench.dropped_pool:
                rebuilt = pool.pool_refill(bench.dropped_pool)
                print(f"pool restored: {rebuilt} schema(s) rebuilt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
