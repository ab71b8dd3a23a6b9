"""Load on the school API: requests/s, latency, server errors and database connections under load.

    .venv/bin/python -m devstack run -- .venv/bin/python bench/load.py [--requests 5000] [--clients 20]
    make bench   (runs this with the others)

By default the bench runs the platform itself, as `make start` serves it (gunicorn, config/serving.py),
against DATABASE_URL / REDIS_URL (`devstack run` supplies embedded servers when they are unset). It
creates the database if missing, migrates, seeds the demo schools (idempotent), issues an API token
for demo1's secretary and starts gunicorn on a free port of 127.0.0.1. To load a platform that is
already running instead, give its address, a school host and a token:

    bench/load.py --url http://127.0.0.1:8000 --host demo1.localhost --token KEY

Only 127.0.0.1 is ever sent requests. Clients are threads with keep-alive connections (http.client),
sharing a fixed list of requests that mixes the API's list and detail reads; the run stops after
--max-seconds whatever is left. Meanwhile a thread polls pg_stat_activity for the number of
connections to the database (the bench's own excluded) and keeps the peak, which must stay within
WEB_WORKERS × WEB_THREADS. Exits 1 when any request answered 5xx or failed, or the peak passed the bound.
"""

import argparse
import http.client
import itertools
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
for _folder in (ROOT, ROOT / "platform"):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from provision import print_table  # noqa: E402  (bench/ is this script's folder)

SCHOOL = "demo1"
USERNAME = "secretary"  # reads the roster, the ledger and meetings; no second factor
# (name, list path, whether to read details of its first page too)
ENDPOINTS = [
    ("students", "/api/v1/students/", True),
    ("classes", "/api/v1/classes/", False),
    ("tasks", "/api/v1/tasks/", True),
    ("meetings", "/api/v1/meetings/", True),
    ("me", "/api/v1/me/", False),
]


def percentile(values, fraction):
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] if ordered else float("nan")


# --- the platform, when the bench runs it ----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"[load] created database {name}", flush=True)


def _manage(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return done.stdout


class Platform:
    """gunicorn as `make start` runs it, on a free port of 127.0.0.1."""

    def __init__(self, env):
        self.env = env
        self.port = _free_port()
        self.process = None

    def prepare(self) -> str:
        print("[load] migrating and seeding the demo schools ...", flush=True)
        _manage(self.env, "migrate_platform", "--verbosity", "0")
        _manage(self.env, "seed_demo")
        return _manage(self.env, "api_token", "--school", SCHOOL, "--username", USERNAME).strip()

    def start(self, host: str) -> str:
        from devstack.__main__ import web_command

        self.process = subprocess.Popen(
            web_command(self.port, bind="127.0.0.1"), env=self.env, cwd=ROOT, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz", headers={"Host": host})
                if conn.getresponse().status == 200:
                    return f"http://127.0.0.1:{self.port}"
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not answer /healthz within 60 s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


# --- database connections ----------------------------------------------------------------------


class ConnectionPoller(threading.Thread):
    """Peak number of connections to the database, polled every `interval` seconds."""

    def __init__(self, url: str, interval: float = 0.05):
        super().__init__(daemon=True)
        self.url = url
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self.stopping = threading.Event()
        self.ready = threading.Event()

    def count(self, conn) -> int:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]

    def run(self):
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            self.ready.set()
            while not self.stopping.is_set():
                self.peak = max(self.peak, self.count(conn))
                self.samples += 1
                time.sleep(self.interval)


# --- the load ----------------------------------------------------------------------------------


class Client:
    """One keep-alive connection to 127.0.0.1:port. `host` and `token` are the default Host and
    Authorization headers; each request may add or override headers (bench/load_mixed.py does)."""

    def __init__(self, port: int, host: str | None, token: str | None, timeout: float):
        self.port, self.timeout = port, timeout
        self.headers = {"Accept": "application/json"}
        if host:
            self.headers["Host"] = host
        if token:
            self.headers["Authorization"] = f"Token {token}"
        self.conn = None

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)

    def request(self, method: str, path: str, body: bytes | None = None, headers=None) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers={**self.headers, **(headers or {})})
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: open a new one, once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def plan_requests(client: Client, total: int) -> list[tuple[str, str]]:
    """A fixed mix of (kind, path): each list, and the details of its first page's objects."""
    kinds = []
    for name, path, details in ENDPOINTS:
        status, body = client.get(path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}: {body[:300]!r}")
        kinds.append((f"{name} list" if name != "me" else name, [path]))
        if details:
            data = json.loads(body)
            ids = [row["id"] for row in (data.get("results", data) if isinstance(data, dict) else data)][:20]
            if ids:
                kinds.append((f"{name} detail", [f"{path}{i}/" for i in ids]))
    cycles = {kind: itertools.cycle(paths) for kind, paths in kinds}
    order = itertools.cycle([kind for kind, _ in kinds])
    return [(kind, next(cycles[kind])) for kind in itertools.islice(order, total)]


