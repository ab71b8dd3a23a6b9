"""A worker's broker connection lost while it holds an unacknowledged message. Closing the channel,
or acknowledging the message once its task finishes, after the connection's transport is gone raises
a connection error, which Celery handles (an AttributeError ended the worker before). The message
stays in Redis's unacknowledged hash, from which the visibility check gives it back to the queue."""

import contextlib
import logging
import uuid

import pytest
import redis
from django.conf import settings
from kombu import Connection, Exchange, Queue

import config.celery  # noqa: F401  (installs the guard, as every worker and web process does)


@pytest.fixture
def broker():
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    name = f"test-close-{uuid.uuid4().hex[:8]}"
    unacked_before = set(client.hkeys("unacked"))
    yield client, name
    client.delete(name)
    for tag in set(client.hkeys("unacked")) - unacked_before:
        client.hdel("unacked", tag)
        client.zrem("unacked_index", tag)
    client.close()


def _taken(connection, name):
    channel = connection.channel()
    queue = Queue(name, Exchange(name), name)(channel)
    queue.declare()
    connection.Producer(channel).publish({"id": 1}, exchange=queue.exchange, routing_key=name)
    message = queue.get(no_ack=False)
    assert message is not None
    return channel, message


def _lose(channel):
    """The state Celery closes a lost connection in: the channel's pools gone, its transport closed."""
    channel._disconnect_pools()
    channel.connection.client = None


def test_closing_a_channel_whose_transport_is_gone_keeps_the_message(broker):
    client, name = broker
    connection = Connection(settings.CELERY_BROKER_URL)
    channel, message = _taken(connection, name)
    tag = message.delivery_tag.encode()
    assert client.hexists("unacked", tag) and client.llen(name) == 0

    _lose(channel)
    with pytest.raises(tuple(connection.connection_errors)):
        channel.close()
    assert client.hexists("unacked", tag)  # kept, for the visibility check
    assert client.llen(name) == 0


def test_acknowledging_on_a_lost_connection_is_logged_not_fatal(broker, caplog):
    """A late-acknowledged task that finishes after the reconnect: Celery acknowledges it with
    ack_log_error and the connection's errors, as here."""
    client, name = broker
    connection = Connection(settings.CELERY_BROKER_URL)
    channel, message = _taken(connection, name)
    _lose(channel)
    errors = connection.connection_errors + connection.channel_errors
    with caplog.at_level(logging.CRITICAL):
        message.ack_log_error(logging.getLogger("test"), errors)
    assert "Couldn't ack" in caplog.text
    assert client.hexists("unacked", message.delivery_tag.encode())
    with contextlib.suppress(*errors):
        channel.close()


def test_a_live_channel_still_gives_its_messages_back_at_close(broker):
    client, name = broker
    with Connection(settings.CELERY_BROKER_URL) as connection:
        channel, message = _taken(connection, name)
        assert client.hexists("unacked", message.delivery_tag.encode())
        channel.close()
    assert client.llen(name) == 1  # back in the queue at once
