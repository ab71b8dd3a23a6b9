"""/healthz, /readyz and /metrics: answered before routing, on any host.

OpsMiddleware comes first in MIDDLEWARE. For these three paths it answers at once: no host check
(a probe or Prometheus calls the pod's address, which is no school's and not in ALLOWED_HOSTS), no
school lookup (an unknown host or a suspended school answers the same), no session and no sign-in.
Other paths go on to routing untouched.

- /healthz: the process is alive. Touches nothing else.
- /readyz: the database (SELECT 1), Redis (PING) and Celery (a control ping that at least one worker
  answers) are each checked with a timeout of READYZ_TIMEOUT seconds, in parallel. 200 when all pass,
  503 otherwise, with a JSON body per check. A failing check says the kind of error, never its text
  (which may carry a host name or a password in a URL).
- /metrics: config.metrics (needs METRICS_TOKEN).
"""

import json
import threading
import time

from django.conf import settings
from django.db import connections
from django.http import HttpResponse


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def _check_database() -> None:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            timeout_ms = int(settings.READYZ_TIMEOUT * 1000)
            cursor.execute(f"SET statement_timeout = {timeout_ms}")
            cursor.execute("SELECT 1")
            cursor.fetchone()
            cursor.execute("SET statement_timeout = 0")
    finally:
        # The check runs in its own thread, which would otherwise keep a connection open.
        connection.close()


def _check_redis() -> None:
    import redis

    timeout = settings.READYZ_TIMEOUT
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        if not client.ping():
            raise RuntimeError("no PONG")
    finally:
        client.close()


class NoWorker(Exception):
    pass


def _check_celery() -> None:
    from config.celery import app

    replies = app.control.ping(timeout=settings.READYZ_TIMEOUT, limit=1)
    if not replies:
        raise NoWorker("no Celery worker answered")


CHECKS = {"database": _check_database, "redis": _check_redis, "celery": _check_celery}


def _run(name, check, results):
    started = time.perf_counter()
    try:
        check()
    except NoWorker:
        results[name] = {"ok": False, "error": "no worker answered"}
    except Exception as exc:  # any failure makes the check fail; its text is not shown
        results[name] = {"ok": False, "error": type(exc).__name__}
    else:
        results[name] = {"ok": True}
    results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)


def run_checks(checks=None) -> dict:
    """Each check in its own daemon thread, joined for at most READYZ_TIMEOUT (+ a little): a check
    that hangs is reported as a timeout and left to finish by itself."""
    checks = CHECKS if checks is None else checks
    results: dict[str, dict] = {}
    threads = []
    for name, check in checks.items():
        thread = threading.Thread(target=_run, args=(name, check, results), daemon=True)
        thread.start()
        threads.append(thread)
    deadline = time.monotonic() + settings.READYZ_TIMEOUT + 0.5
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    for name in checks:
        if name not in results:
            results[name] = {"ok": False, "error": "timeout"}
    return {name: dict(results[name]) for name in checks}


def readyz(request):
    results = run_checks()
    ready = all(result["ok"] for result in results.values())
    body = {"status": "ready" if ready else "not ready", "checks": results}
    return HttpResponse(json.dumps(body), status=200 if ready else 503, content_type="application/json")


def _metrics(request):
    from config.metrics import metrics

    return metrics(request)


OPS_PATHS = {"/healthz": healthz, "/readyz": readyz, "/metrics": _metrics}


class OpsMiddleware:
    """Answers OPS_PATHS before host validation, routing and sign-in (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = OPS_PATHS.get(request.path_info)
        if view is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = HttpResponse(status=405)
            response["Allow"] = "GET, HEAD"
            return response
        response = view(request)
        response["Cache-Control"] = "no-store"
        return response
