"""Logs: one JSON object per line in production (LOG_FORMAT=json), each with the request id and the
school's code, and nothing personal.

- The request id comes from the proxy's X-Request-ID header when it looks like an id (letters,
  digits, dashes, at most 64 characters), or is made here; the response carries it back.
- The school is its code (a subdomain, not personal data), "district" on the district host and "-"
  outside a request.
- An exception is logged as its type and its stack (file, line, function), never its message: a
  database error's message quotes the values of the row (a student's name in a unique-constraint
  violation, for example). Sentry gets the same scrubbed stack (config/sentry.py).
- Nothing here logs paths' query strings, bodies, headers or users; gunicorn's access log is off.
"""

import contextvars
import logging
import re
import traceback
import uuid

from pythonjsonlogger.json import JsonFormatter

_request = contextvars.ContextVar("xinyu_request", default=None)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def _request_id_from(request) -> str:
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


class RequestContextMiddleware:
    """Remembers the request for the log filter, and answers with its X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = _request_id_from(request)
        token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


def current_school_code(request) -> str:
    tenant = getattr(request, "tenant", None)
    if tenant is not None and getattr(tenant, "code", None):
        return tenant.code
    return "district" if getattr(request, "is_district", False) else "-"


class RequestContextFilter(logging.Filter):
    """Adds request_id and school to every record (the JSON formatter prints them). Django logs a
    4xx/5xx answer after the middleware has returned, with the request on the record."""

    def filter(self, record):
        request = getattr(record, "request", None) or _request.get()
        if request is None or not hasattr(request, "META"):
            record.request_id = getattr(record, "request_id", "-")
            record.school = getattr(record, "school", "-")
        else:
            record.request_id = getattr(request, "request_id", "-")
            record.school = current_school_code(request)
        return True


def scrubbed_exception(exc_info) -> str:
    """The exception's type and stack, without its message (nor any chained exception's)."""
    exc_type, exc, tb = exc_info
    lines = []
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        frames = traceback.extract_tb(exc.__traceback__)
        lines.append(f"{type(exc).__module__}.{type(exc).__qualname__}")
        lines += [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames]
        exc = exc.__cause__ or exc.__context__
    return "\n".join(lines)


# Extra attributes never printed: Django's `request` (its repr has the query string, where a search
# for a student's name would be) and anything else that holds a request or a person.
DROPPED_EXTRAS = ("request", "user", "args")


class ScrubbedJsonFormatter(JsonFormatter):
    """python-json-logger's formatter, with exceptions and stack traces reduced to types and frames,
    and the request object left out."""

    def process_log_record(self, log_data):
        for key in DROPPED_EXTRAS:
            log_data.pop(key, None)
        return super().process_log_record(log_data)

    def formatException(self, ei):  # noqa: N802 (logging's name)
        return scrubbed_exception(ei)

    def formatStack(self, stack_info):  # noqa: N802
        return "stack omitted"


JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(school)s"
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(school)s %(request_id)s] %(message)s"


def logging_config(*, log_format: str, level: str) -> dict:
    """Django's LOGGING for LOG_FORMAT "json" or "plain"."""
    formatters = {
        "json": {
            "()": "config.logs.ScrubbedJsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
        "plain": {"format": PLAIN_FORMAT},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": "config.logs.RequestContextFilter"}},
        "formatters": formatters,
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Axes logs usernames and addresses of failed sign-ins at INFO; keep those out.
            "axes": {"level": "WARNING"},
            "django.db.backends": {"level": "WARNING"},
        },
    }
