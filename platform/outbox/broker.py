"""What the broker (Redis) still holds of the outbox's messages: waiting in a queue, or taken by a
worker and not yet acknowledged (kombu keeps those in its `unacked` hash, and puts a killed worker's
back in the queue after the visibility timeout). The resend job sends again only the messages the
broker no longer holds: a message that merely waits behind a long queue is not sent a second time,
so a backlog never grows into a storm of copies."""

import logging
import re

from django.conf import settings
from kombu.transport.redis import Channel

from config.metrics import celery_queues

log = logging.getLogger(__name__)

# Reading more messages than this every minute would cost more than waiting for the queue to shrink.
SCAN_LIMIT = 20_000
# The header outbox_send gives each message (outbox/services.py), as it appears in the stored JSON.
_OUTBOX_ID = re.compile(rb'"_outbox_id":\s*(\d+)')


def _keys() -> tuple[list[str], str]:
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    sep = options.get("sep", Channel.sep)
    steps = options.get("priority_steps", Channel.priority_steps)
    queues = [queue if not step else f"{queue}{sep}{step}" for queue in celery_queues() for step in steps]
    return list(dict.fromkeys(queues)), options.get("unacked_key", Channel.unacked_key)


def held_outbox_ids(limit: int | None = None) -> set[int] | None:
    """The outbox ids of the messages the broker holds; None when it cannot tell (it holds more than
    `limit` (SCAN_LIMIT) messages, or cannot be reached)."""
    import redis

    limit = SCAN_LIMIT if limit is None else limit
    queues, unacked = _keys()
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=10, socket_connect_timeout=5)
    try:
        with client.pipeline(transaction=False) as pipe:
            for queue in queues:
                pipe.llen(queue)
            pipe.hlen(unacked)
            held = sum(pipe.execute())
        if held > limit:
            log.info("Outbox: the broker holds %d messages, more than %d; resends wait", held, limit)
            return None
        with client.pipeline(transaction=False) as pipe:
            for queue in queues:
                pipe.lrange(queue, 0, -1)
            pipe.hvals(unacked)
            stored = pipe.execute()
    except redis.RedisError as exc:
        log.warning("Outbox: the broker cannot be read (%s); resends wait", type(exc).__name__)
        return None
    finally:
        client.close()
    return {int(found) for messages in stored for raw in messages for found in _OUTBOX_ID.findall(raw)}
