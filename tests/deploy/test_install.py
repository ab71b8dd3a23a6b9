"""The project installed as the image installs it (`pip install .` into a clean virtualenv: no editable
install, no test extras, run from outside the checkout), migrated into a fresh database, serving with
production settings under gunicorn: the district and a provisioned school answer 200 in zh-hans, with
their static files, and the first district admin is created by its command."""

import base64
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
COPIED = [
    "pyproject.toml",
    "README.md",
    "platform",
    "shared",
    "tenants",
    "api",
    "locale",
]  # as the Dockerfile

pytestmark = pytest.mark.slow


def _admin_dsn() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgresql://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/postgres"


def _database_url(name: str) -> str:
    return _admin_dsn().rsplit("/", 1)[0] + f"/{name}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, host: str, path: str) -> tuple[int, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


@pytest.fixture
def installed(tmp_path_factory):
    """A virtualenv with `pip install .` of a copy of the project's files."""
    work = tmp_path_factory.mktemp("deploy-install")
    source = work / "src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for name in COPIED:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    result = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", str(source)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    try:
        yield work, venv
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def fresh_database():
    name = f"xinyu_deploy_install_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_installed_project_serves_the_district_and_a_school_in_production(installed, fresh_database):
    work, venv = installed
    prefix = f"xinyu-deploy-install-{uuid.uuid4().hex[:6]}"
    domain = "xinyu-install.test"
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(work),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MASTER_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "DATABASE_URL": _database_url(fresh_database),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "CELERY_QUEUE": prefix,
        "BASE_DOMAIN": domain,
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "WEB_WORKERS": "1",
        "WEB_THREADS": "2",
        "LOG_FORMAT": "json",
    }
    run = dict(env=env, cwd=work, capture_output=True, text=True, timeout=600)
    admin = str(venv / "bin" / "django-admin")

    # Nothing of the checkout is importable: the code is the installed copy.
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import config; print(config.__file__)"], **run
    )
    assert where.stdout.strip().startswith(str(venv)), where.stdout + where.stderr

    for args in (
        ["collectstatic", "--noinput", "--verbosity", "0"],
        ["migrate_platform", "--verbosity", "0"],
        [
            "provision_school",
            "--code",
            "deployone",
            "--name",
            "部署测试学校",
            "--type",
            "初中",
            "--number",
            "DPL001",
            "--admin-name",
            "测试管理员",
            "--admin-email",
            "admin@deployone.example.cn",
        ],
    ):
        result = subprocess.run([admin, *args], **run)
        assert result.returncode == 0, (args[0], result.stdout[-2000:], result.stderr[-3000:])
    first = subprocess.run(
        [
            admin,
            "create_district_admin",
            "--username",
            "itadmin",
            "--full-name",
            "信息中心",
            "--email",
            "it@x.cn",
        ],
        **run,
    )
    assert first.returncode == 0, first.stderr[-2000:]
    assert first.stdout.startswith("itadmin\thttps://" + domain + "/accounts/")

    # The installed copy can hand a task to Redis (kombu's Redis transport and what it imports); the
    # queue is this test's own, and nothing takes from it.
    sent = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import django; django.setup(); from config.celery import app; app.send_task('outbox.resend')",
        ],
        **run,
    )
    assert sent.returncode == 0, sent.stderr[-3000:]
    assert redis.Redis.from_url(settings.REDIS_URL).llen(prefix) == 1

    port = _free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "gunicorn"), "-c", "python:config.serving", "--bind", f"127.0.0.1:{port}"],
        env=env,
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "gunicorn.log", "w"),  # noqa: SIM115 (closed with the process)
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _get(port, "10.0.0.1", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (work / "gunicorn.log").read_text()[-3000:]
            time.sleep(0.3)
        else:
            pytest.fail("gunicorn did not answer /healthz: " + (work / "gunicorn.log").read_text()[-3000:])

        status, body = _get(port, domain, "/accounts/login/")
        assert status == 200, body[:500]
        assert "示范区教育局" in body and "登录" in body  # zh-hans, from the installed catalog
        status, body = _get(port, f"deployone.{domain}", "/accounts/login/")
        assert status == 200, body[:500]
        assert "部署测试学校" in body and "登录" in body
        assert _get(port, f"nosuch.{domain}", "/accounts/login/")[0] == 404
        status, script = _get(port, domain, "/static/vendor/htmx-2.0.11.min.js")
        assert status == 200 and "htmx" in script
        # Production: no debug page for a missing URL.
        status, body = _get(port, domain, "/no-such-page/")
        assert status == 404 and "Traceback" not in body and "URLconf" not in body
        log = (work / "gunicorn.log").read_text()
        assert "Traceback" not in log, log[-3000:]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.delete(prefix)
