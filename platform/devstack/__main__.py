"""python -m devstack start | run -- COMMAND ... | manage MANAGE_PY_ARGS ..."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from devstack.services import Services

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("XINYU_DATA_DIR", ROOT / ".data"))


def _local_defaults(env: dict, port: str) -> None:
    """What `make start` runs with, unless the environment says otherwise."""
    env.setdefault("DEBUG", "true")
    env.setdefault("BASE_DOMAIN", "localhost")
    env.setdefault("PUBLIC_PORT", port)
    env.setdefault("SCHOOL_POOL_SIZE", "2")


def _run(argv: list[str], *, like_start: bool = False) -> int:
    if not argv:
        print("usage: python -m devstack run -- COMMAND ...", file=sys.stderr)
        return 2
    with Services(DATA) as services:
        if like_start:
            _local_defaults(services.env, os.environ.get("PORT", "8000"))
        for note in services.notes:
            print(f"[devstack] {note}", flush=True)
        child = subprocess.Popen(argv, env=services.env, cwd=ROOT)
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGINT)
            return child.wait()


def _manage(env, *args, check=True):
    return subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=ROOT, check=check)


def web_command(port: str | int, bind: str = "0.0.0.0") -> list[str]:
    """The web server, as `make start` and bench/load.py run it."""
    return [sys.executable, "-m", "gunicorn", "-c", "python:config.serving", "--bind", f"{bind}:{port}"]


def _stop_all(processes):
    for proc in processes:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 15
    for proc in processes:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _start() -> int:
    port = os.environ.get("PORT", "8000")
    with Services(DATA) as services:
        env = services.env
        _local_defaults(env, port)
        env["PYTHONUNBUFFERED"] = "1"
        for note in services.notes:
            print(f"[start] {note}", flush=True)
        _manage(env, "migrate_platform", "--verbosity", "0")
        _manage(env, "seed_demo")
        commands = {
            # gunicorn with a fixed number of workers and threads (config/serving.py), so the database
            # connections stay bounded; WhiteNoise serves the static files.
            "web": web_command(port),
            "worker": [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
            ],
            "beat": [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(DATA / "celerybeat-schedule"),
            ],
        }
        processes = []
        stopping = False

        def _signal(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, _signal)
        signal.signal(signal.SIGTERM, _signal)
        try:
            for argv in commands.values():
                # Each in its own process group, so stopping it stops everything it started.
                processes.append(subprocess.Popen(argv, env=env, cwd=ROOT, start_new_session=True))
            domain = env["BASE_DOMAIN"]
            print(f"\n[start] 区教育局 (district): http://{domain}:{port}/", flush=True)
            print(
                f"[start] 学校 (schools):    http://<code>.{domain}:{port}/  e.g. http://demo1.{domain}:{port}/",
                flush=True,
            )
            print("[start] Press Ctrl-C to stop everything.\n", flush=True)
            while not stopping:
                for proc, name in zip(processes, commands, strict=True):
                    if proc.poll() is not None:
                        print(f"[start] {name} exited with {proc.returncode}; stopping", flush=True)
                        stopping = True
                time.sleep(0.5)
        finally:
            print("[start] stopping web, worker and beat ...", flush=True)
            _stop_all(processes)
        print("[start] stopped.", flush=True)
    return 0


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["start"]:
        return _start()
    if args[:1] == ["run"]:
        rest = args[1:]
        if rest[:1] == ["--"]:
            rest = rest[1:]
        return _run(rest)
    if args[:1] == ["manage"]:
        # manage.py with the data, keys and settings of `make start` (`make manage ARGS="..."`).
        return _run([sys.executable, "manage.py", *args[1:]], like_start=True)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
