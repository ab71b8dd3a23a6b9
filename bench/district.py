"""District figures at scale: aggregation of every school, the district dashboard, and the exports.

    .venv/bin/python bench/district.py [--sizes 50,200,1000] [--keep] [--batch-sizes 1,20,50]
                                       [--batch-at 200] [--warm 30] [--workers 2]

Needs DATABASE_URL and REDIS_URL (a throwaway database: the bench creates up to the largest size in
schools, and every active school in it is aggregated).

- One source school is provisioned with school_create and seeded with the demo areas (the demo
  accounts and every area's demo year), plus a roster of a few hundred students with screenings, so
  that it looks like a real school. It is suspended, so runs leave it out.
- Each bench school is created with school_create (template DDL replay, or the pool) and then gets
  the source's records, table by table (INSERT INTO new.t SELECT * FROM source.t, one transaction).
- Sizes are incremental: schools are created up to the first size, measured, extended to the next.
  Schools made by an earlier run with --keep are reused.

Measured at each size:
  aggregation   figures.aggregation.run_start for the current month, term and school year, on real
                Celery workers (a `celery worker` subprocess with --workers processes), until the
                AggregationRun is done; and at --batch-at schools, each of --batch-sizes per task.
  in process    aggregate_school for a sample of schools in this process: ms and queries per school.
  dashboard     GET /figures/?period=<term> and /figures/schools/<code>/?period=<term> with the
                Django test client as a district analyst: the first (cold cache) and --warm more.
  exports       an approved submission of the default term form per school, then reporting.exports
                over all schools: approved_schools + collect (published() per element), and the
                rendering of each format.

Everything the bench created is removed at the end unless --keep is given.
"""

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _folder in (ROOT, ROOT / "platform"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from provision import print_table  # noqa: E402  (bench/ is this script's folder)

SOURCE_CODE = "benchdsrc"
PREFIX = "benchd"
EXTRA_STUDENTS = 360  # on top of the demo roster's 40
NOT_COPIED = {"django_migrations", "django_content_type", "auth_permission"}
ANALYST = "benchanalyst"


def pct(values, q):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.0f}"


# --- the schools -------------------------------------------------------------------------------


def source_school():
    """The seeded source school (made once, kept between runs with --keep)."""
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from district.demo import SCHOOL_ACCOUNTS, _ensure_accounts, _seed_areas
    from district.models import School, SchoolStatus
    from district.services import school_create

    connection.set_schema_to_public()
    school = School.objects.filter(code=SOURCE_CODE).first()
    if school is not None:
        return school
    started = time.perf_counter()
    school = school_create(
        code=SOURCE_CODE,
        name="基准源学校",
        school_type="junior",
        number="BENCH-D-SRC",
        student_count=400,
        admin_name="基准管理员",
        admin_email=f"admin@{SOURCE_CODE}.example.cn",
    ).school
    with schema_context(school.schema_name):
        _ensure_accounts(SCHOOL_ACCOUNTS)
        _seed_areas()
        _more_students(timezone.localdate())
    connection.set_schema_to_public()
    School.objects.filter(pk=school.pk).update(status=SchoolStatus.SUSPENDED)
    school.refresh_from_db()
    print(f"source school seeded in {time.perf_counter() - started:.1f} s")
    return school


def _more_students(today) -> None:
    """A roster of a few hundred in grades 7-9, a third of them screened this month."""
    from django.utils import timezone

    from shared.accounts.models import User
    from tenants.screening.models import Response
    from tenants.students.models import SchoolClass, Student

    classes = []
    for grade in (7, 8, 9):
        for number in range(3, 7):
            school_class, _ = SchoolClass.objects.get_or_create(grade=grade, name=f"{number}班")
            classes.append(school_class)
    students = Student.objects.bulk_create(
        [
            Student(
                student_number=f"B{i:05d}",
                name=f"基准学生{i}",
                gender="female" if i % 2 else "male",
                date_of_birth=today.replace(year=today.year - 13, day=1) - timedelta(days=i % 300),
                school_class=classes[i % len(classes)],
                guardian_name="基准家长",
                guardian_phone=f"139{i:08d}",
            )
            for i in range(EXTRA_STUDENTS)
        ]
    )
    author = User.objects.filter(username="psych").first()
    responses = Response.objects.bulk_create(
        [
            Response(
                student=student,
                instrument_code="phq9" if i % 2 else "gad7",
                total=i % 20,
                band=("minimal", "mild", "moderate")[i % 3],
                entered_by=author,
            )
            for i, student in enumerate(students)
            if i % 3 == 0
        ]
    )
    moment = timezone.now() - timedelta(hours=2)
    Response.objects.filter(pk__in=[r.pk for r in responses]).update(taken_at=moment)


