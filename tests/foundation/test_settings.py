import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _django(code: str, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DEBUG")}
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


def test_production_refuses_to_start_without_a_secret_key_and_names_it():
    result = _django("print('started')", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "started" not in result.stdout


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-a-file-" + "x" * 50)
    result = _django(
        "from django.conf import settings; print(settings.SECRET_KEY)",
        DEBUG="false",
        SECRET_KEY_FILE=str(secret),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from-a-file-" + "x" * 50


def test_unreadable_secret_file_is_named(tmp_path):
    result = _django("pass", DEBUG="false", SECRET_KEY_FILE=str(tmp_path / "missing"))
    assert result.returncode != 0 and "SECRET_KEY_FILE" in result.stderr


def test_bad_boolean_is_refused_with_its_name():
    result = _django("pass", DEBUG="maybe", SECRET_KEY="k" * 50)
    assert result.returncode != 0 and "DEBUG must be true or false" in result.stderr


def test_deploy_check_warns_only_about_what_the_tls_proxy_settles():
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY_FILE")}
    import secrets

    base.update(SECRET_KEY=secrets.token_urlsafe(50), DEBUG="false")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )
    warnings = sorted(set(part.split(")")[0] for part in result.stderr.split("(security.")[1:]))
    assert warnings == ["W008", "W021"], result.stderr


def test_https_uses_host_only_cookie_names():
    result = _django(
        "from django.conf import settings as s; print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, "
        "s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_DOMAIN)",
        DEBUG="false",
        SECRET_KEY="k" * 50,
    )
    assert result.stdout.split() == ["__Host-sessionid", "__Host-csrftoken", "True", "None"], result.stderr


def test_time_is_stored_in_utc_and_shown_in_shanghai(settings):
    assert settings.TIME_ZONE == "UTC" and settings.USE_TZ
    assert settings.DISPLAY_TIME_ZONE == "Asia/Shanghai"


def test_env_example_documents_every_variable():
    text = (ROOT / ".env.example").read_text()
    used = set()
    import re

    for path in (ROOT / "platform" / "config").glob("*.py"):
        used |= set(re.findall(r'env_(?:str|bool|int|secret)\("([A-Z_]+)"', path.read_text()))
    assert used, "no variables found"
    missing = sorted(name for name in used if not re.search(rf"^#?\s*{name}=", text, re.M))
    assert missing == []


class _Recorder:
    def __init__(self):
        self.events = []


@pytest.mark.django_db
def test_sentry_events_carry_no_personal_data(settings):
    import sentry_sdk
    from sentry_sdk.transport import Transport

    from config.sentry import sentry_options

    recorder = _Recorder()

    class CapturingTransport(Transport):
        def capture_envelope(self, envelope):
            for item in envelope.items:
                if item.type == "event":
                    recorder.events.append(item.payload.json)

    marker = "王小明-标记-4711"
    client = sentry_sdk.Client(
        **sentry_options("https://key@example.invalid/1", transport=CapturingTransport)
    )
    scope = sentry_sdk.get_current_scope()
    old = scope.client
    scope.set_client(client)
    try:
        scope.set_user({"username": marker})
        student_name = marker  # a local variable that must not be sent
        try:
            raise ValueError("failed for an id")
        except ValueError:
            sentry_sdk.capture_exception()
        client.flush()
    finally:
        scope.set_client(old)
        scope.set_user(None)
    assert recorder.events, "nothing was captured"
    assert marker not in repr(recorder.events)
    assert student_name


def test_sentry_is_off_without_a_dsn():
    result = _django(
        "import sentry_sdk; print(sentry_sdk.get_client().is_active())", SECRET_KEY="k" * 50, SENTRY_DSN=""
    )
    assert result.stdout.strip() == "False", result.stderr
