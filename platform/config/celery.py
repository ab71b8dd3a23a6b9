"""The one Celery app. Tasks sent inside a school carry its schema in a header."""

import os

from tenant_schemas_celery.app import CeleryApp

from config import broker_close

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

broker_close.install()  # a lost Redis connection must not end the worker (see the module)

app = CeleryApp("xinyu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _install_beat_schedule(sender, **kwargs):
    from config.beat import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE


# Task outcomes and durations for Prometheus (its signal handlers connect on import).
import config.metrics  # noqa: E402, F401
