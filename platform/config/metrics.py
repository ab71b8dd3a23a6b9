"""Prometheus metrics (prometheus-client), read at /metrics.

What is counted, and with which labels:
- xinyu_http_requests_total{method, view, status} and xinyu_http_request_seconds{method, view}:
  every request. `view` is the URL pattern's name (e.g. "care:record"), never the path, so an id
  never becomes a label; "unrouted" when no pattern matched (unknown host, 404).
- xinyu_db_queries_total{view} and xinyu_db_query_errors_total{view}: queries a request ran.
- xinyu_celery_tasks_total{task, outcome} (succeeded, failed, retried) and
  xinyu_celery_task_seconds{task}: task outcomes, counted in the worker (Celery signals).
- xinyu_celery_queue_length{queue}: LLEN of each queue in Redis, sampled at each scrape.

No label names a school, a person or a student: a school's code would make one series per school
(thousands), and anything about a person does not belong in metrics at all.

Processes: gunicorn runs several worker processes and Celery several children. With
PROMETHEUS_MULTIPROC_DIR set (the image sets it; deploy/entrypoint.sh empties it at start), each
process writes its numbers there and a scrape adds them up. Without it (a developer's machine, the
tests) each process counts for itself. The Celery worker serves its own numbers on
CELERY_METRICS_PORT when that is set (the web's /metrics shows the web's and the queue lengths).

Access: /metrics answers only a request with `Authorization: Bearer <METRICS_TOKEN>`; without a
METRICS_TOKEN it is off (404). The worker's port has no token: keep it on the internal network.
"""

import hmac
import os
import time

from celery import signals as celery_signals
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter("xinyu_http_requests_total", "HTTP requests answered", ["method", "view", "status"])
LATENCY = Histogram(
    "xinyu_http_request_seconds",
    "Time to answer an HTTP request",
    ["method", "view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
DB_QUERIES = Counter("xinyu_db_queries_total", "Database queries run while answering requests", ["view"])
DB_ERRORS = Counter("xinyu_db_query_errors_total", "Database queries that raised", ["view"])
TASKS = Counter("xinyu_celery_tasks_total", "Celery task outcomes", ["task", "outcome"])
TASK_SECONDS = Histogram(
    "xinyu_celery_task_seconds",
    "Time a Celery task ran",
    ["task"],
    buckets=(0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800),
)

_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _view_label(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unrouted"
    return match.view_name or "unnamed"


class MetricsMiddleware:
    """Counts requests, their time and their database queries, labelled by method, view and status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counts = {"queries": 0, "errors": 0}

        def count(execute, sql, params, many, context):
            counts["queries"] += 1
            try:
                return execute(sql, params, many, context)
            except Exception:
                counts["errors"] += 1
                raise

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        method = request.method if request.method in _METHODS else "other"
        view = _view_label(request)
        REQUESTS.labels(method, view, str(response.status_code)).inc()
        LATENCY.labels(method, view).observe(elapsed)
        if counts["queries"]:
            DB_QUERIES.labels(view).inc(counts["queries"])
        if counts["errors"]:
            DB_ERRORS.labels(view).inc(counts["errors"])
        return response


# --- Celery ------------------------------------------------------------------------------------

_started: dict[str, float] = {}


def _task_name(sender=None, task=None) -> str:
    task = task or sender
    return getattr(task, "name", None) or "unknown"


@celery_signals.task_prerun.connect(weak=False)
def _task_prerun(task_id=None, task=None, **kwargs):
    _started[task_id] = time.perf_counter()


@celery_signals.task_postrun.connect(weak=False)
def _task_postrun(task_id=None, task=None, **kwargs):
    started = _started.pop(task_id, None)
    if started is not None:
        TASK_SECONDS.labels(_task_name(task=task)).observe(time.perf_counter() - started)


@celery_signals.task_success.connect(weak=False)
def _task_success(sender=None, **kwargs):
    TASKS.labels(_task_name(sender), "succeeded").inc()


@celery_signals.task_failure.connect(weak=False)
def _task_failure(sender=None, **kwargs):
    TASKS.labels(_task_name(sender), "failed").inc()


@celery_signals.task_retry.connect(weak=False)
def _task_retry(sender=None, **kwargs):
    TASKS.labels(_task_name(sender), "retried").inc()


@celery_signals.worker_ready.connect(weak=False)
def _serve_worker_metrics(**kwargs):
    port = os.environ.get("CELERY_METRICS_PORT", "").strip()
    if port:
        from prometheus_client import start_http_server

        start_http_server(int(port), registry=_processes_registry())


# --- Queue length, sampled at scrape ---------------------------------------------------------------


def celery_queues() -> list[str]:
    """Every queue the platform sends to: the default queue and any named in task routes."""
    names = [settings.CELERY_TASK_DEFAULT_QUEUE]
    routes = getattr(settings, "CELERY_TASK_ROUTES", None) or {}
    if isinstance(routes, dict):
        for route in routes.values():
            queue = route.get("queue") if isinstance(route, dict) else None
            if queue and queue not in names:
                names.append(queue)
    return names


class QueueLengthCollector:
    def collect(self):
        import redis

        family = GaugeMetricFamily(
            "xinyu_celery_queue_length", "Messages waiting in a Celery queue (Redis LLEN)", labels=["queue"]
        )
        try:
            client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
            for queue in celery_queues():
                family.add_metric([queue], client.llen(queue))
        except redis.RedisError:
            pass  # no sample this time: the gauge is absent rather than wrong
        yield family


def _multiprocess_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def _processes_registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return _multiprocess_registry()
    from prometheus_client import REGISTRY

    return REGISTRY


def scrape_text() -> bytes:
    """This process's (or, in multiprocess mode, every process's) numbers and the queue lengths."""
    queues = CollectorRegistry()
    queues.register(QueueLengthCollector())
    return generate_latest(_processes_registry()) + generate_latest(queues)


def _authorized(request) -> bool:
    token = settings.METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def metrics(request):
    if not settings.METRICS_TOKEN:
        return HttpResponse("metrics are off (set METRICS_TOKEN)\n", status=404, content_type="text/plain")
    if not _authorized(request):
        response = HttpResponse("a bearer token is needed\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(scrape_text(), content_type=CONTENT_TYPE_LATEST)