def run_clients(make_client, planned: list, clients: int, max_seconds: float, send):
    """Send `planned` from `clients` threads, each with its own keep-alive client (`make_client()`),
    until all are sent or `max_seconds` have passed. `send(client, item)` sends one and returns the
    status. Returns [(item, status, seconds)] (status 0: failed without an answer) and the duration."""
    results = []
    lock = threading.Lock()
    position = itertools.count()
    deadline = time.monotonic() + max_seconds

    def worker():
        client = make_client()
        mine = []
        while time.monotonic() < deadline:
            i = next(position)
            if i >= len(planned):
                break
            start = time.perf_counter()
            try:
                status = send(client, planned[i])
            except OSError:
                status = 0
                client.conn = None
            mine.append((planned[i], status, time.perf_counter() - start))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.perf_counter() - started


def run_load(port, host, token, planned, clients, max_seconds, timeout):
    """(kind, status, seconds) per request of `planned` [(kind, path)], GETs with the token."""
    results, seconds = run_clients(
        lambda: Client(port, host, token, timeout),
        planned,
        clients,
        max_seconds,
        lambda client, item: client.get(item[1])[0],
    )
    return [(item[0], status, elapsed) for item, status, elapsed in results], seconds


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=600, help="stop sending after this long")
    parser.add_argument("--timeout", type=float, default=30, help="seconds one request may take")
    parser.add_argument("--url", help="a running platform, e.g. http://127.0.0.1:8000")
    parser.add_argument("--host", default=None, help="the school's host name (default demo1.BASE_DOMAIN)")
    parser.add_argument("--token", help="an API token at that school (with --url)")
    args = parser.parse_args()
    if not (1 <= args.clients <= 200 and 1 <= args.requests <= 100_000):
        parser.error("--clients 1..200, --requests 1..100000")

    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not env.get(name):
            raise SystemExit(f"{name} must be set (run through `python -m devstack run --`)")
    from config.serving import DB_MAX_WEB_CONNECTIONS, WEB_THREADS, WEB_WORKERS

    bound = WEB_WORKERS * WEB_THREADS
    host = args.host or f"{SCHOOL}.{env.get('BASE_DOMAIN', 'localhost')}"
    platform = None
    if args.url:
        parts = urlsplit(args.url)
        if parts.hostname != "127.0.0.1" or not args.token:
            parser.error("--url must be http://127.0.0.1:PORT, with --token")
        port, token = parts.port or 80, args.token
        print(f"[load] a running platform at {args.url}; bound from this environment's settings", flush=True)
    else:
        env.setdefault("DEBUG", "false")
        env.setdefault("BASE_DOMAIN", "localhost")
        _ensure_database(env["DATABASE_URL"])
        platform = Platform(env)
        token = platform.prepare()
    try:
        if platform is not None:
            port = urlsplit(platform.start(host)).port
        poller = ConnectionPoller(env["DATABASE_URL"])
        poller.start()
        poller.ready.wait(10)
        planned = plan_requests(Client(port, host, token, args.timeout), args.requests)
        print(
            f"[load] {len(planned)} requests over {args.clients} clients to {host} "
            f"(gunicorn: {WEB_WORKERS} workers × {WEB_THREADS} threads) ...",
            flush=True,
        )
        results, seconds = run_load(port, host, token, planned, args.clients, args.max_seconds, args.timeout)
        time.sleep(0.3)  # one more sample after the last answers
        poller.stopping.set()
        poller.join(5)
    finally:
        if platform is not None:
            platform.stop()

    server_errors = sum(1 for _, status, _ in results if status >= 500)
    failed = sum(1 for _, status, _ in results if status == 0)
    other = sum(1 for _, status, _ in results if 0 < status < 500 and status != 200)
    ms = [s * 1000 for _, _, s in results]
    print()
    print_table(
        [
            "requests",
            "clients",
            "seconds",
            "requests/s",
            "p50 ms",
            "p95 ms",
            "5xx",
            "no answer",
            "other non-200",
            "peak DB connections",
            "bound (workers × threads)",
        ],
        [
            [
                len(results),
                args.clients,
                f"{seconds:.1f}",
                f"{len(results) / seconds:.0f}",
                f"{percentile(ms, 0.5):.0f}",
                f"{percentile(ms, 0.95):.0f}",
                server_errors,
                failed,
                other,
                poller.peak,
                f"{bound} ({WEB_WORKERS} × {WEB_THREADS}; limit {DB_MAX_WEB_CONNECTIONS})",
            ]
        ],
    )
    print()
    by_kind = {}
    for kind, status, s in results:
        by_kind.setdefault(kind, []).append((status, s * 1000))
    print_table(
        ["endpoint", "requests", "p50 ms", "p95 ms", "non-200"],
        [
            [
                kind,
                len(rows),
                f"{percentile([m for _, m in rows], 0.5):.0f}",
                f"{percentile([m for _, m in rows], 0.95):.0f}",
                sum(1 for status, _ in rows if status != 200),
            ]
            for kind, rows in by_kind.items()
        ],
    )
    ok = server_errors == 0 and failed == 0 and poller.peak <= bound and len(results) == len(planned)
    if len(results) < len(planned):
        print(f"\n[load] stopped after {args.max_seconds:.0f} s with {len(planned) - len(results)} not sent")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
