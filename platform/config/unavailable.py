"""503 instead of 500 while the database (or Redis) cannot be reached.

Both URLconfs name `server_error` as their handler500. Django calls it for any exception a view or a
middleware did not handle, inside the `except` block, so the exception is still in sys.exc_info().
A lost or refused connection (Django's OperationalError / InterfaceError, redis-py's
ConnectionError / TimeoutError) answers 503 with Retry-After: a zh-hans page, or the API's error
shape under /api/. Anything else is Django's own 500 page.

No request is retried here and no connection is kept: Django closes a connection that had an error
at the end of the request, and CONN_HEALTH_CHECKS checks a kept one before reuse, so once PostgreSQL
is back the next request connects again without restarting the web server.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 5
# The page is rendered without the request or a translation lookup: nothing here may need the
# database. The text is in zh-hans like 500.html (both sites' language).
API_MESSAGE = "服务暂时不可用，请稍后重试。"


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    import redis

    return (OperationalError, InterfaceError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def is_unavailable(exc: BaseException | None) -> bool:
    """Whether `exc`, or an exception it was raised from, is a lost backing service."""
    errors = _unavailable_errors()
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, errors):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def unavailable_response(request) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"error": {"status": 503, "code": "unavailable", "message": API_MESSAGE}}, status=503
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, *args, **kwargs):
    if is_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return django_server_error(request, *args, **kwargs)
