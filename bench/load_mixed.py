"""Mixed load on many schools: pages, API reads, writes and screenings by people of every school role,
and cross-school attempts from every school, against gunicorn on 127.0.0.1.

    .venv/bin/python -m devstack run -- .venv/bin/python bench/load_mixed.py \
        [--schools 20] [--clients 20] [--seconds 60] [--requests 20000] [--keep]

The bench works in a database of its own, named after DATABASE_URL's with `_load` appended (created,
migrated, and dropped at the end unless --keep; with --keep the next run reuses it and its schools).
It provisions --schools schools with district.demo.seed_school (the five demo schools, then load06,
load07, ...: an account per role and a year of every area's data), issues each person an API token
and a signed-in session (with the second factor done for the roles that need one), and runs gunicorn
as `make start` does (bench/load.py's Platform).

Clients are threads with keep-alive connections (bench/load.py's Client). Each request is drawn from a
fixed, seeded plan:

- page: a person of a random role opens a workspace page with their session;
- api read: a person of a random role reads the API with their token (me, lists, a detail);
- write: the secretary creates a ledger task through the API (201 expected);
- screening: the counselor records a PHQ-9 for a student with consent (201 expected);
- cross-school: school i (every school in turn) tries school j's data: i's token or session on j's
  host, or i's token on i's host asking for j's task or student by id. Anything but 401/403/404 (or a
  redirect to sign in) is a leak when it is a 2xx.

It prints throughput, p50/p95/p99 per kind and overall, 5xx, requests without an answer, answers
outside the expected statuses, and leaks, and exits 1 unless 5xx, no-answer, unexpected and leaks are
all 0. Only 127.0.0.1 is ever sent requests; the run stops at --seconds or --requests, whichever
comes first.
"""

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
for _folder in (ROOT, ROOT / "platform"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from load import Client, ConnectionPoller, Platform, _ensure_database, _manage, percentile, run_clients  # noqa: E402
from provision import print_table  # noqa: E402

PAGES = ["/", "/ledger/", "/ledger/meetings/", "/governance/", "/students/", "/care/", "/screening/"]
API_READS = ["/api/v1/me/", "/api/v1/tasks/", "/api/v1/meetings/", "/api/v1/students/", "/api/v1/classes/"]
# Kind → share of the requests.
MIX = {"page": 25, "api read": 35, "write": 10, "screening": 10, "cross-school": 20}
EXPECTED = {
    "page": {200, 302, 403, 404},
    "api read": {200, 403, 404},
    "write": {201},
    "screening": {201},
    "cross-school": {302, 401, 403, 404},
}


# --- provisioning (runs in a subprocess with Django set up) --------------------------------------------


def provision(count: int) -> dict:
    """The schools, and for each: people by role with a token and a session, and ids to aim at."""
    import django

    # bench/district.py would shadow the district app: Django imports from the source roots only.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import connection
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tenants.utils import schema_context

    from district.demo import DEMO_SCHOOLS, seed_school
    from district.models import SchoolType
    from shared.accounts.models import User
    from shared.accounts.second_factor import confirmed_device, needs_second_factor
    from shared.accounts.services import api_token_issue
    from tenants.ledger.models import Task
    from tenants.screening import selectors as screening_selectors
    from tenants.students.models import Student

    specs = list(DEMO_SCHOOLS[:count])
    for n in range(len(specs) + 1, count + 1):
        specs.append(
            dict(
                code=f"load{n:02d}",
                name=f"压测学校{n:02d}",
                school_type=SchoolType.JUNIOR,
                number=f"L{n:03d}",
                student_count=1000,
            )
        )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    schools = []
    for spec in specs:
        started = time.perf_counter()
        school, _accounts = seed_school(spec)
        with schema_context(school.schema_name):
            people = {}
            for user in User.objects.filter(is_active=True).order_by("username"):
                session = store()
                session[SESSION_KEY] = str(user.pk)
                session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
                session[HASH_SESSION_KEY] = user.get_session_auth_hash()
                if needs_second_factor(user):
                    device = confirmed_device(user) or TOTPDevice.objects.create(
                        user=user, name="bench", confirmed=True
                    )
                    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.create()
                people[user.username] = {
                    "id": str(user.public_id),
                    "roles": list(user.roles),
                    "token": api_token_issue(user=user),
                    "session": session.session_key,
                }
            students = [s for s in Student.objects.filter(status="active").order_by("id")[:200]]
            screenable = [str(s.public_id) for s in students if screening_selectors.may_be_screened(s)][:20]
            schools.append(
                {
                    "code": school.code,
                    "host": f"{school.code}.{settings.BASE_DOMAIN}",
                    "people": people,
                    "tasks": [
                        str(i) for i in Task.objects.order_by("id").values_list("public_id", flat=True)[:20]
                    ],
                    "students": [str(s.public_id) for s in students[:20]],
                    "screenable": screenable,
                }
            )
        connection.set_schema_to_public()
        print(f"[load] school {school.code} ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return {"schools": schools, "session_cookie": settings.SESSION_COOKIE_NAME}


# --- the plan ---------------------------------------------------------------------------------------


def _person(school: dict, rng: random.Random, *, role: str | None = None) -> dict:
    people = school["people"]
    if role is not None:
        return next(p for p in people.values() if role in p["roles"])
    return people[rng.choice(sorted(people))]


def plan(world: dict, total: int, seed: int = 7) -> list[tuple]:
    """(kind, method, path, headers, body, source school, target school) for each request."""
    rng = random.Random(seed)
    schools = world["schools"]
    cookie_name = world["session_cookie"]
    kinds = [kind for kind, share in MIX.items() for _ in range(share)]
    cross_from = itertools.cycle(range(len(schools)))  # every school in turn
    due = (date.today() + timedelta(days=30)).isoformat()
    planned = []
    for n in range(total):
        kind = rng.choice(kinds)
        school = rng.choice(schools)
        host = school["host"]
        json_headers = {"Content-Type": "application/json"}
        if kind == "page":
            person = _person(school, rng)
            headers = {"Host": host, "Cookie": f"{cookie_name}={person['session']}", "Accept": "text/html"}
            planned.append((kind, "GET", rng.choice(PAGES), headers, None, school["code"], school["code"]))
        elif kind == "api read":
            person = _person(school, rng)
            paths = API_READS + [f"/api/v1/tasks/{i}/" for i in school["tasks"][:5]]
            headers = {"Host": host, "Authorization": f"Token {person['token']}"}
            planned.append((kind, "GET", rng.choice(paths), headers, None, school["code"], school["code"]))
        elif kind == "write":
            person = _person(school, rng, role="secretary")
            body = {"title": f"压测任务 {n}", "owner": person["id"], "due_on": due}
            headers = {"Host": host, "Authorization": f"Token {person['token']}", **json_headers}
            planned.append((kind, "POST", "/api/v1/tasks/", headers, body, school["code"], school["code"]))
        elif kind == "screening":
            if not school["screenable"]:
                raise SystemExit(f"{school['code']} has no student with consent to screen")
            person = _person(school, rng, role="counselor")
            body = {
                "student": rng.choice(school["screenable"]),
                "instrument": "phq9",
                "answers": [1, 0, 1, 0, 1, 0, 0, 0, 0],
            }
            headers = {"Host": host, "Authorization": f"Token {person['token']}", **json_headers}
            planned.append(
                (kind, "POST", "/api/v1/screenings/", headers, body, school["code"], school["code"])
            )
        else:
            source = schools[next(cross_from)]
            target = rng.choice([s for s in schools if s is not source])
            person = _person(source, rng, role=rng.choice(["secretary", "principal", "counselor"]))
            token = {"Authorization": f"Token {person['token']}"}
            attempt = rng.randrange(5)
            if attempt == 0:  # my token on their host
                path, headers, method, body = "/api/v1/me/", {"Host": target["host"], **token}, "GET", None
            elif attempt == 1:  # my session on their host
                cookie = {"Cookie": f"{cookie_name}={person['session']}", "Accept": "text/html"}
                path, headers, method, body = "/ledger/", {"Host": target["host"], **cookie}, "GET", None
            elif attempt == 2:  # their task's id at my host
                path = f"/api/v1/tasks/{rng.choice(target['tasks'])}/"
                headers, method, body = {"Host": source["host"], **token}, "GET", None
            elif attempt == 3:  # their student's id at my host
                path = f"/api/v1/students/{rng.choice(target['students'])}/"
                headers, method, body = {"Host": source["host"], **token}, "GET", None
            else:  # a write with my token on their host
                path, method = "/api/v1/tasks/", "POST"
                body = {"title": "跨校写入", "owner": person["id"], "due_on": due}
                headers = {"Host": target["host"], **token, **json_headers}
            planned.append(("cross-school", method, path, headers, body, source["code"], target["code"]))
    return planned


# --- the run ----------------------------------------------------------------------------------------


def _send(client, item) -> int:
    _kind, method, path, headers, body, _source, _target = item
    data = json.dumps(body).encode() if body is not None else None
    return client.request(method, path, body=data, headers=headers)[0]


def run(port: int, planned: list[tuple], clients: int, seconds: float, timeout: float):
    """(kind, status, seconds, source, leaked) per request sent."""
    results, elapsed = run_clients(
        lambda: Client(port, None, None, timeout), planned, clients, seconds, _send
    )
    return [
        (item[0], status, took, item[5], item[0] == "cross-school" and 200 <= status < 300)
        for item, status, took in results
    ], elapsed


def report(results, seconds, clients, schools, poller_peak) -> int:
    def row(name, rows):
        ms = [r[2] * 1000 for r in rows]
        server_errors = sum(1 for r in rows if r[1] >= 500)
        no_answer = sum(1 for r in rows if r[1] == 0)
        unexpected = sum(1 for r in rows if 0 < r[1] < 500 and r[1] not in EXPECTED[r[0]] and not r[4])
        leaks = sum(1 for r in rows if r[4])
        return [
            name,
            len(rows),
            f"{len(rows) / seconds:.1f}",
            f"{percentile(ms, 0.5):.0f}",
            f"{percentile(ms, 0.95):.0f}",
            f"{percentile(ms, 0.99):.0f}",
            server_errors,
            no_answer,
            unexpected,
            leaks,
        ], server_errors + no_answer + unexpected + leaks

    rows, bad = [], 0
    for kind in MIX:
        mine = [r for r in results if r[0] == kind]
        if mine:
            line, _ = row(kind, mine)
            rows.append(line)
    total, bad = row("all", results)
    rows.append(total)
    print()
    print(
        f"{len(results)} requests, {clients} clients, {schools} schools, {seconds:.1f} s; peak DB connections {poller_peak}"
    )
    print_table(
        [
            "kind",
            "requests",
            "req/s",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "5xx",
            "no answer",
            "unexpected",
            "leaks",
        ],
        rows,
    )
    sources = {r[3] for r in results if r[0] == "cross-school"}
    print(f"\ncross-school attempts came from {len(sources)} of {schools} schools")
    statuses = {}
    for r in results:
        statuses.setdefault(r[0], {}).setdefault(r[1], 0)
        statuses[r[0]][r[1]] += 1
    for kind, counts in statuses.items():
        print(f"  {kind}: " + ", ".join(f"{status or 'none'}×{n}" for status, n in sorted(counts.items())))
    return 0 if bad == 0 and len(sources) == schools else 1


def _bench_database(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=parts.path.rstrip("/") + "_load").geturl()


def _drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path.lstrip("/")))
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60, help="stop sending after this long")
    parser.add_argument("--requests", type=int, default=20000, help="at most this many requests")
    parser.add_argument("--timeout", type=float, default=30, help="seconds one request may take")
    parser.add_argument("--keep", action="store_true", help="keep the bench's database for the next run")
    parser.add_argument("--provision", type=int, help=argparse.SUPPRESS)  # internal: the subprocess
    args = parser.parse_args()
    if args.provision:
        print(json.dumps(provision(args.provision)))
        return 0
    if not (2 <= args.schools <= 200 and 1 <= args.clients <= 200 and 1 <= args.requests <= 1_000_000):
        parser.error("--schools 2..200, --clients 1..200, --requests 1..1000000")

    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not env.get(name):
            raise SystemExit(f"{name} must be set (run through `python -m devstack run --`)")
    env["DATABASE_URL"] = _bench_database(env["DATABASE_URL"])
    env.setdefault("DEBUG", "false")
    env.setdefault("BASE_DOMAIN", "localhost")
    env.setdefault("CACHE_KEY_PREFIX", "xinyu-load-mixed")
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    env.setdefault("LOG_LEVEL", "ERROR")  # 4xx answers are expected here (cross-school attempts)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "platform")])
    from config.serving import WEB_THREADS, WEB_WORKERS

    _ensure_database(env["DATABASE_URL"])
    platform = Platform(env)
    try:
        started = time.perf_counter()
        print("[load] migrating ...", flush=True)
        _manage(env, "migrate_platform", "--verbosity", "0")
        print(f"[load] provisioning {args.schools} schools ...", flush=True)
        done = subprocess.run(
            [sys.executable, __file__, "--provision", str(args.schools)],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        world = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"[load] ready in {time.perf_counter() - started:.0f} s", flush=True)
        port = urlsplit(platform.start(world["schools"][0]["host"])).port
        planned = plan(world, args.requests)
        poller = ConnectionPoller(env["DATABASE_URL"])
        poller.start()
        poller.ready.wait(10)
        print(
            f"[load] up to {len(planned)} requests or {args.seconds:.0f} s over {args.clients} clients "
            f"(gunicorn: {WEB_WORKERS} workers × {WEB_THREADS} threads) ...",
            flush=True,
        )
        results, seconds = run(port, planned, args.clients, args.seconds, args.timeout)
        poller.stopping.set()
        poller.join(5)
    finally:
        platform.stop()
        if not args.keep:
            _drop_database(env["DATABASE_URL"])
    return report(results, seconds, args.clients, len(world["schools"]), poller.peak)


if __name__ == "__main__":
    sys.exit(main())
