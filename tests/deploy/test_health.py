"""/healthz, /readyz and /metrics: answered on any host (unknown, suspended, a pod's address), without
signing in; /readyz checks the database, Redis and a Celery worker, each with a timeout; /metrics
needs its token, counts per view and never labels a school or a person."""

import json
import re
import time

import pytest
import redis
from django.test import Client
from prometheus_client import REGISTRY

from config.celery import app
from config.health import run_checks
from district.services import school_set_status
from tests.conftest import ALPHA, BETA, client_for, signed_in

pytestmark = pytest.mark.django_db

TOKEN = "deploy-test-metrics-token-0123456789"


@app.task(name="tests.deploy.succeeds")
def _succeeds():
    return "ok"


@app.task(name="tests.deploy.fails")
def _fails():
    raise ValueError("failed on purpose")


def _ready_body(response):
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


@pytest.mark.parametrize(
    "hostname",
    ["localhost", "alpha.localhost", "nosuch.localhost", "10.1.2.3:8000", "evil.example.com"],
)
def test_healthz_answers_on_any_host_without_signing_in(hostname):
    response = Client(HTTP_HOST=hostname).get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
    assert response["Cache-Control"] == "no-store"


def test_healthz_answers_for_a_suspended_school_whose_pages_do_not(schools):
    school = schools[BETA]
    school_set_status(school=school, status="suspended")
    try:
        assert client_for(BETA).get("/accounts/login/").status_code == 403
        assert client_for(BETA).get("/healthz").status_code == 200
    finally:
        school_set_status(school=school, status="active")


def test_ops_paths_take_only_get():
    response = Client(HTTP_HOST="localhost").post("/readyz")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"


def test_readyz_is_not_ready_without_a_celery_worker(settings):
    settings.READYZ_TIMEOUT = 0.3
    started = time.monotonic()
    response = Client(HTTP_HOST="unknown.example.org").get("/readyz")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    body = _ready_body(response)
    assert body["status"] == "not ready"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    assert body["checks"]["celery"] == {
        "ok": False,
        "error": "no worker answered",
        "ms": pytest.approx(300, abs=250),
    }


def test_readyz_names_a_failing_redis_without_its_address(settings):
    settings.READYZ_TIMEOUT = 0.3
    settings.REDIS_URL = "redis://:s3cret-in-url@127.0.0.1:1/0"
    response = Client(HTTP_HOST="localhost").get("/readyz")
    assert response.status_code == 503
    body = _ready_body(response)
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["redis"]["error"] == "ConnectionError"
    assert "s3cret" not in response.content.decode() and "127.0.0.1" not in response.content.decode()


def test_a_check_that_hangs_is_reported_as_a_timeout(settings):
    settings.READYZ_TIMEOUT = 0.2
    started = time.monotonic()
    results = run_checks({"hangs": lambda: time.sleep(3), "fine": lambda: None})
    assert time.monotonic() - started < 1.5
    assert results["hangs"] == {"ok": False, "error": "timeout"}
    assert results["fine"]["ok"] is True


def _sample(name, labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_readyz_is_ready_with_a_worker_and_task_outcomes_are_counted(worker, settings):
    settings.READYZ_TIMEOUT = 2
    response = Client(HTTP_HOST="localhost").get("/readyz")
    body = _ready_body(response)
    assert response.status_code == 200, body
    assert body["status"] == "ready"
    assert all(check["ok"] for check in body["checks"].values())

    ok_before = _sample("xinyu_celery_tasks_total", {"task": "tests.deploy.succeeds", "outcome": "succeeded"})
    failed_before = _sample("xinyu_celery_tasks_total", {"task": "tests.deploy.fails", "outcome": "failed"})
    for _ in range(2):
        _succeeds.apply_async(queue=worker)
    _fails.apply_async(queue=worker)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done = (
            _sample("xinyu_celery_tasks_total", {"task": "tests.deploy.succeeds", "outcome": "succeeded"})
            - ok_before
        )
        failed = (
            _sample("xinyu_celery_tasks_total", {"task": "tests.deploy.fails", "outcome": "failed"})
            - failed_before
        )
        if done == 2 and failed == 1:
            break
        time.sleep(0.1)
    assert (done, failed) == (2, 1)
    assert _sample("xinyu_celery_task_seconds_count", {"task": "tests.deploy.succeeds"}) >= 2


def test_metrics_are_off_without_a_token_and_refuse_a_wrong_one(settings):
    settings.METRICS_TOKEN = ""
    assert Client(HTTP_HOST="localhost").get("/metrics").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    assert Client(HTTP_HOST="localhost").get("/metrics").status_code == 401
    wrong = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION="Bearer nope").get("/metrics")
    assert wrong.status_code == 401


def _scrape(hostname="10.0.0.5:8000") -> str:
    response = Client(HTTP_HOST=hostname, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def _value(text: str, name: str, **labels) -> float:
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_per_view_with_their_queries(settings):
    settings.METRICS_TOKEN = TOKEN
    before = _scrape()
    client = signed_in(ALPHA, "alice")
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert Client(HTTP_HOST="nosuch.localhost").get("/").status_code == 404
    after = _scrape()
    labels = dict(method="GET", view="home", status="200")
    assert (
        _value(after, "xinyu_http_requests_total", **labels)
        - _value(before, "xinyu_http_requests_total", **labels)
        == 3
    )
    assert _value(after, "xinyu_http_request_seconds_count", method="GET", view="home") >= 3
    assert (
        _value(after, "xinyu_db_queries_total", view="home")
        - _value(before, "xinyu_db_queries_total", view="home")
        >= 3
    )
    assert _value(after, "xinyu_http_requests_total", method="GET", view="unrouted", status="404") >= 1
    # Probes and scrapes are not counted as requests.
    assert "healthz" not in after and 'view="metrics"' not in after


def test_metrics_never_label_a_school_a_host_or_a_person(settings, schools):
    settings.METRICS_TOKEN = TOKEN
    signed_in(ALPHA, "alice").get("/")
    signed_in(BETA, "bob").get("/")
    text = _scrape()
    label_names, label_values = set(), set()
    for line in text.splitlines():
        if line.startswith("#") or "{" not in line:
            continue
        if not line.startswith("xinyu_"):
            # prometheus-client's own (python_info, gc): version numbers only.
            assert line.startswith(("python_", "process_")), line
            continue
        for name, value in re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]):
            label_names.add(name)
            label_values.add(value)
    assert label_names <= {"method", "view", "status", "le", "task", "outcome", "queue"}, label_names
    forbidden = {ALPHA, BETA, "alice", "bob", *[s.schema_name for s in schools.values()]}
    forbidden |= {f"{code}.{settings.BASE_DOMAIN}" for code in (ALPHA, BETA)}
    assert not (label_values & forbidden)


def test_queue_length_is_sampled_from_redis_at_each_scrape(settings):
    settings.METRICS_TOKEN = TOKEN
    queue = "deploy-test-queue-length"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(queue)
    try:
        assert _value(_scrape(), "xinyu_celery_queue_length", queue=queue) == 0
        client.rpush(queue, "a", "b", "c")
        assert _value(_scrape(), "xinyu_celery_queue_length", queue=queue) == 3
    finally:
        client.delete(queue)
