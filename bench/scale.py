"""One PostgreSQL node as the number of schools grows: catalog size, memory, and a school request.

    .venv/bin/python -m devstack run -- .venv/bin/python bench/scale.py [--sizes 100,1000,2000]
                                                     [--sample 40] [--keep] [--no-migrate]

Needs DATABASE_URL and REDIS_URL (a throwaway database: the bench creates up to the largest size in
schools). Schools are created one at a time with the platform's own school_create (the template's DDL
replayed, or the pool while it lasts), incrementally: up to the first size, measured, then on to the
next. Schools of an earlier run with --keep are reused.

At each size, one row:
  created        schools made in this step, and seconds per school (median and p95)
  pg_class       rows in pg_class (every table, index, sequence, TOAST table of every schema)
  catalog MiB    pg_total_relation_size summed over pg_catalog's tables (with their indexes and TOAST;
                 dead rows too, so start from a fresh database: rolled-back DDL leaves them behind)
  database MiB   pg_database_size
  server RSS/PSS the PostgreSQL server's processes (postmaster and its children), read from /proc, when
                 the server runs on this machine ("n/a" otherwise). Measured with a fresh connection,
                 so the bench's own backend does not carry the schools it created. PSS shares each
                 shared page (shared_buffers) among the processes that map it; RSS counts it in each.
                 It is the whole server: other databases on it count too.
  backend PSS    the one backend that served the request sample: a connection's catalog caches grow
                 with the schemas it touches
  page / API     p50 and p95 ms of a school page (/accounts/manage/, the school admin's account list)
                 and an API read (/api/v1/me/), for --sample schools drawn at random, each requested
                 once through the Django test client as that school's admin (in process, no web server:
                 the full middleware, routing and database work, without network or gunicorn)

Every bench school (codes scale*) is removed at the end unless --keep is given.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _folder in (ROOT, ROOT / "platform"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from load import percentile  # noqa: E402  (bench/ is this script's folder)
from provision import print_table  # noqa: E402

PREFIX = "scale"
PAGE = "/accounts/manage/"
API = "/api/v1/me/"
MIB = 1024 * 1024


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f}"


# --- schools ---------------------------------------------------------------------------------------


def existing_codes() -> list[str]:
    from district.models import School

    return list(
        School.objects.filter(code__startswith=PREFIX).order_by("code").values_list("code", flat=True)
    )


def extend_to(n: int, created: list[str]) -> tuple[list[float], dict[str, int]]:
    """Create schools until there are n bench schools; returns the seconds of each and the methods."""
    from django.db import connection

    from district.provisioning.connections import refresh_after
    from district.services import school_create

    have = set(existing_codes())
    seconds: list[float] = []
    methods: dict[str, int] = {}
    i = 0
    while len(have) < n:
        i += 1
        code = f"{PREFIX}{i:05d}"
        if code in have:
            continue
        started = time.perf_counter()
        result = school_create(
            code=code,
            name=f"规模学校{i:05d}",
            school_type="junior",
            number=f"SCALE-{i:05d}",
            student_count=400,
            admin_name="规模管理员",
            admin_email=f"admin@{code}.example.cn",
        )
        seconds.append(time.perf_counter() - started)
        methods[result.method] = methods.get(result.method, 0) + 1
        connection.set_schema_to_public()
        created.append(code)
        have.add(code)
        # As the platform's own bulk runs do: one backend's catalog caches slow DDL down as they grow.
        refresh_after(len(seconds))
        if len(seconds) % 50 == 0:
            print(
                f"  {len(have)} schools ({len(seconds)} new, median {statistics.median(seconds):.3f} s each)",
                flush=True,
            )
    return seconds, methods


def drop(codes: list[str]) -> None:
    from django.db import connection, transaction

    from district.models import Domain, School

    connection.set_schema_to_public()
    schools = list(School.objects.filter(code__in=codes))
    with transaction.atomic():
        Domain.objects.filter(tenant__in=schools).delete()
        School.objects.filter(pk__in=[s.pk for s in schools]).delete()
    # One schema per transaction: dropping many at once can run out of lock table slots.
    for school in schools:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{school.schema_name}" CASCADE')
    print(f"cleaned up: {len(schools)} schools and their schemas", flush=True)


# --- the catalog and memory ----------------------------------------------------------------------


def catalog() -> tuple[int, float, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class")
        relations = cursor.fetchone()[0]
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            "WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r'"
        )
        catalog_bytes = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]
    return relations, catalog_bytes / MIB, database_bytes / MIB


def _proc(pid: int, name: str) -> str | None:
    try:
        return Path(f"/proc/{pid}/{name}").read_text()
    except OSError:
        return None


def _ppid(pid: int) -> int | None:
    stat = _proc(pid, "stat")
    # "pid (comm) state ppid ...": comm may hold spaces, so split after its closing parenthesis.
    return int(stat.rsplit(")", 1)[1].split()[1]) if stat else None


def _kib(text: str | None, field: str) -> int:
    for line in (text or "").splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def local_backend(pid: int) -> bool:
    """Whether the backend `pid` is a process of this machine's PostgreSQL serving this database."""
    from django.db import connection

    cmdline = (_proc(pid, "cmdline") or "").replace("\0", " ")
    return cmdline.startswith("postgres") and connection.settings_dict["NAME"] in cmdline


