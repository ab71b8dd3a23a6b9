"""`make start` serves with gunicorn, whose fixed workers and threads bound the database connections.
bench/load.py measures the bound under 20 concurrent clients; these check the configuration."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _serving(**env):
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.serving as s; print(s.workers, s.threads, s.worker_class, s.DB_MAX_WEB_CONNECTIONS)",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_start_serves_with_gunicorn_not_the_development_server():
    from devstack.__main__ import web_command

    argv = web_command(8000)
    assert argv[1:3] == ["-m", "gunicorn"]
    assert "python:config.serving" in argv
    assert "runserver" not in argv


def test_web_server_has_fixed_workers_and_threads():
    result = _serving(WEB_WORKERS="3", WEB_THREADS="5", DB_MAX_WEB_CONNECTIONS="15")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "5", "gthread", "15"]


def test_more_threads_than_the_connection_bound_is_refused_and_named():
    result = _serving(WEB_WORKERS="4", WEB_THREADS="8", DB_MAX_WEB_CONNECTIONS="24")
    assert result.returncode != 0
    assert "DB_MAX_WEB_CONNECTIONS" in result.stderr and "4 × 8" in result.stderr


def test_settings_carry_the_bound_and_check_connections_before_reuse(settings):
    assert settings.WEB_WORKERS * settings.WEB_THREADS <= settings.DB_MAX_WEB_CONNECTIONS
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
