"""The task outbox: a task is recorded in the caller's transaction, sent after commit with its id,
marked done by the worker once it succeeds, and sent again while it is not done."""

import logging
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tenants.utils import schema_context

from config.beat import BEAT_SCHEDULE
from outbox import services
from outbox.models import OutboxMessage
from shared.accounts.tasks import clear_expired_sessions


@pytest.fixture
def published(monkeypatch):
    sent = []

    def publish(message_id, task, args, schema_name):
        sent.append((message_id, task, args, schema_name))
        return True

    monkeypatch.setattr(services, "_publish", publish)
    return sent


@pytest.mark.django_db
def test_the_task_is_recorded_in_the_transaction_and_sent_after_commit(
    published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.outbox_send(clear_expired_sessions, 7, schema_name="school_alpha")
        assert published == []  # not before the commit
        assert OutboxMessage.objects.get(pk=message.pk).done_at is None
    assert published == [(message.pk, "accounts.clear_expired_sessions", [7], "school_alpha")]


@pytest.mark.django_db
def test_a_rolled_back_transaction_sends_nothing_and_leaves_no_row(
    published, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.outbox_send(clear_expired_sessions, schema_name="school_alpha")
            raise RuntimeError
    assert published == [] and not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_resend_sends_what_is_not_done_in_time_and_forgets_old_done_ones(published):
    now = timezone.now()
    late = OutboxMessage.objects.create(
        task="a", args=[1], schema_name="s", sent_at=now - timedelta(seconds=901)
    )
    fresh = OutboxMessage.objects.create(
        task="b", args=[2], schema_name="s", sent_at=now - timedelta(seconds=60)
    )
    done = OutboxMessage.objects.create(
        task="c", schema_name="s", sent_at=now - timedelta(days=1), done_at=now - timedelta(hours=1)
    )
    old = OutboxMessage.objects.create(
        task="d", schema_name="s", sent_at=now - timedelta(days=9), done_at=now - timedelta(days=8)
    )
    assert services.outbox_resend(now=now, after=900) == 1
    assert published == [(late.pk, "a", [1], "s")]
    late.refresh_from_db()
    assert late.sends == 2 and late.sent_at == now
    assert OutboxMessage.objects.filter(pk__in=[fresh.pk, done.pk]).count() == 2
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()
    # Sent again only after another wait.
    assert services.outbox_resend(now=now + timedelta(seconds=10), after=900) == 0


@pytest.mark.django_db
def test_a_task_that_never_succeeds_is_not_sent_for_ever(published, caplog):
    now = timezone.now()
    stuck = OutboxMessage.objects.create(
        task="a", schema_name="s", sent_at=now - timedelta(hours=1), sends=services.MAX_SENDS
    )
    with caplog.at_level(logging.ERROR, logger="outbox.services"):
        assert services.outbox_resend(now=now, after=900) == 0
    assert published == [] and OutboxMessage.objects.get(pk=stuck.pk).done_at is None
    assert "1 task(s) still not done" in caplog.text


@pytest.mark.django_db
def test_a_broker_that_cannot_be_reached_loses_nothing(
    monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from celery import current_app

    def refuse(*args, **kwargs):
        raise ConnectionError("redis://:secret@broker:6379 refused")

    monkeypatch.setattr(current_app, "send_task", refuse)
    with caplog.at_level(logging.WARNING, logger="outbox.services"):
        with django_capture_on_commit_callbacks(execute=True):
            message = services.outbox_send(clear_expired_sessions, schema_name="school_alpha")
    assert OutboxMessage.objects.get(pk=message.pk).done_at is None  # left for the resend job
    assert "ConnectionError" in caplog.text and "secret" not in caplog.text


def test_the_worker_marks_the_message_done(worker):
    """A real worker: the task runs in the school's schema, and its success marks the message done."""
    with schema_context("school_alpha"):
        store = SessionStore()
        store.create()
        Session.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() - timedelta(days=1)
        )
    message = services.outbox_send(clear_expired_sessions, schema_name="school_alpha")  # autocommit: sent now
    try:
        deadline = time.monotonic() + 20
        while OutboxMessage.objects.get(pk=message.pk).done_at is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert OutboxMessage.objects.get(pk=message.pk).done_at is not None
        with schema_context("school_alpha"):
            assert not Session.objects.filter(session_key=store.session_key).exists()
    finally:
        OutboxMessage.objects.filter(pk=message.pk).delete()


def test_beat_runs_the_resend_job_every_minute():
    entry = BEAT_SCHEDULE["outbox-resend"]
    assert entry["task"] == "outbox.resend"
    assert str(entry["schedule"]._orig_minute) == "*"