def pss_mib(pid: int) -> float | None:
    rollup = _proc(pid, "smaps_rollup")
    return _kib(rollup, "Pss") / 1024 if rollup else None


def server_memory() -> tuple[str, str]:
    """(RSS MiB, PSS MiB) of the whole server, from a fresh connection; "n/a" when it is not local."""
    from django.db import connection

    connection.close()
    pid = backend_pid()
    if not local_backend(pid):
        return "n/a", "n/a"
    postmaster = _ppid(pid)
    pids = [postmaster] + [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _ppid(int(entry.name)) == postmaster
    ]
    rss = sum(_kib(_proc(p, "status"), "VmRSS") for p in pids) / 1024
    pss = sum(pss_mib(p) or 0 for p in pids)
    return f"{rss:.0f}", f"{pss:.0f}" if pss else "n/a"


# --- requests ------------------------------------------------------------------------------------


def timed_requests(codes: list[str]) -> tuple[list[float], list[float]]:
    """One page and one API read per school, as its admin, each school's first visit in this process."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    from district.services import school_schema_name
    from shared.accounts.models import User

    pages, reads = [], []
    for code in codes:
        client = Client(HTTP_HOST=f"{code}.{settings.BASE_DOMAIN}")
        with schema_context(school_schema_name(code)):
            client.force_login(User.objects.get(username=f"admin@{code}.example.cn"))
        connection.set_schema_to_public()
        for url, into in ((PAGE, pages), (API, reads)):
            started = time.perf_counter()
            response = client.get(url)
            into.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{code}: {url} answered {response.status_code}")
        connection.set_schema_to_public()
    return pages, reads


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="100,1000,2000", help="school counts, incremental (comma-separated)"
    )
    parser.add_argument("--sample", type=int, default=40, help="schools requested at each size (default 40)")
    parser.add_argument("--keep", action="store_true", help="leave the schools and schemas in place")
    parser.add_argument("--no-migrate", action="store_true", help="the database is migrated already")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the request sample")
    args = parser.parse_args()
    sizes = sorted({int(n) for n in args.sizes.split(",")})

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"database {connection.settings_dict['NAME']}; sizes {sizes}; sample {args.sample}", flush=True)
    if not args.no_migrate:
        started = time.perf_counter()
        call_command("migrate_platform", verbosity=0)
        connection.set_schema_to_public()
        print(f"migrate_platform: {time.perf_counter() - started:.1f} s", flush=True)

    randomizer = random.Random(args.seed)
    created: list[str] = []
    rows = []
    before = catalog()
    print(
        f"before: {before[0]} pg_class rows, catalog {before[1]:.0f} MiB, database {before[2]:.0f} MiB",
        flush=True,
    )
    try:
        for size in sizes:
            seconds, methods = extend_to(size, created)
            codes = existing_codes()[:size]
            print(f"{size} schools ready ({len(seconds)} new: {methods or 'none'})", flush=True)
            relations, catalog_mib, database_mib = catalog()
            rss, pss = server_memory()
            sample = randomizer.sample(codes, min(args.sample, len(codes)))
            pages, reads = timed_requests(sample)
            backend = backend_pid()
            own = pss_mib(backend) if local_backend(backend) else None
            rows.append(
                (
                    size,
                    len(seconds),
                    f"{statistics.median(seconds):.3f}" if seconds else "-",
                    f"{percentile(seconds, 0.95):.3f}" if seconds else "-",
                    relations,
                    f"{catalog_mib:.0f}",
                    f"{database_mib:.0f}",
                    rss,
                    pss,
                    f"{own:.0f}" if own is not None else "n/a",
                    ms(percentile(pages, 0.5)),
                    ms(percentile(pages, 0.95)),
                    ms(percentile(reads, 0.5)),
                    ms(percentile(reads, 0.95)),
                )
            )
            print(
                f"  measured: page p50 {ms(percentile(pages, 0.5))} ms, API p50 {ms(percentile(reads, 0.5))} ms",
                flush=True,
            )
    finally:
        print()
        print(f"one node, {connection.settings_dict['NAME']}; {args.sample} schools requested per size")
        print_table(
            [
                "schools",
                "created",
                "create s p50",
                "create s p95",
                "pg_class",
                "catalog MiB",
                "database MiB",
                "server RSS MiB",
                "server PSS MiB",
                "backend PSS MiB",
                "page p50 ms",
                "page p95 ms",
                "API p50 ms",
                "API p95 ms",
            ],
            rows,
        )
        print()
        connection.set_schema_to_public()
        if args.keep:
            print(f"--keep: left {len(existing_codes())} bench schools")
        else:
            drop(existing_codes())
    return 0


if __name__ == "__main__":
    sys.exit(main())