class Schools:
    """The bench schools: created with school_create, then filled from the source schema."""

    def __init__(self, source):
        self.source = source
        self.created: list[str] = []  # codes this run created
        self._copy_sql: str | None = None

    def existing(self) -> list:
        from district.models import School

        return list(School.objects.filter(code__startswith=PREFIX).exclude(code=SOURCE_CODE).order_by("code"))

    def _script(self) -> str:
        """TRUNCATE the new schema's tables, copy the source's rows, and align the sequences: one
        SQL script with {schema} for the new schema."""
        if self._copy_sql is not None:
            return self._copy_sql
        from django.db import connection

        src = self.source.schema_name
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [src])
            tables = [t for (t,) in cursor.fetchall() if t not in NOT_COPIED]
            cursor.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind = 'S' ORDER BY 1",
                [src],
            )
            sequences = [s for (s,) in cursor.fetchall()]
            # Only tables with rows in the source need copying.
            filled = []
            for table in tables:
                cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{src}"."{table}")')
                if cursor.fetchone()[0]:
                    filled.append(table)
        lines = [
            "SET CONSTRAINTS ALL DEFERRED;",
            # Provisioning filled only tables the source has rows in too (seeded rows, the admin).
            # TRUNCATE, not DELETE: account events refuse DELETE (append-only trigger).
            "TRUNCATE " + ", ".join(f'"{{schema}}"."{t}"' for t in filled) + " CASCADE;",
            *(f'INSERT INTO "{{schema}}"."{t}" SELECT * FROM "{src}"."{t}";' for t in filled),
            *(
                f'SELECT setval(\'"{{schema}}"."{s}"\', last_value, is_called) FROM "{src}"."{s}";'
                for s in sequences
            ),
        ]
        self._copy_sql = "\n".join(lines)
        print(f"copy script: {len(filled)} of {len(tables)} tables copied, {len(sequences)} sequences")
        return self._copy_sql

    def extend_to(self, n: int) -> tuple[int, float, float]:
        """Create schools until there are n; returns (created, seconds creating, seconds copying)."""
        from django.db import connection, transaction

        from district.provisioning.connections import refresh_after
        from district.services import school_create

        have = {s.code for s in self.existing()}
        script = self._script()
        create_s = copy_s = spent_before = 0.0
        made = 0
        i = 0
        while len(have) < n:
            code = f"{PREFIX}{i:04d}"
            i += 1
            if code in have:
                continue
            started = time.perf_counter()
            school = school_create(
                code=code,
                name=f"基准学校{i:04d}",
                school_type="junior",
                number=f"BENCH-D-{i:04d}",
                student_count=400,
                admin_name="基准管理员",
                admin_email=f"admin@{code}.example.cn",
            ).school
            self.created.append(code)
            created = time.perf_counter()
            connection.set_schema_to_public()
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(script.replace("{schema}", school.schema_name))
            except Exception:
                self.drop([school])  # never leave a school without its records
                raise
            connection.set_schema_to_public()
            create_s += created - started
            copy_s += time.perf_counter() - created
            have.add(code)
            made += 1
            refresh_after(made)
            if made % 50 == 0:
                last = create_s + copy_s - spent_before
                spent_before = create_s + copy_s
                print(
                    f"  {len(have)} schools ({made} new, {(create_s + copy_s) / made:.2f} s each, "
                    f"last 50 {last / 50:.2f} s each)",
                    flush=True,
                )
        return made, create_s, copy_s

    def cleanup(self, everything: bool) -> None:
        from django.db import connection

        from district.models import School

        connection.set_schema_to_public()
        codes = [s.code for s in self.existing()] + [SOURCE_CODE] if everything else list(self.created)
        schools = list(School.objects.filter(code__in=codes))
        self.drop(schools)
        print(f"cleaned up: {len(schools)} schools and their schemas")

    def drop(self, schools) -> None:
        from django.db import connection, transaction

        from district.models import Domain, School

        connection.set_schema_to_public()
        with transaction.atomic():
            Domain.objects.filter(tenant__in=schools).delete()
            School.objects.filter(pk__in=[s.pk for s in schools]).delete()
        # One schema per transaction: dropping many at once can run out of lock table slots.
        for school in schools:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{school.schema_name}" CASCADE')


