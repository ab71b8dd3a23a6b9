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
    """Sends recorded instead of made; the broker holds none of the outbox's messages."""
    sent = []
    monkeypatch.setattr(services, "held_outbox_ids", lambda: set())

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


@pytest.fixture
def broker():
    """The test Redis's default queue and unacknowledged hash as a worker leaves them, emptied after."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue, unacked = settings.CELERY_TASK_DEFAULT_QUEUE, "unacked"
    before = set(client.lrange(queue, 0, -1)) | set(client.hkeys(unacked))
    yield client, queue, unacked
    for raw in client.lrange(queue, 0, -1):
        if raw not in before:
            client.lrem(queue, 0, raw)
    for tag in client.hkeys(unacked):
        if tag not in before:
            client.hdel(unacked, tag)
    client.close()


@pytest.mark.django_db
def test_resend_leaves_what_the_broker_still_holds(broker, monkeypatch):
    """A message waiting in the queue or taken by a worker is not copied; a lost one is sent again."""
    client, queue, unacked = broker
    long_ago = timezone.now() - timedelta(seconds=901)
    waiting, taken, lost = (
        OutboxMessage.objects.create(task=name, schema_name="s", sent_at=long_ago)
        for name in ("accounts.clear_expired_sessions", "accounts.clear_expired_sessions", "c")
    )
    # Really sent: both land in the queue; the second is then taken as a worker takes it (kombu moves
    # the message into the unacknowledged hash under its delivery tag).
    assert services._publish(taken.pk, taken.task, [], "s")
    assert services._publish(waiting.pk, waiting.task, [], "s")
    raw = client.rpop(queue)  # the oldest, as a worker's BRPOP takes it
    assert b'"_outbox_id": %d' % taken.pk in raw
    client.hset(unacked, "tag-taken", raw)
    assert {waiting.pk, taken.pk} <= services.held_outbox_ids()

    sent = []
    monkeypatch.setattr(services, "_publish", lambda pk, *rest: sent.append(pk) or True)
    assert services.outbox_resend(after=900) == 1
    assert sent == [lost.pk]
    assert OutboxMessage.objects.get(pk=waiting.pk).sends == 1
    assert OutboxMessage.objects.get(pk=lost.pk).sends == 2


@pytest.mark.django_db
def test_resend_waits_when_the_broker_holds_too_much_to_read(broker, monkeypatch):
    from outbox import broker as outbox_broker

    client, queue, _ = broker
    message = OutboxMessage.objects.create(
        task="a", schema_name="s", sent_at=timezone.now() - timedelta(hours=1)
    )
    client.lpush(queue, b"{}")
    assert outbox_broker.held_outbox_ids(limit=0) is None
    monkeypatch.setattr(outbox_broker, "SCAN_LIMIT", 0)
    monkeypatch.setattr(services, "_publish", lambda *args: pytest.fail("sent while the broker is full"))
    assert services.outbox_resend(after=900) == 0
    assert OutboxMessage.objects.get(pk=message.pk).sends == 1


@pytest.mark.django_db
def test_resend_reads_the_broker_only_when_a_message_is_late(monkeypatch):
    OutboxMessage.objects.create(task="a", schema_name="s", sent_at=timezone.now() - timedelta(seconds=60))
    monkeypatch.setattr(services, "held_outbox_ids", lambda: pytest.fail("the broker was read"))
    assert services.outbox_resend(after=900) == 0


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
