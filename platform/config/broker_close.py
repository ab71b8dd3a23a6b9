"""A worker must survive its broker connection being lost while it holds unacknowledged messages.

When Redis goes away (a restart, a failover), Celery closes the broken connection. Closing kombu's Redis
channel gives its taken-but-unacknowledged messages back to the queue, and for that it builds a new
connection pool from the channel's transport. When the transport has already been closed, kombu
(5.7) raises AttributeError ("'NoneType' object has no attribute 'hostname'"), Celery calls it an
unrecoverable error, and the worker exits: in the fault test with Redis restarted, 1 run in about 10.

Here that case gives nothing back itself. The messages stay in Redis's `unacked` hash, which persists
with Redis, and every worker's visibility check (CELERY_VISIBILITY_TIMEOUT) puts them back in the
queue. The worker goes on to reconnect.
"""

import logging

from kombu.transport import redis as kombu_redis

log = logging.getLogger(__name__)

_restore_unacked = kombu_redis.QoS.restore_unacked


def _restore_unacked_unless_closed(self, client=None):
    if client is None and getattr(self.channel.connection, "client", None) is None:
        log.warning(
            "Broker connection closed before %d unacknowledged message(s) could be given back; "
            "they return after the visibility timeout",
            len(self._delivered),
        )
        self._delivered.clear()
        return None
    return _restore_unacked(self, client)


def install() -> None:
    kombu_redis.QoS.restore_unacked = _restore_unacked_unless_closed
