"""The fault tests' own platform: an embedded PostgreSQL and a durable embedded Redis in a temporary
folder, migrated once per session, with Celery workers and gunicorn as subprocesses started like
`make start` starts them. Nothing here connects to the machine's PostgreSQL (5432) or Redis (6379):
the fixture refuses URLs that name them, and the processes get an environment without the machine's
URLs or secret files.
"""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest

from devstack.services import EmbeddedPostgres, EmbeddedRedis, _free_port

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "faults"
BASE_DOMAIN = "xinyu-faults.test"
# Short, so the test sees a killed worker's tasks come back within seconds (production: an hour).
VISIBILITY_TIMEOUT = 5
_MACHINE_SERVICES = ("127.0.0.1:5432", "localhost:5432", ":6379")


class Stack:
    def __init__(self, folder: Path):
        self.folder = folder
        self.postgres = EmbeddedPostgres(folder)
        self.redis = EmbeddedRedis(folder, durable=True)
        self.processes: list[subprocess.Popen] = []
        self.env: dict[str, str] = {}
        self.database_url = self.redis_url = ""

    def start(self) -> None:
        self.database_url = self.postgres.start()
        self.redis_url = self.redis.start()
        for url in (self.database_url, self.redis_url):
            assert not any(service in url for service in _MACHINE_SERVICES), url
        inherited = {
            key: value
            for key, value in os.environ.items()
            if not key.endswith("_FILE")
            and key not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "MASTER_KEY", "METRICS_TOKEN")
            and not key.startswith(("CI_", "CELERY_", "WEB_", "DB_"))
        }
        self.env = {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'platform'}",
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "MASTER_KEY": _master_key(),
            "DEBUG": "false",
            "HTTPS": "false",
            "BASE_DOMAIN": BASE_DOMAIN,
            "MEDIA_ROOT": str(self.folder / "media"),
            "LOG_FORMAT": "plain",
            "CELERY_QUEUE": QUEUE,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_RESTORE_INTERVAL": "1",
            # Longer than the visibility timeout: a killed worker's messages come back by themselves first.
            "OUTBOX_RESEND_AFTER": "10",
            "WEB_WORKERS": "1",
            "WEB_THREADS": "2",
            "READYZ_TIMEOUT_MS": "1500",
            "SCHOOL_POOL_SIZE": "0",
        }
        self.python("manage.py", "migrate_platform", "--verbosity", "0", timeout=900)
        self.school = self.seed("school")

    def python(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(
            [sys.executable, *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def seed(self, *args: str) -> dict:
        return json.loads(self.python("-m", "tests.faults.seed", *args).strip().splitlines()[-1])

    def sql(self, query: str, params=()) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True, connect_timeout=5) as conn:
            return conn.execute(query, params).fetchall()

    def reminders(self, prefix: str) -> tuple[int, int]:
        """(notifications, distinct idempotency keys) made by the reminders of the events `prefix-*`."""
        schema = self.school["schema"]
        return self.sql(
            f'SELECT count(*), count(DISTINCT n.dedupe_key) FROM "{schema}".workspace_notification n '
            "JOIN public.exchange_event e ON n.dedupe_key = 'exchange-event:' || e.public_id::text "
            "WHERE e.title LIKE %s",
            [f"{prefix}-%"],
        )[0]

    def spawn(self, argv: list[str], log_name: str) -> subprocess.Popen:
        log = open(self.folder / log_name, "ab")  # noqa: SIM115 - kept open for the process's life
        process = subprocess.Popen(
            argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append(process)
        return process

    def worker(self, name: str) -> subprocess.Popen:
        """A Celery worker as `make start` runs it (prefork, 2 processes) on the test's queue."""
        argv = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", QUEUE, "-n", f"{name}@faults"]
        process = self.spawn([*argv, "--concurrency", "2", "--loglevel", "INFO"], f"{name}.log")
        wait_until(lambda: "ready." in self.log(name), 60, f"worker {name} did not start")
        return process

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def outbox_pending(self) -> int:
        return self.sql("SELECT count(*) FROM public.outbox_outboxmessage WHERE done_at IS NULL")[0][0]

    def web(self) -> int:
        from devstack.__main__ import web_command

        port = _free_port()
        self.spawn(web_command(port, bind="127.0.0.1"), "web.log")
        wait_until(lambda: get(port, "localhost", "/healthz")[0] == 200, 60, "gunicorn did not answer")
        return port

    @staticmethod
    def kill(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
        """The process and everything it started (its own process group)."""
        if process.poll() is None:
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def close(self) -> None:
        for process in self.processes:
            self.kill(process, signal.SIGTERM)
        self.redis.stop()
        self.postgres.stop()

    def queue_left(self) -> tuple[int, int]:
        """(messages waiting in the queue, messages taken but not acknowledged)."""
        import redis

        client = redis.Redis.from_url(self.redis_url)
        try:
            return client.llen(QUEUE), client.hlen("unacked")
        finally:
            client.close()


def _master_key() -> str:
    import base64

    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def already_done(stack: Stack, worker: str) -> int:
    """How many reminder tasks the worker ran that created nothing (a redelivery after the effect)."""
    return len(
        re.findall(r"event_remind_school\[[^\]]+\] succeeded in [0-9.e-]+s: 0$", stack.log(worker), re.M)
    )


def wait_until(predicate, seconds: float, message: str, every: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:  # noqa: BLE001 - not ready yet
            value = None
        if value:
            return value
        time.sleep(every)
    raise AssertionError(message)


def get(port: int, host: str, path: str, headers: dict | None = None) -> tuple[int, str, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": host, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)


@pytest.fixture(scope="session")
def stack():
    # Not under pytest's basetemp: another pytest session on the machine prunes old basetemp folders,
    # and PostgreSQL shuts down when its data folder disappears.
    folder = Path(tempfile.mkdtemp(prefix="xinyu-faults-"))
    built = Stack(folder)
    try:
        built.start()
        yield built
    finally:
        built.close()
        # What the workers, beat and web said, for a failed test's report (captured otherwise).
        for log in sorted(folder.glob("*.log")):
            lines = log.read_text(errors="replace").splitlines()
            print(f"--- {log.name}, last 40 of {len(lines)} lines ---", *lines[-40:], sep="\n")
        if os.environ.get("XINYU_FAULTS_KEEP"):
            print(f"fault test folder kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