# --- aggregation -------------------------------------------------------------------------------


class Worker:
    """`celery worker` in a subprocess, on a queue of its own."""

    def __init__(self, processes: int):
        self.queue = f"bench-{uuid.uuid4().hex[:8]}"
        self.processes = processes
        self.proc = None

    def __enter__(self):
        from config.celery import app

        env = dict(os.environ, CELERY_QUEUE=self.queue, PYTHONUNBUFFERED="1")
        self.log = open("/tmp/bench_district_worker.log", "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "WARNING",
             "--concurrency", str(self.processes), "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-Q", self.queue],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        app.conf.task_default_queue = self.queue
        # Wait until it answers a ping on its queue.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the celery worker exited; see /tmp/bench_district_worker.log")
            replies = app.control.ping(timeout=1.0)
            if replies:
                return self
        raise RuntimeError("the celery worker did not answer within 60 s")

    def __exit__(self, *exc):
        import signal

        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()
        return False


def wait_for(run, timeout: float = 3600) -> None:
    from figures.models import RunStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in (RunStatus.DONE, RunStatus.FAILED):
            return
        time.sleep(0.1)
    raise TimeoutError(f"run {run.pk} not finished after {timeout} s")


def timed_run(periods, batch_size: int | None = None) -> tuple[float, object]:
    """A run over every active school on the worker; seconds from the request to the last school."""
    from django.db import transaction

    from figures.aggregation import run_start
    from figures.models import AggregationRun, RunStatus
    from figures.tasks import run_aggregation

    started = time.perf_counter()
    if batch_size is None:
        run = run_start(periods, requested_by="bench")
    else:
        with transaction.atomic():
            run = AggregationRun.objects.create(requested_by="bench", status=RunStatus.QUEUED)
            run.periods.set(periods)
        run_aggregation.apply_async(args=(run.pk, batch_size), headers={"_schema_name": "public"})
    wait_for(run)
    elapsed = time.perf_counter() - started
    if run.schools_failed:
        errors = set(run.outcomes.filter(ok=False).values_list("error", flat=True))
        print(f"  warning: {run.schools_failed} school(s) failed: {sorted(errors)}")
    return elapsed, run


