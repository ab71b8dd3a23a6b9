"""A worker's broker connection lost while it holds an unacknowledged message: closing the channel
after its transport is gone raises nothing (it ended the worker before), and the message stays in
Redis's unacknowledged hash, from which the visibility check gives it back to the queue."""

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


def test_closing_a_channel_whose_transport_is_gone_keeps_the_message(broker):
    client, name = broker
    connection = Connection(settings.CELERY_BROKER_URL)
    channel = connection.channel()
    queue = Queue(name, Exchange(name), name)(channel)
    queue.declare()
    connection.Producer(channel).publish({"id": 1}, exchange=queue.exchange, routing_key=name)
    message = queue.get(no_ack=False)
    assert message is not None
    tag = message.delivery_tag.encode()
    assert client.hexists("unacked", tag) and client.llen(name) == 0

    # The state Celery closes a lost connection in: the channel's pools gone, its transport closed.
    channel._disconnect_pools()
    channel.connection.client = None
    channel.close()

    assert client.hexists("unacked", tag)  # kept, for the visibility check
    assert client.llen(name) == 0
    connection.release()


def test_a_live_channel_still_gives_its_messages_back_at_close(broker):
    client, name = broker
    with Connection(settings.CELERY_BROKER_URL) as connection:
        channel = connection.channel()
        queue = Queue(name, Exchange(name), name)(channel)
        queue.declare()
        connection.Producer(channel).publish({"id": 2}, exchange=queue.exchange, routing_key=name)
        message = queue.get(no_ack=False)
        assert client.hexists("unacked", message.delivery_tag.encode())
        channel.close()
    assert client.llen(name) == 1  # back in the queue at once
