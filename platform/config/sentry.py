"""Error reporting. Off without a DSN; never sends personal data."""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

_SCRUB_KEYS = ("request", "user", "extra", "breadcrumbs")


def scrub_event(event, hint):
    # Keep the stack and the URL path, drop anything that could carry a person's data.
    request = event.get("request")
    if request:
        event["request"] = {"method": request.get("method"), "url": request.get("url")}
    event.pop("user", None)
    event.pop("extra", None)
    for exception in (event.get("exception") or {}).get("values", []):
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    event.pop("breadcrumbs", None)
    return event


def sentry_options(dsn: str, **overrides) -> dict:
    options = dict(
        dsn=dsn,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub_event,
        traces_sample_rate=0.0,
    )
    options.update(overrides)
    return options


def init_sentry(dsn: str, **overrides) -> None:
    sentry_sdk.init(**sentry_options(dsn, **overrides))
