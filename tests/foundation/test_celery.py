"""School tasks on a real Celery worker, consuming from the real Redis broker."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from config.beat import BEAT_SCHEDULE
from config.celery import app
from shared.accounts.tasks import clear_expired_sessions
from shared.tasks import send_after_commit
from shared.tenancy.context_helpers import PublicSchemaRefused


def _expired_session(schema: str) -> str:
    with schema_context(schema):
        store = SessionStore()
        store["marker"] = 1
        store.create()
        Session.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() - timedelta(days=1)
        )
        return store.session_key


def _exists(schema: str, key: str) -> bool:
    with schema_context(schema):
        return Session.objects.filter(session_key=key).exists()


def test_school_task_runs_in_its_own_schema(worker):
    alpha_key = _expired_session("school_alpha")
    beta_key = _expired_session("school_beta")
    try:
        result = app.send_task("accounts.clear_expired_sessions", headers={"_schema_name": "school_alpha"})
        deadline = timezone.now() + timedelta(seconds=20)
        while _exists("school_alpha", alpha_key) and timezone.now() < deadline:
            time.sleep(0.1)
        assert not _exists("school_alpha", alpha_key)
        assert _exists("school_beta", beta_key), "the task touched another school's schema"
        assert result.id
    finally:
        for schema in ("school_alpha", "school_beta"):
            with schema_context(schema):
                Session.objects.filter(session_data__isnull=False, expire_date__lt=timezone.now()).delete()


def test_district_fan_out_reaches_every_school(worker):
    keys = {schema: _expired_session(schema) for schema in ("school_alpha", "school_beta")}
    sent = app.send_task(
        "district.fan_out", args=["accounts.clear_expired_sessions"], headers={"_schema_name": "public"}
    )
    deadline = timezone.now() + timedelta(seconds=30)
    while any(_exists(s, k) for s, k in keys.items()) and timezone.now() < deadline:
        time.sleep(0.1)
    assert sent.id
    assert not any(_exists(s, k) for s, k in keys.items())


@pytest.mark.django_db
def test_school_task_without_a_schema_refuses():
    connection.set_schema_to_public()
    with pytest.raises(PublicSchemaRefused):
        clear_expired_sessions.apply(headers={"_schema_name": "public"}).get()
    # Sent with no header at all: tenant-schemas-celery would run it in public; ours refuses.
    with pytest.raises(PublicSchemaRefused):
        clear_expired_sessions()


@pytest.mark.django_db
def test_school_task_runs_eagerly_in_a_school():
    with schema_context("school_alpha"):
        key = _expired_session("school_alpha")
        result = clear_expired_sessions.apply()
        assert result.get() >= 1
        assert not Session.objects.filter(session_key=key).exists()


@pytest.mark.django_db
def test_tasks_are_sent_only_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(
        clear_expired_sessions, "apply_async", lambda args, headers: sent.append((args, headers))
    )
    with schema_context("school_beta"):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            send_after_commit(clear_expired_sessions, 42)
            assert sent == []
    assert len(callbacks) == 1
    assert sent == [((42,), {"_schema_name": "school_beta"})]


def test_celery_settings():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.timezone == "UTC" and app.conf.enable_utc is True
    assert app.conf.task_serializer == "json"
    app.loader.import_default_modules()
    assert app.conf.beat_schedule == BEAT_SCHEDULE
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
        for name in entry.get("args", ()):
            assert name in app.tasks