def in_process(periods, schools, sample: int) -> tuple[float, float, int]:
    """aggregate_school in this process for `sample` schools: (ms/school, queries/school, rows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from figures.aggregation import aggregate_school

    chosen = schools[:sample]
    aggregate_school(chosen[0], periods)  # warm imports and caches
    times, queries, rows = [], [], 0
    for school in chosen:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = aggregate_school(school, periods)
            times.append(time.perf_counter() - started)
        queries.append(len(captured.captured_queries))
        rows = result.written
    connection.set_schema_to_public()
    return statistics.median(times), statistics.median(queries), rows


# --- the dashboard -----------------------------------------------------------------------------


def analyst():
    from django.db import connection

    from shared.accounts.models import User
    from shared.accounts.roles import DistrictRole
    from shared.accounts.services import account_create

    connection.set_schema_to_public()
    user = User.objects.filter(username=ANALYST).first()
    if user is None:
        user = account_create(username=ANALYST, full_name="基准分析员", roles=[DistrictRole.DISTRICT_ANALYST])
    return user


def timed_pages(user, term, school_code: str, warm: int) -> list[tuple]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    client.force_login(user)
    pages = [
        ("dashboard", f"/figures/?period={term.code}"),
        ("drill-down", f"/figures/schools/{school_code}/?period={term.code}"),
    ]
    rows = []
    for name, url in pages:
        connection.set_schema_to_public()
        with CaptureQueriesContext(connection) as cold_queries:
            started = time.perf_counter()
            response = client.get(url)
            cold = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        samples = []
        with CaptureQueriesContext(connection) as warm_queries:
            for _ in range(warm):
                started = time.perf_counter()
                response = client.get(url)
                samples.append(time.perf_counter() - started)
        rows.append(
            (
                name,
                ms(cold),
                len(cold_queries.captured_queries),
                ms(statistics.median(samples)),
                ms(pct(samples, 0.95)),
                round(len(warm_queries.captured_queries) / warm),
                f"{len(response.content) // 1024}",
            )
        )
    return rows


# --- exports -----------------------------------------------------------------------------------


def timed_exports(term, schools, formats) -> list[tuple]:
    from django.utils import timezone

    from figures import selectors
    from reporting import exports
    from reporting.models import ReportForm, Submission, SubmissionStatus

    form = ReportForm.objects.get(code="school-mh-term")
    now = timezone.now()
    Submission.objects.bulk_create(
        [
            Submission(
                form=form, school=school, period=term, status=SubmissionStatus.APPROVED,
                completed_at=now, completed_by="principal", decided_at=now, decided_by=ANALYST,
            )
            for school in schools
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    try:
        results = []
        for cache in ("cold", "warm"):
            if cache == "cold":
                selectors.data_changed()  # a new data version: published() recomputes every table
            started = time.perf_counter()
            submissions, left_out = exports.approved_schools(form, term)
            rows = exports.collect(form, term, submissions)
            collect_s = time.perf_counter() - started
            results.append((f"collect, {cache} cache", f"{collect_s:.2f}", len(rows), ""))
        for fmt in formats:
            started = time.perf_counter()
            content = exports.render(fmt, form, term, rows, left_out, submissions)
            render_s = time.perf_counter() - started
            results.append(
                (f"{fmt} render; warm collect + render", f"{render_s:.2f}; {collect_s + render_s:.2f}", len(rows),
                 f"{len(content) // 1024}"),
            )  # fmt: skip
        return results
    finally:
        Submission.objects.filter(form=form, period=term, school__in=schools).delete()


# --- main --------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="50,200,1000", help="school counts, incremental (comma-separated)")
    parser.add_argument("--keep", action="store_true", help="leave the schools and schemas in place")
    parser.add_argument("--batch-sizes", default="1,20,50", help="schools per task compared at --batch-at")
    parser.add_argument(
        "--batch-at", type=int, default=200, help="the size at which batch sizes are compared"
    )
    parser.add_argument("--warm", type=int, default=30, help="warm requests per page (default 30)")
    parser.add_argument("--workers", type=int, default=2, help="celery worker processes (default 2)")
    parser.add_argument("--sample", type=int, default=20, help="schools aggregated in process per size")
    parser.add_argument("--skip-exports", action="store_true", help="no export timing")
    parser.add_argument(
        "--formats", default="csv,json,pdf,xlsx", help="export formats to time (default csv,json,pdf,xlsx)"
    )
    parser.add_argument("--skip-pages", action="store_true", help="no dashboard or export timing")
    parser.add_argument("--no-migrate", action="store_true", help="the database is migrated already")
    parser.add_argument(
        "--reuse-template",
        action="store_true",
        help="provision from the stored schema template without loading migrations (while the checkout "
        "has migrations this database does not)",
    )
    parser.add_argument("--create-only", action="store_true", help="make the schools, measure nothing")
    args = parser.parse_args()
    sizes = sorted(int(n) for n in args.sizes.split(","))
    batch_sizes = [int(n) for n in args.batch_sizes.split(",")]

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from figures import tasks
    from figures.counts import today
    from figures.models import AggregationRun, Period
    from figures.periods import current_periods

    db = connection.settings_dict
    print(
        f"database {db['NAME']}; sizes {sizes}; {args.workers} worker process(es); "
        f"BATCH_SIZE={tasks.BATCH_SIZE}; TENANT_LIMIT_SET_CALLS={getattr(settings, 'TENANT_LIMIT_SET_CALLS', False)}",
        flush=True,
    )
    if not args.no_migrate:
        started = time.perf_counter()
        call_command("migrate_platform", verbosity=0)
        connection.set_schema_to_public()
        print(f"migrate_platform: {time.perf_counter() - started:.1f} s", flush=True)

    if args.reuse_template:
        from district.models import SchemaTemplate
        from district.provisioning import ddl

        stored = SchemaTemplate.objects.order_by("-id").first()
        ddl.current_template = lambda **kwargs: stored
        print(f"provisioning from the stored template {stored.fingerprint[:12]}", flush=True)
    periods = current_periods(today())
    term = next(p for p in periods if p.kind == "term")
    print(f"periods: {', '.join(p.code for p in periods)}", flush=True)
    source = source_school()
    schools = Schools(source)
    user = analyst()

    agg_rows, proc_rows, batch_rows, page_rows, export_rows, make_rows = [], [], [], [], [], []
    try:
        for size in sizes:
            made, create_s, copy_s = schools.extend_to(size)
            make_rows.append(
                (
                    size,
                    made,
                    f"{create_s / made:.2f}" if made else "-",
                    f"{copy_s / made:.3f}" if made else "-",
                )
            )
            bench_schools = schools.existing()[:size]
            active = len(bench_schools)
            print(f"{size} schools ready ({made} new)", flush=True)
            if args.create_only:
                continue
            # A worker per size, started after the schools are made: it idles through nothing.
            with Worker(args.workers):
                elapsed, run = timed_run(periods)
                agg_rows.append(
                    (size, run.schools_done, f"{elapsed:.1f}", f"{run.schools_done / elapsed:.1f}",
                     f"{1000 * elapsed / max(run.schools_done, 1):.0f}")
                )  # fmt: skip
                print(f"  aggregation: {elapsed:.1f} s", flush=True)
                if size == args.batch_at:
                    for batch_size in batch_sizes:
                        elapsed, run = timed_run(periods, batch_size)
                        batch_rows.append(
                            (size, batch_size, f"{elapsed:.1f}", f"{run.schools_done / elapsed:.1f}")
                        )
                        print(f"  batch size {batch_size}: {elapsed:.1f} s", flush=True)
            per_school, queries, rows = in_process(periods, bench_schools, min(args.sample, active))
            proc_rows.append((size, ms(per_school), f"{queries:.0f}", rows))
            if args.skip_pages:
                continue
            for row in timed_pages(user, term, bench_schools[0].code, args.warm):
                page_rows.append((size, *row))
            print("  dashboard timed", flush=True)
            if not args.skip_exports:
                for row in timed_exports(term, bench_schools, args.formats.split(",")):
                    export_rows.append((size, *row))
                print("  exports timed", flush=True)
    finally:
        print()
        print("schools made (school_create, then the source's rows copied)")
        print_table(["size", "new schools", "create s/school", "copy s/school"], make_rows)
        print()
        print(f"aggregation: run_start for {len(periods)} periods, {args.workers} worker process(es), "
              f"BATCH_SIZE={tasks.BATCH_SIZE}")  # fmt: skip
        print_table(["schools", "done", "seconds", "schools/s", "ms/school (wall)"], agg_rows)
        print()
        print("aggregate_school in process (median over a sample)")
        print_table(["schools", "ms/school", "queries/school", "rows/school"], proc_rows)
        if batch_rows:
            print()
            print("schools per task")
            print_table(["schools", "batch size", "seconds", "schools/s"], batch_rows)
        print()
        print(f"district pages as {ANALYST}: first request (cold cache), then {args.warm} warm")
        print_table(
            ["schools", "page", "cold ms", "cold queries", "p50 ms", "p95 ms", "queries", "KiB"], page_rows
        )
        if export_rows:
            print()
            print(f"exports of the default term form ({term.code}), every school approved")
            print_table(["schools", "step", "seconds", "rows", "KiB"], export_rows)
        print()
        connection.set_schema_to_public()
        AggregationRun.objects.filter(requested_by="bench").delete()
        Period.objects.none()
        if args.keep:
            print(f"--keep: left {len(schools.existing())} bench schools and the source {SOURCE_CODE}")
        else:
            schools.cleanup(everything=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
