"""MASTER_KEY from the environment: production refuses to start without it (or with a malformed one)
and names it; devstack makes one for a fresh clone."""

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.services import Services

ROOT = Path(__file__).resolve().parents[2]
SECRET = "k" * 50


def _new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _django(code: str, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MASTER_KEY", "MASTER_KEY_FILE", "SECRET_KEY", "SECRET_KEY_FILE", "DEBUG")
    }
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **base,
            "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_master_key_and_names_it():
    result = _django("print('started')", DEBUG="false", SECRET_KEY=SECRET)
    assert result.returncode != 0 and "started" not in result.stdout
    assert "MASTER_KEY (or MASTER_KEY_FILE) must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    "bad", ["too-short", "!!not base64 at all!!", base64.urlsafe_b64encode(b"x" * 31).decode()]
)
def test_a_malformed_master_key_is_refused_without_echoing_it(bad):
    result = _django("print('started')", DEBUG="false", SECRET_KEY=SECRET, MASTER_KEY=bad)
    assert result.returncode != 0 and "MASTER_KEY must be urlsafe base64" in result.stderr
    assert bad not in result.stderr


def test_master_key_can_come_from_a_file(tmp_path):
    key = _new_key()
    (tmp_path / "master_key").write_text(key + "\n")
    result = _django(
        "from django.conf import settings; print(settings.MASTER_KEY)",
        DEBUG="false",
        SECRET_KEY=SECRET,
        MASTER_KEY_FILE=str(tmp_path / "master_key"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == key


def test_debug_starts_without_one():
    result = _django("from django.conf import settings; print(settings.MASTER_KEY)", DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def _services_env(monkeypatch, data_dir, **env):
    # URLs present, so no embedded server is started: only the secrets are filled in.
    monkeypatch.setenv("DATABASE_URL", "postgresql://unused@127.0.0.1:1/unused")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    for name in ("MASTER_KEY", "MASTER_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with Services(data_dir) as services:
        return services.env


def test_devstack_makes_a_master_key_once_and_keeps_it(monkeypatch, tmp_path):
    env = _services_env(monkeypatch, tmp_path)
    path = Path(env["MASTER_KEY_FILE"])
    assert path == tmp_path / "master_key" and "MASTER_KEY" not in env
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = path.read_text()
    assert len(base64.urlsafe_b64decode(key)) == 32
    again = _services_env(monkeypatch, tmp_path)
    assert Path(again["MASTER_KEY_FILE"]).read_text() == key  # the data it protects stays readable


def test_devstack_leaves_a_given_master_key_alone(monkeypatch, tmp_path):
    key = _new_key()
    env = _services_env(monkeypatch, tmp_path, MASTER_KEY=key)
    assert env["MASTER_KEY"] == key and "MASTER_KEY_FILE" not in env
    assert not (tmp_path / "master_key").exists()
